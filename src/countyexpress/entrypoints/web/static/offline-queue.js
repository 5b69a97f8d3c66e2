// The station's offline queue, kept in IndexedDB on the phone, shared by the station screen
// (station-offline.js) and the service worker (sw.js, for Background Sync). Hand-overs made
// offline wait in the store "handovers" (the phone tail sealed with a key of this phone's
// own) and go up after the scans, to be checked again by the server. A queued scan is
// {seq, event_id, waybill, occurred_at, url, status, reason}: `event_id` a UUID made here,
// `occurred_at` this phone's clock, `url` the station's upload address; `status` is
// "waiting" until the server answers, "refused" (with its reason) when it would not take it.
// Scans are sent in the order they were made, at most 100 at a time; the server's ledger
// is idempotent by event id, so a repeat of an upload whose answer was lost does no harm.
// One upload runs at a time across the page and the worker (a Web Lock).
(function (root) {
  "use strict";
  var NAME = "countyexpress-station";
  var BATCH = 100;

  function request(r) {
    return new Promise(function (ok, bad) {
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { bad(r.error); };
    });
  }

  var opened = null;
  function open() {
    if (!opened) {
      var r = root.indexedDB.open(NAME, 1);
      r.onupgradeneeded = function () {
        var db = r.result;
        db.createObjectStore("scans", { keyPath: "seq", autoIncrement: true });
        db.createObjectStore("handovers", { keyPath: "seq", autoIncrement: true });
        db.createObjectStore("meta");
      };
      opened = request(r);
    }
    return opened;
  }

  function store(name, mode) {
    return open().then(function (db) { return db.transaction(name, mode).objectStore(name); });
  }

  function all(name) {
    return store(name || "scans", "readonly").then(function (s) { return request(s.getAll()); });
  }

  function put(record, name) {
    return store(name || "scans", "readwrite").then(function (s) { return request(s.put(record)); });
  }

  function remove(seq, name) {
    return store(name || "scans", "readwrite").then(function (s) { return request(s.delete(seq)); });
  }

  function getMeta(key) {
    return store("meta", "readonly").then(function (s) { return request(s.get(key)); });
  }

  function setMeta(key, value) {
    return store("meta", "readwrite").then(function (s) { return request(s.put(value, key)); });
  }

  function uuid() {
    if (root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // A scan made now on this phone, waiting for the upload to `url`.
  function add(waybill, url) {
    var record = {
      event_id: uuid(), waybill: waybill, occurred_at: new Date().toISOString(),
      url: url, status: "waiting", reason: ""
    };
    return put(record).then(function (seq) { record.seq = seq; return record; });
  }

  // The phone's own key for what it must keep until the upload (a hand-over's phone tail):
  // AES-GCM, made here, not extractable, kept in IndexedDB as a key object.
  function deviceKey() {
    return getMeta("key").then(function (key) {
      if (key) return key;
      return root.crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        .then(function (made) { return setMeta("key", made).then(function () { return made; }); });
    });
  }

  function seal(text) {
    var iv = root.crypto.getRandomValues(new Uint8Array(12));
    return deviceKey().then(function (key) {
      return root.crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, new TextEncoder().encode(text));
    }).then(function (sealed) { return { iv: iv, data: sealed }; });
  }

  function unseal(box) {
    return deviceKey().then(function (key) {
      return root.crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.data);
    }).then(function (plain) { return new TextDecoder().decode(plain); });
  }

  // A hand-over checked on this phone, to confirm with the server: the pickup code and the
  // phone tail the receiver gave (the tail sealed with the phone's key), the phone's time.
  function addHandover(waybill, pickup, tail, url) {
    return seal(tail).then(function (sealed) {
      var record = {
        waybill: waybill, pickup: pickup, tail: sealed, occurred_at: new Date().toISOString(),
        url: url, status: "waiting", reason: ""
      };
      return put(record, "handovers").then(function (seq) { record.seq = seq; return record; });
    });
  }

  function post(url, body, csrf) {
    return root.fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf }
    });
  }

  // The hand-overs to confirm, in order, after the scans.
  function uploadHandovers(report, csrf) {
    return all("handovers").then(function (records) {
      var waiting = records.filter(function (r) { return r.status === "waiting"; });
      function next() {
        if (!waiting.length || report.status !== "ok") return report;
        var url = waiting[0].url;
        var batch = [];
        while (waiting.length && batch.length < BATCH && waiting[0].url === url) batch.push(waiting.shift());
        return Promise.all(batch.map(function (r) { return unseal(r.tail); })).then(function (tails) {
          var body = { handovers: batch.map(function (r, i) {
            return { waybill: r.waybill, pickup: r.pickup, tail: tails[i], occurred_at: r.occurred_at };
          }) };
          return post(url, body, csrf);
        }).then(function (response) {
          if (response.status === 401 || response.status === 403) { report.status = "login"; return report; }
          if (!response.ok) { report.status = "offline"; return report; }
          return response.json().then(function (answer) {
            return Promise.all(answer.results.map(function (a, i) {
              var r = batch[i];
              if (a.outcome === "ok" || a.outcome === "duplicate") {
                report.confirmed.push(r.waybill);
                return remove(r.seq, "handovers");
              }
              r.status = "refused";
              r.reason = a.reason;
              report.refused.push(r);
              return put(r, "handovers");
            })).then(next);
          });
        }, function () { report.status = "offline"; return report; });
      }
      return next();
    });
  }

  // Send the waiting scans in order; the answer says how many were stored (with their
  // shelf and pickup code), refused, and why the upload stopped ("offline", "login", or
  // "ok" when all went).
  function upload() {
    var report = { stored: [], refused: [], confirmed: [], status: "ok" };
    return Promise.all([all(), getMeta("csrf")]).then(function (got) {
      var waiting = got[0].filter(function (r) { return r.status === "waiting"; });
      var csrf = got[1] || "";
      function next() {
        if (report.status !== "ok") return report;
        if (!waiting.length) return uploadHandovers(report, csrf);
        var url = waiting[0].url;
        var batch = [];
        while (waiting.length && batch.length < BATCH && waiting[0].url === url) batch.push(waiting.shift());
        var body = { scans: batch.map(function (r) {
          return { event_id: r.event_id, waybill: r.waybill, occurred_at: r.occurred_at };
        }) };
        return post(url, body, csrf).then(function (response) {
          if (response.status === 401 || response.status === 403) { report.status = "login"; return report; }
          if (!response.ok) { report.status = "offline"; return report; }
          return response.json().then(function (answer) {
            var byId = {};
            batch.forEach(function (r) { byId[r.event_id] = r; });
            return Promise.all(answer.results.map(function (a) {
              var r = byId[a.event_id];
              if (!r) return null;
              if (a.outcome === "refused") {
                r.status = "refused";
                r.reason = a.reason;
                report.refused.push(r);
                return put(r);
              }
              report.stored.push({ waybill: r.waybill, shelf: a.shelf, pickup_code: a.pickup_code, outcome: a.outcome });
              return remove(r.seq);
            })).then(next);
          });
        }, function () { report.status = "offline"; return report; });
      }
      return next();
    });
  }

  var running = null;
  function flush() {
    if (running) return running;
    var locks = root.navigator.locks;
    var job = locks ? locks.request("countyexpress-station-upload", upload) : upload();
    running = job.then(function (r) { running = null; return r; }, function (e) { running = null; throw e; });
    return running;
  }

  root.CountyOffline = {
    add: add, addHandover: addHandover, all: all, remove: remove, flush: flush,
    getMeta: getMeta, setMeta: setMeta
  };
})(self);
