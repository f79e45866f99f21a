// Scenarios page: the chosen shipped scenario's TOML goes into the form's text area, and a
// run's loss distribution is drawn with ECharts (the same numbers are in the table below it).
(function () {
  "use strict";
  var select = document.getElementById("scenario");
  var edits = document.getElementById("edits");
  if (select && edits) {
    select.addEventListener("change", function () {
      try {
        var texts = JSON.parse(edits.dataset.texts || "{}");
        if (texts[select.value] !== undefined) { edits.value = texts[select.value]; }
      } catch (e) { /* leave the text as it is */ }
    });
  }
  var node = document.getElementById("chart-losses");
  if (!node || typeof echarts === "undefined") { return; }
  var bins;
  try { bins = JSON.parse(node.dataset.rows || "[]"); } catch (e) { bins = []; }
  function compact(value) {
    var abs = Math.abs(value);
    if (abs >= 1e12) { return (value / 1e12).toFixed(1) + " tn"; }
    if (abs >= 1e9) { return (value / 1e9).toFixed(1) + " bn"; }
    if (abs >= 1e6) { return (value / 1e6).toFixed(1) + " m"; }
    return Math.round(value).toLocaleString();
  }
  var chart = echarts.init(node);
  chart.setOption({
    animation: false,
    grid: { left: 60, right: 10, top: 20, bottom: 60 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: bins.map(function (b) { return compact(b.low); }),
             axisLabel: { rotate: 45 } },
    yAxis: { type: "value" },
    series: [{ type: "bar", data: bins.map(function (b) { return b.count; }), barCategoryGap: "0%" }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
