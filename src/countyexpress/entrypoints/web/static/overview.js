// Scans per day on the overview: one line per kind (arrivals, intakes, pickups), drawn by
// uPlot on a canvas; the same numbers are in the table below it.
(function () {
  "use strict";
  var el = document.getElementById("volume-chart");
  var data = JSON.parse(document.getElementById("volume-data").textContent);
  var xs = data.days.map(function (d) { return Date.parse(d + "T12:00:00Z") / 1000; });
  var series = [{}];
  var values = [xs];
  data.series.forEach(function (s) {
    series.push({ label: s.label, stroke: s.colour, width: 2, points: { show: true, size: 5 } });
    values.push(s.values);
  });
  function width() { return Math.max(280, el.clientWidth); }
  var plot = new uPlot({
    width: width(), height: 220, series: series,
    scales: { x: { time: true }, y: { range: function (u, lo, hi) { return [0, Math.max(4, hi)]; } } },
    axes: [{}, { size: 60 }],  // room for "12,000"
    legend: { live: false },
  }, values, el);
  window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 220 }); });
  el.dataset.ready = "1";
})();
