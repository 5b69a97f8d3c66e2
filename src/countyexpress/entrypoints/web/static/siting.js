// The siting screens: the chosen sites beside the existing ones on a tile-less Leaflet map,
// and saved scenarios side by side. Drawn on load and again after htmx swaps a new result in.
(function () {
  "use strict";

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function newMap(el) {
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  function drawPlaces(map, places, group) {
    places.forEach(function (d) {
      L.circleMarker([d.lat, d.lon], {
        radius: 4, weight: 1, color: d.quality === "verified" ? "#ffffff" : "#1d2733",
        dashArray: d.quality === "verified" ? null : "2 2",
        fillColor: "#888888", fillOpacity: 0.8, className: "place",
      }).bindTooltip(esc(d.name)).addTo(group);
    });
  }

  function fit(map, points) {
    if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.08)); }
    else { map.setView([35, 105], 4); }
  }

  function drawSiting(el, data) {
    var map = newMap(el), L_ = data.labels;
    var places = L.layerGroup(), existing = L.layerGroup(), chosen = L.layerGroup();
    drawPlaces(map, data.places, places);
    data.existing.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], {
        radius: 6, weight: 2, color: data.colour, fillColor: "#ffffff", fillOpacity: 1,
        dashArray: s.quality === "verified" ? null : "2 2", className: "existing-site",
      }).bindTooltip(esc(s.name) + " · " + esc(L_.existing)).addTo(existing);
    });
    data.chosen.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], {
        radius: 9, weight: 2, color: "#1d2733", fillColor: data.colour, fillOpacity: 0.95,
        dashArray: s.quality === "verified" ? null : "3 2", className: "chosen-site",
      }).bindTooltip(esc(s.name) + " · " + esc(L_.chosen))
        .bindPopup("<b>" + esc(s.name) + "</b><br>" + esc(s.id) + "<br>" + esc(L_.kind) + "<br>" +
          esc(L_.coordinates) + ": " + esc(L_.qualities[s.quality] || s.quality))
        .addTo(chosen);
    });
    places.addTo(map); existing.addTo(map); chosen.addTo(map);
    var overlays = {};
    overlays[L_.places] = places; overlays[L_.existing] = existing; overlays[L_.chosen] = chosen;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    fit(map, data.places.map(function (d) { return [d.lat, d.lon]; })
      .concat(data.chosen.map(function (s) { return [s.lat, s.lon]; })));
    el.dataset.chosen = String(data.chosen.length);
    el.dataset.existing = String(data.existing.length);
    el.dataset.ready = "1";
  }

  function drawCompare(el, data) {
    var map = newMap(el), group = L.layerGroup(), points = [];
    drawPlaces(map, data.places, group);
    data.scenarios.forEach(function (s, i) {
      s.sites.forEach(function (x) {
        var off = x.existing ? 0 : i * 1.5; // new sites of different scenarios side by side
        L.circleMarker([x.lat, x.lon], {
          radius: x.existing ? 6 : 8 + off, weight: 2,
          color: x.existing ? "#555555" : s.colour, fillColor: x.existing ? "#ffffff" : s.colour,
          fillOpacity: x.existing ? 1 : 0.35, className: x.existing ? "existing-site" : "scenario-site",
        }).bindTooltip(esc(s.name) + " · " + esc(x.name)).addTo(group);
        points.push([x.lat, x.lon]);
      });
    });
    group.addTo(map);
    fit(map, data.places.map(function (d) { return [d.lat, d.lon]; }).concat(points));
    el.dataset.ready = "1";
  }

  function init() {
    var el = document.getElementById("siting-map"), src = document.getElementById("siting-data");
    if (el && src && el.dataset.ready !== "1") { drawSiting(el, JSON.parse(src.textContent)); }
    el = document.getElementById("compare-map"); src = document.getElementById("compare-data");
    if (el && src && el.dataset.ready !== "1") { drawCompare(el, JSON.parse(src.textContent)); }
  }

  init();
  document.body.addEventListener("htmx:afterSettle", init);
  // htmx swaps only 2xx answers: a refused form (an expired session, a value out of bounds)
  // says so in the result's place instead of leaving the last answer standing.
  document.body.addEventListener("htmx:responseError", function (e) {
    var box = document.getElementById("siting-result");
    if (!box || e.detail.target !== box) { return; }
    var p = document.createElement("p");
    p.className = "notice bad"; p.id = "siting-error"; p.setAttribute("role", "alert");
    p.textContent = box.dataset.refused.replace("%(status)s", String(e.detail.xhr.status));
    box.replaceChildren(p);
  });
})();
