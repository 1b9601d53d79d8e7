// Charts of the home page (Chart.js from the npm registry). The figures come from a json_script
// block; the table under each chart ("Show the figures as a table") carries the same numbers.
(function () {
  "use strict";
  var KINDS = {"money-chart": ["money", "bar"], "contingent-chart": ["contingent", "line"], "findings-chart": ["findings", "line"]};
  function draw() {
    var source = document.getElementById("home-chart-data");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    Object.keys(KINDS).forEach(function (id) {
      var canvas = document.getElementById(id);
      var figures = data[KINDS[id][0]];
      if (!canvas || !figures || !figures.labels.length) {
        return;
      }
      new Chart(canvas, {
        type: KINDS[id][1],
        data: {labels: figures.labels, datasets: figures.datasets},
        options: {animation: false, maintainAspectRatio: false, scales: {y: {beginAtZero: true}}}
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
