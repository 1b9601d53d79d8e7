// Numbers on every chart in the page's language: the value axes and the tooltips group digits with the
// separators of the server's format (the JSON block {% chart_number_format %} writes), e.g. "40 000 000"
// in Kazakh and Russian, as in the tables under the charts. Loaded after Chart.js, before a page's charts.
(function () {
  "use strict";
  var source = document.getElementById("chart-number-format");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var format = JSON.parse(source.textContent);
  var grouping = format.grouping || 3;
  var plain = new Intl.NumberFormat("en-US", {maximumFractionDigits: 2, useGrouping: false});

  function formatNumber(value) {
    if (typeof value !== "number" || !isFinite(value)) {
      return value;
    }
    var text = plain.format(Math.abs(value));
    var parts = text.split(".");
    var whole = parts[0];
    var grouped = "";
    while (whole.length > grouping) {
      grouped = format.thousand + whole.slice(-grouping) + grouped;
      whole = whole.slice(0, -grouping);
    }
    grouped = whole + grouped;
    return (value < 0 ? "-" : "") + grouped + (parts.length > 1 ? format.decimal + parts[1] : "");
  }

  window.eqazynaFormatNumber = formatNumber;
  Chart.defaults.locale = document.documentElement.lang || "en";
  Chart.defaults.scales.linear.ticks.callback = function (value) {
    return formatNumber(value);
  };
  Chart.defaults.plugins.tooltip.callbacks.label = function (context) {
    var horizontal = context.chart.options.indexAxis === "y";
    var value = context.parsed && (horizontal ? context.parsed.x : context.parsed.y);
    var label = context.dataset.label ? context.dataset.label + ": " : "";
    return label + (typeof value === "number" ? formatNumber(value) : context.formattedValue);
  };
})();
