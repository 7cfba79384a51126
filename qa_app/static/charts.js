// Draws every <canvas data-chart="ID"> from the page's JSON data element (#chart-data), with
// Chart.js served from /static/vendor/chartjs. No inline script: the figures are data, this file
// is the only code. A click on a bar or point opens the conversations behind it (spec.links or
// spec.series_links), when the viewer may open them. Each canvas gets data-drawn="1" once drawn.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var specs = JSON.parse(source.textContent);
  var palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

  function linkAt(spec, element) {
    if (spec.series_links) {
      return (spec.series_links[element.datasetIndex] || [])[element.index];
    }
    return spec.links ? spec.links[element.index] : null;
  }

  function options(spec) {
    var scales = { y: { beginAtZero: true, stacked: !!spec.stacked, ticks: { precision: spec.integer ? 0 : undefined } },
                   x: { stacked: !!spec.stacked } };
    if (spec.datasets.some(function (d) { return d.yAxisID === "pct"; })) {
      scales.pct = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } };
    }
    if (spec.datasets.some(function (d) { return d.yAxisID === "right"; })) {
      scales.right = { position: "right", grid: { drawOnChartArea: false } };
    }
    return {
      responsive: true, maintainAspectRatio: false, animation: false, spanGaps: true,
      scales: scales,
      plugins: { legend: { display: spec.datasets.length > 1 } },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length && linkAt(spec, elements[0]) ? "pointer" : "default";
      },
      onClick: function (event, elements) {
        var url = elements.length ? linkAt(spec, elements[0]) : null;
        if (url) { window.location.href = url; }
      }
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = specs[canvas.dataset.chart];
    if (!spec) { return; }
    var datasets = spec.datasets.map(function (d, i) {
      var colour = palette[i % palette.length];
      return Object.assign({ backgroundColor: colour, borderColor: colour, order: d.type === "line" ? 0 : 1 }, d);
    });
    new Chart(canvas, { type: spec.kind, data: { labels: spec.labels, datasets: datasets }, options: options(spec) });
    canvas.dataset.drawn = "1";
  });
}());
