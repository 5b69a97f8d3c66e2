// 前置仓: orders per day and the forecast (with its prediction interval on an item's page,
// shaded between the low and high lines), drawn by uPlot; the same numbers are in the tables.
(function () {
  "use strict";
  var el = document.getElementById("fw-chart");
  var src = document.getElementById("fw-data");
  if (!el || !src) { return; }
  var data = JSON.parse(src.textContent);
  var c = data.chart, l = data.labels;
  var xs = c.days.map(function (d) { return Date.parse(d + "T12:00:00Z") / 1000; });
  var series = [{}, { label: l.history, stroke: "#1c7ed6", width: 1.5 },
                { label: l.forecast, stroke: "#d9480f", width: 2 }];
  var values = [xs, c.history, c.forecast];
  var bands = [];
  if (c.lo.length) {
    series.push({ label: l.lo, stroke: "rgba(217,72,15,.45)", width: 1, dash: [4, 3] });
    series.push({ label: l.hi, stroke: "rgba(217,72,15,.45)", width: 1, dash: [4, 3] });
    values.push(c.lo, c.hi);
    bands.push({ series: [4, 3], fill: "rgba(217,72,15,.15)" });
  }
  function width() { return Math.max(280, el.clientWidth); }
  var plot = new uPlot({
    width: width(), height: 240, series: series, bands: bands,
    scales: { x: { time: true }, y: { range: function (u, lo, hi) { return [0, Math.max(4, hi)]; } } },
    axes: [{}, { size: 50 }],
    legend: { live: false },
  }, values, el);
  window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 240 }); });
  el.dataset.ready = "1";
})();
