// The county map: the county's outline, township labels and areas, village and facility
// points drawn as vector layers (SVG) on a plain background. Tiles are added only when the
// server is configured with a tile URL. Each layer has its own pane, so the order holds
// whatever the layer control toggles: outline, townships, routes, facilities, then villages
// on top, so a village no facility serves stays visible.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var credit = el.dataset.outlineCredit || "";
  var map = L.map(el, {
    zoomSnap: 0.25, preferCanvas: false, attributionControl: !!(el.dataset.tiles || credit),
  });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  if (credit) { map.attributionControl.setPrefix(false).addAttribution(credit); }
  [["outline", 350], ["township-areas", 360], ["township-labels", 370], ["routes", 380],
    ["facilities", 410], ["villages", 420]].forEach(function (p) {
    map.createPane(p[0]).style.zIndex = String(p[1]);
  });
  map.getPane("township-labels").style.pointerEvents = "none";
  var L_ = data.labels;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var outline = L.layerGroup();
  if (data.outline) {
    L.polygon(data.outline.polygons, {
      pane: "outline", interactive: false, color: "#1d2733", weight: 2, opacity: 0.9,
      fillColor: "#f4f1e8", fillOpacity: 0.5, className: "county-outline",
    }).addTo(outline);
  }
  var townships = L.layerGroup(), villages = L.layerGroup(), facilities = L.layerGroup();
  (data.townships || []).forEach(function (t) {
    if (t.outline) {
      L.polygon(t.outline, {
        pane: "township-areas", interactive: false, color: "#52606d", weight: 1.5,
        dashArray: t.outline_estimated ? "6 4" : null, fill: false,
        className: "township-outline" + (t.outline_estimated ? " estimated" : ""),
      }).addTo(townships);
    }
    if (t.lat === null || t.lat === undefined) { return; }
    var label = esc(t.name) + (t.label_estimated ? " <small>(" + esc(L_.estimate) + ")</small>" : "");
    L.marker([t.lat, t.lon], {
      pane: "township-labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "township-label" + (t.label_estimated ? " estimated" : ""),
        html: "<span>" + label + "</span>", iconSize: null }),
    }).addTo(townships);
  });
  var villageMarkers = [];
  data.divisions.forEach(function (d) {
    var township = d.level === "township";
    var community = d.level === "community";
    var m = L.circleMarker([d.lat, d.lon], {
      pane: township ? "township-areas" : "villages",
      radius: township ? 9 : 6,
      weight: township ? 2 : 1,
      color: township ? "#1d2733" : "#ffffff",
      fillOpacity: township ? 0.25 : 0.9,
      fillColor: township ? "#1d2733" : "#888888",
      className: "division " + d.level,
    });
    if (!township && d.quality !== "verified") { m.setStyle({ color: "#1d2733", dashArray: "2 2" }); }
    m.bindTooltip(esc(d.name));
    var served = community ? (d.station ? L_.community_yes : L_.community_no)
      : (d.station ? L_.station_yes : L_.station_no);
    var popup = "<b>" + esc(d.name) + "</b><br>" + esc(d.code) + "<br>" +
      esc(served || "") + "<br>" +
      esc(L_.coordinates) + ": " + esc(L_.qualities[d.quality]);
    if (d.cover && data.coverage) {
      popup += "<br>" + esc(L_.nearest) + " " + esc(L_.kinds[data.coverage.kind] || data.coverage.kind) +
        ": " + (d.cover.code ? esc(d.cover.name || d.cover.code) + " · " + d.cover.km + " km" : esc(L_.none));
      if (d.cover.judged === false) { popup += "<br>" + esc(L_.not_judged); }
    }
    m.bindPopup(popup);
    if (township) { m.addTo(townships); } else { m.addTo(villages); villageMarkers.push([m, d]); }
  });
  data.facilities.forEach(function (f) {
    var colour = data.kind_colours[f.kind] || "#333";
    var m = L.circleMarker([f.lat, f.lon], {
      pane: "facilities",
      radius: 5, weight: 2, color: colour, fillColor: "#ffffff", fillOpacity: 1,
      dashArray: f.quality === "demo" ? "2 2" : null, className: "facility " + f.kind,
    });
    m.bindTooltip(esc(f.name));
    m.bindPopup("<b>" + esc(f.name) + "</b><br>" + esc(L_.kinds[f.kind] || f.kind) + "<br>" +
      esc(L_.qualities[f.quality]));
    m.addTo(facilities);
  });

  function coverageColour(d) {
    var c = data.coverage.colours;
    if (d.cover && d.cover.judged === false) { return c.not_judged || c.none; }
    if (!d.cover || !d.cover.code) { return c.none; }
    return d.cover.within ? c.within : c.outside;
  }
  function colour(mode) {
    if (mode === "coverage" && !data.coverage) { mode = "station"; }
    villageMarkers.forEach(function (pair) {
      var d = pair[1];
      var fill = mode === "quality" ? data.quality_colours[d.quality]
        : mode === "coverage" ? coverageColour(d)
        : data.station_colours[d.station ? "yes" : "no"];
      pair[0].setStyle({ fillColor: fill });
      var el_ = pair[0].getElement();
      if (el_ && d.cover) { el_.setAttribute("data-within", d.cover.within ? "1" : "0"); }
    });
    // the driver's small map has no legends: only the county map's are toggled
    [["legend-villages", "station"], ["legend-quality", "quality"], ["legend-coverage", "coverage"]]
      .forEach(function (p) {
        var legend = document.getElementById(p[0]);
        if (legend) { legend.hidden = mode !== p[1]; }
      });
    el.dataset.colourBy = mode;
  }
  var checked = document.querySelector('input[name="colour-by"]:checked');
  document.querySelectorAll('input[name="colour-by"]').forEach(function (r) {
    r.addEventListener("change", function () { colour(r.value); });
  });

  var routes = L.layerGroup();
  (data.routes ? data.routes.runs : []).forEach(function (run) {
    if (run.points.length < 2) { return; }
    L.polyline(run.points, { pane: "routes", color: run.colour, weight: 3, opacity: 0.8, className: "route" })
      .bindTooltip(esc(run.vehicle) + " · " + run.stops + " · " + run.km + " km")
      .addTo(routes);
  });

  outline.addTo(map); routes.addTo(map); townships.addTo(map); facilities.addTo(map); villages.addTo(map);
  colour(checked ? checked.value : "station");
  var overlays = {};
  if (data.outline) { overlays[L_.outline] = outline; }
  if (data.routes) { overlays[L_.routes] = routes; }
  overlays[L_.townships] = townships;
  overlays[L_.villages] = villages;
  overlays[L_.facilities] = facilities;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  // Fit the county's outline, else its own divisions; facilities outside it (a prefecture
  // sorting centre) are drawn but do not shrink the county to a corner.
  var points = data.divisions.map(function (d) { return [d.lat, d.lon]; });
  if (!points.length) { points = data.facilities.map(function (f) { return [f.lat, f.lon]; }); }
  if (data.outline) { map.fitBounds(L.latLngBounds(data.outline.bounds).pad(0.02)); }
  else if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.08)); }
  else { map.setView([35, 105], 4); }
  el.dataset.ready = "1";
  el.dataset.divisions = String(data.divisions.length);
  el.dataset.facilities = String(data.facilities.length);
  el.dataset.routes = String(data.routes ? data.routes.runs.length : 0);
  el.dataset.outline = data.outline ? data.outline.source : "";
  el.dataset.townships = String((data.townships || []).length);
})();
