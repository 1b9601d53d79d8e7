// Charts of the risk overview (Chart.js from the npm registry); the tables above them carry the same figures.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("risk-chart-data");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var regions = document.getElementById("risk-regions-chart");
    if (regions) {
      new Chart(regions, {
        type: "bar",
        data: {labels: data.regions.labels, datasets: [{label: data.regions.label, data: data.regions.flagged}]},
        options: {indexAxis: "y", plugins: {legend: {display: false}}, scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}
      });
    }
    var trend = document.getElementById("risk-trend-chart");
    if (trend) {
      new Chart(trend, {
        type: "line",
        data: {labels: data.trend.labels, datasets: data.trend.series},
        options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
