// Dashboard charts and map with ECharts. Data come from the page (data-rows attributes, drawn
// server-side into the tables below each chart too); country outlines from
// /dashboard/shapes.json. A click on a bar or a country opens the project list behind it.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];

  function rows(node) {
    try { return JSON.parse(node.dataset.rows || "[]"); } catch (e) { return []; }
  }

  function compact(value) {
    if (value === null || value === undefined) { return "–"; }
    var abs = Math.abs(value);
    if (abs >= 1e12) { return (value / 1e12).toFixed(1) + " tn"; }
    if (abs >= 1e9) { return (value / 1e9).toFixed(1) + " bn"; }
    if (abs >= 1e6) { return (value / 1e6).toFixed(1) + " m"; }
    return Math.round(value).toLocaleString();
  }

  function drill(node, key) {
    if (node.dataset.drill && key !== null && key !== undefined) {
      window.location.href = node.dataset.drill + encodeURIComponent(key);
    }
  }

  function bar(node) {
    var data = rows(node);
    var chart = echarts.init(node);
    chart.setOption({
      animation: false,
      grid: { left: 60, right: 10, top: 20, bottom: 60 },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return (node.dataset.unit || "") + " " + compact(v); }
      },
      xAxis: { type: "category", data: data.map(function (r) { return String(r.key); }),
               axisLabel: { rotate: data.length > 12 ? 60 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: compact } },
      series: [{ type: "bar", data: data.map(function (r) { return r.amount; }) }]
    });
    chart.on("click", function (p) { drill(node, data[p.dataIndex].key); });
    charts.push(chart);
  }

  function funnel(node) {
    var data = rows(node);
    var chart = echarts.init(node);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%",
                 label: { formatter: "{b}: {c}" },
                 data: data.map(function (s) { return { name: s.stage, value: s.reached }; }) }]
    });
    charts.push(chart);
  }

  function map(node) {
    var data = rows(node);
    var nameKey = node.dataset.lang === "zh" ? "name_zh" : "name";
    fetch(node.dataset.shapes, { credentials: "same-origin" })
      .then(function (answer) { return answer.json(); })
      .then(function (shapes) {
        var names = {};
        shapes.features.forEach(function (f) { names[f.properties.iso3] = f.properties[nameKey]; });
        echarts.registerMap("world", shapes);
        var values = data.map(function (r) { return r.amount || 0; });
        var chart = echarts.init(node);
        chart.setOption({
          animation: false,
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var name = names[p.name] || p.name;
              return name + " (" + p.name + ")<br>" + (node.dataset.unit || "") + " " +
                (p.value ? compact(p.value) : "–");
            }
          },
          visualMap: { min: 0, max: Math.max.apply(null, values.concat([1])), calculable: true,
                       left: "left", bottom: 10, formatter: compact,
                       inRange: { color: ["#e0ecf8", "#08519c"] } },
          series: [{ type: "map", map: "world", nameProperty: "iso3", roam: true,
                     emphasis: { label: { show: false } },
                     data: data.map(function (r) { return { name: r.key, value: r.amount }; }) }]
        });
        chart.on("click", function (p) { drill(node, p.name); });
        node.dataset.ready = "true";
        charts.push(chart);
      });
  }

  document.querySelectorAll(".bar-chart").forEach(bar);
  var funnelNode = document.getElementById("chart-funnel");
  if (funnelNode) { funnel(funnelNode); }
  var mapNode = document.getElementById("map");
  if (mapNode) { map(mapNode); }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
