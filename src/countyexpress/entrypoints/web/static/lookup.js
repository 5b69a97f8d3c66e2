// Public parcel lookup: posts the waybill number and phone tail as JSON and shows the parcel's
// status and a timeline of its steps: the time on the county's clock (the API gives every
// step's time with the county's offset, +08:00, so no browser zone is involved), the step's
// name in the page's language (the data-step-* labels of #lookup-result) and the place.
// Nothing about the receiver is shown.
(function () {
  "use strict";
  var form = document.getElementById("lookup-form");
  var out = document.getElementById("lookup-result");
  var csrf = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRF-Token": "([^"]+)"/);

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function label(prefix, code) {
    return out.getAttribute("data-" + prefix + "-" + code) || code;
  }

  // "2026-12-03T10:39+08:00" -> "2026-12-03 10:39": the county's wall clock as sent.
  function clock(iso) {
    return String(iso).slice(0, 10) + " " + String(iso).slice(11, 16);
  }

  function notice(text, cls) {
    out.innerHTML = "";
    out.appendChild(el("p", text, "notice " + cls));
  }

  function show(data) {
    out.innerHTML = "";
    var card = el("div", null, "card");
    card.id = "lookup-answer";
    card.setAttribute("data-state", data.state);
    var dl = el("dl");
    [["state", label("state", data.state)], ["place", data.place_name], ["address", data.address]]
      .forEach(function (row) {
        if (!row[1]) { return; }
        dl.appendChild(el("dt", out.getAttribute("data-label-" + row[0])));
        dl.appendChild(el("dd", row[1]));
      });
    card.appendChild(dl);
    card.appendChild(el("h2", out.getAttribute("data-label-steps")));
    var ol = el("ol", null, "timeline");
    ol.id = "lookup-timeline";
    (data.steps || []).slice().reverse().forEach(function (step) {
      var li = el("li");
      li.setAttribute("data-kind", step.kind);
      var when = el("time", clock(step.at));
      when.setAttribute("datetime", step.at);
      li.appendChild(when);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("b", label("step", step.kind)));
      if (step.where) { li.appendChild(document.createTextNode(" · " + step.where)); }
      ol.appendChild(li);
    });
    card.appendChild(ol);
    card.appendChild(el("p", null)).appendChild(el("small", out.getAttribute("data-label-times")));
    out.appendChild(card);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = { waybill_no: form.waybill_no.value.trim(), phone_tail: form.phone_tail.value.trim() };
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (csrf) { headers["X-CSRF-Token"] = csrf[1]; }
    out.textContent = "…";
    fetch(form.dataset.api, { method: "POST", headers: headers, body: JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 404) { notice(out.dataset.notFound, "warn"); return null; }
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { notice(out.dataset.error, "bad"); });
  });
})();
