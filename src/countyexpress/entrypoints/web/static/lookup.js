// Public parcel lookup: posts the waybill number and phone tail as JSON and shows the masked
// answer field by field (the server never returns personal data unmasked).
(function () {
  "use strict";
  var form = document.getElementById("lookup-form");
  var out = document.getElementById("lookup-result");
  var csrf = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRF-Token": "([^"]+)"/);

  function show(value) {
    if (value === null || value === undefined) { return "—"; }
    if (typeof value === "object") { return JSON.stringify(value); }
    return String(value);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = { waybill_no: form.waybill_no.value.trim(), phone_tail: form.phone_tail.value.trim() };
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (csrf) { headers["X-CSRF-Token"] = csrf[1]; }
    out.textContent = "…";
    fetch(form.dataset.api, { method: "POST", headers: headers, body: JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 404) { out.innerHTML = ""; var p = document.createElement("p");
          p.className = "notice warn"; p.textContent = out.dataset.notFound; out.appendChild(p); return null; }
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (data) {
        if (!data) { return; }
        out.innerHTML = "";
        var dl = document.createElement("dl");
        dl.className = "card";
        Object.keys(data).forEach(function (k) {
          var dt = document.createElement("dt"); dt.textContent = k;
          var dd = document.createElement("dd"); dd.textContent = show(data[k]);
          dl.appendChild(dt); dl.appendChild(dd);
        });
        out.appendChild(dl);
      })
      .catch(function () { out.innerHTML = ""; var p = document.createElement("p");
        p.className = "notice bad"; p.textContent = out.dataset.error; out.appendChild(p); });
  });
})();
