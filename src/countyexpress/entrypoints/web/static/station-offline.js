// The station screen without a signal (see docs/offline.md). With no network a scan is not
// sent: it is queued on the phone (offline-queue.js) with its own event id and the phone's
// time, and counted as waiting to upload. The queue goes up when the network returns (the
// `online` event, Background Sync in the service worker, each page load, and every 10 s);
// what the server refused is listed against the parcel with its reason. The words come from
// the page (#offline-words, rendered in the reader's language), none are written here.
(function () {
  "use strict";
  var box = document.getElementById("offline");
  var Q = window.CountyOffline;
  var form = document.getElementById("scan-form");
  if (!box || !Q || !form) return;
  var words = JSON.parse(document.getElementById("offline-words").textContent);
  var url = box.getAttribute("data-upload");
  var count = document.getElementById("offline-count");
  var list = document.getElementById("offline-list");
  var note = document.getElementById("offline-note");
  var signal = document.getElementById("offline-signal");
  var result = document.getElementById("scan-result");
  var pending = "";

  Q.setMeta("csrf", box.getAttribute("data-csrf"));

  function say(element, text, outcome, strong) {
    var p = document.createElement("p");
    p.className = "notice result " + (outcome === "refused" ? "bad" : outcome === "queued" ? "warn" : "ok");
    p.setAttribute("data-outcome", outcome);
    p.appendChild(document.createTextNode(text + " "));
    if (strong) {
      var b = document.createElement("b");
      b.textContent = strong;
      p.appendChild(b);
    }
    element.replaceChildren(p);
  }

  function item(record) {
    var li = document.createElement("li");
    li.setAttribute("data-waybill", record.waybill);
    li.setAttribute("data-outcome", record.status);
    var b = document.createElement("b");
    b.textContent = record.waybill;
    li.appendChild(b);
    var when = new Date(record.occurred_at);
    var text = " · " + when.toLocaleTimeString(document.documentElement.lang || undefined);
    if (record.status === "refused") text += " · " + words.refused + ": " + record.reason;
    else text += " · " + (record.status === "to-confirm" ? words.to_confirm : words.waiting_one);
    li.appendChild(document.createTextNode(text));
    if (record.status === "refused") {
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "link";
      dismiss.textContent = words.dismiss;
      dismiss.addEventListener("click", function () { Q.remove(record.seq, record.store).then(show); });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(dismiss);
    }
    return li;
  }

  function mark(handovers) {
    Array.prototype.forEach.call(document.querySelectorAll("#waiting tr[data-waybill]"), function (row) {
      var waiting = handovers.some(function (h) { return h.waybill === row.getAttribute("data-waybill") && h.status === "waiting"; });
      var badge = row.querySelector(".to-confirm");
      if (waiting && !badge) {
        badge = document.createElement("b");
        badge.className = "to-confirm warn";
        badge.textContent = " " + words.to_confirm;
        row.cells[0].appendChild(badge);
      } else if (!waiting && badge) {
        badge.remove();
      }
    });
  }

  function show() {
    return Promise.all([Q.all(), Q.all("handovers")]).then(function (got) {
      var handovers = got[1].filter(function (h) { return h.url === box.getAttribute("data-handovers"); });
      mark(handovers);
      var mine = got[0].filter(function (r) { return r.url === url; }).concat(
        handovers.map(function (h) {
          return { seq: h.seq, store: "handovers", waybill: h.waybill, occurred_at: h.occurred_at,
                   status: h.status === "refused" ? "refused" : "to-confirm", reason: h.reason };
        }));
      var waiting = mine.filter(function (r) { return r.status !== "refused"; }).length;
      count.textContent = words.waiting.replace("{n}", String(waiting));
      count.setAttribute("data-count", String(waiting));
      count.hidden = waiting === 0;
      list.replaceChildren.apply(list, mine.map(item));
      signal.hidden = navigator.onLine;
      box.hidden = mine.length === 0 && navigator.onLine && !note.hasChildNodes();
    });
  }

  // The screen as it is now, kept for a reload without a signal (the shelf list with it).
  function keepScreen() {
    if (!navigator.onLine || !("caches" in window)) return;
    caches.open("countyexpress-screens").then(function (c) { return c.add(location.pathname); })
      .catch(function () {});
  }

  function upload() {
    if (!navigator.onLine) return Promise.resolve();
    return Q.flush().then(done, function () {});
  }

  function done(report) {
    if (!report) return;
    if (report.stored.length) {
      var last = report.stored[report.stored.length - 1];
      say(note, words.uploaded.replace("{n}", String(report.stored.length)), "uploaded",
          last.waybill + (last.pickup_code ? " → " + last.pickup_code : ""));
      if (window.htmx) window.htmx.trigger(document.body, "shelf-changed");
    }
    if (report.confirmed.length) {
      say(handResult, words.confirmed.replace("{n}", String(report.confirmed.length)), "confirmed",
          report.confirmed[report.confirmed.length - 1]);
      if (window.htmx) window.htmx.trigger(document.body, "shelf-changed");
    }
    if (report.stored.length || report.confirmed.length) keepShelf();
    if (report.status === "login") {
      say(note, words.login, "refused");
    }
    return show();
  }

  function queue(waybill) {
    waybill = (waybill || "").trim();
    if (!waybill) return;
    Q.add(waybill, url).then(function () {
      say(result, words.queued, "queued", waybill);
      form.reset();
      var field = form.elements.namedItem("waybill");
      if (field instanceof HTMLElement) field.focus();
      if (navigator.serviceWorker) {
        navigator.serviceWorker.ready.then(function (reg) {
          if (reg.sync) return reg.sync.register("station-scans");
        }).catch(function () {});
      }
      return show();
    });
  }

  // Offline, the scan form is kept from htmx and queued here (capture: before htmx sees it).
  document.addEventListener("submit", function (event) {
    if (event.target !== form || navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var field = form.elements.namedItem("waybill");
    queue(field instanceof HTMLInputElement ? field.value : "");
  }, true);
  // Online by the browser's word, yet the request did not get through: queued as well.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === form) {
      var field = form.elements.namedItem("waybill");
      pending = field instanceof HTMLInputElement ? field.value : "";
    }
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt === form) queue(pending);
  });

  // Hand-over without a signal: the code and the tail the receiver gives are checked against
  // the shelf list kept on this phone (a salted PBKDF2 hash per parcel, from the server),
  // recorded for upload and marked "to confirm"; the server checks them again on upload.
  var handForm = document.getElementById("handover-form");
  var handResult = document.getElementById("handover-result");
  var shelfUrl = box.getAttribute("data-shelf");
  var TYPED = /^(?:([A-Z]{1,3})[ \t\-_.·]*)?([0-9]{1,4})$/;  // as domain/pickup_codes.py
  var PRINTED = /^([A-Z]{1,3})-([0-9]{4})$/;
  var TRIES = 5;  // wrong tries on one parcel before this phone waits for the signal
  var handPending = null;

  function keepShelf() {
    if (!navigator.onLine || !shelfUrl) return Promise.resolve();
    return fetch(shelfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (kept) { if (kept) return Q.setMeta("shelf:" + shelfUrl, kept); })
      .catch(function () {});
  }

  function resolve(typed, parcels) {
    var m = TYPED.exec(typed.normalize("NFKC").trim().toUpperCase());
    if (!m) return { found: "none" };
    var hits = parcels.filter(function (p) {
      var printed = PRINTED.exec(p.pickup_code.toUpperCase());
      return printed && Number(printed[2]) === Number(m[2]) && (!m[1] || printed[1] === m[1]);
    });
    if (hits.length === 1) return { found: "found", parcel: hits[0] };
    return { found: hits.length > 1 && !m[1] ? "ambiguous" : "none" };
  }

  function b64(bytes) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes)));
  }

  function hash(code, tail, salt, iterations) {
    var secret = code.normalize("NFKC").trim().toUpperCase() + "|" + tail.normalize("NFKC").trim();
    var raw = Uint8Array.from(atob(salt), function (c) { return c.charCodeAt(0); });
    return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "PBKDF2", false, ["deriveBits"])
      .then(function (key) {
        return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: raw, iterations: iterations }, key, 256);
      }).then(b64);
  }

  function handSay(text, outcome, strong) {
    say(handResult, text, outcome === "to-confirm" ? "queued" : "refused", strong);
    handResult.firstChild.setAttribute("data-outcome", outcome);
  }

  function handOverHere(pickup, tail) {
    Promise.all([Q.getMeta("shelf:" + shelfUrl), Q.all("handovers")]).then(function (got) {
      var kept = got[0];
      if (!kept) return handSay(words.no_list, "refused");
      var r = resolve(pickup, kept.parcels);
      if (r.found !== "found") return handSay(r.found === "ambiguous" ? words.ambiguous : words.not_here, r.found === "ambiguous" ? "ambiguous" : "not_here");
      var parcel = r.parcel;
      if (got[1].some(function (h) { return h.waybill === parcel.waybill; })) {
        return handSay(words.to_confirm_long, "to-confirm", parcel.waybill);
      }
      var tries = "tries:" + parcel.waybill;
      return Q.getMeta(tries).then(function (failed) {
        failed = failed || 0;
        if (failed >= TRIES) return handSay(words.wait_signal, "locked");
        return hash(parcel.pickup_code, tail, parcel.salt, kept.iterations).then(function (made) {
          if (made !== parcel.check) {
            return Q.setMeta(tries, failed + 1).then(function () { handSay(words.wrong, "wrong"); });
          }
          return Q.addHandover(parcel.waybill, parcel.pickup_code, tail.trim(), box.getAttribute("data-handovers"))
            .then(function () {
              handSay(words.to_confirm_long, "to-confirm", parcel.waybill);
              handForm.reset();
              if (navigator.serviceWorker) {
                navigator.serviceWorker.ready.then(function (reg) {
                  if (reg.sync) return reg.sync.register("station-scans");
                }).catch(function () {});
              }
              return show();
            });
        });
      });
    });
  }

  function handFields() {
    var p = handForm.elements.namedItem("pickup"), t = handForm.elements.namedItem("tail");
    return [p instanceof HTMLInputElement ? p.value : "", t instanceof HTMLInputElement ? t.value : ""];
  }

  if (handForm && handResult) {
    document.addEventListener("submit", function (event) {
      if (event.target !== handForm || navigator.onLine) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      var f = handFields();
      handOverHere(f[0], f[1]);
    }, true);
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt === handForm) handPending = handFields();
    });
    document.body.addEventListener("htmx:sendError", function (event) {
      if (event.detail.elt === handForm && handPending) handOverHere(handPending[0], handPending[1]);
    });
  }

  window.addEventListener("offline", function () { note.replaceChildren(); show(); });
  window.addEventListener("online", function () { upload(); });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "station-uploaded") done(event.data.report);
    });
  }
  // A browser may think it is online with no signal (so no `online` event when it returns):
  // while scans wait, try again every 10 s, and after any request of the page went through.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) upload();
  });
  window.setInterval(upload, 10000);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "shelf") {  // the shelf list came again
      show();
      keepScreen();
    }
  });
  show().then(upload).then(keepShelf);
})();
