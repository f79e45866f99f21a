// Connectivity page: the sea route on the open network and with the closure, as two lines on
// the Natural Earth world map (/dashboard/shapes.json). The numbers are in the table below.
(function () {
  "use strict";
  var node = document.getElementById("route-map");
  if (!node || typeof echarts === "undefined") { return; }

  function lines(text) {
    var geometry;
    try { geometry = JSON.parse(text || "null"); } catch (e) { return []; }
    if (!geometry) { return []; }
    // A LineString, or a MultiLineString split at the antimeridian.
    return geometry.type === "MultiLineString" ? geometry.coordinates : [geometry.coordinates];
  }

  function series(name, parts, color, width, dash) {
    return {
      name: name, type: "lines", coordinateSystem: "geo", polyline: true, silent: true,
      lineStyle: { color: color, width: width, type: dash, opacity: 0.9 },
      data: parts.map(function (p) { return { coords: p }; })
    };
  }

  fetch(node.dataset.shapes, { credentials: "same-origin" })
    .then(function (answer) { return answer.json(); })
    .then(function (shapes) {
      echarts.registerMap("world", shapes);
      var chart = echarts.init(node);
      var before = lines(node.dataset.before);
      var after = lines(node.dataset.after);
      chart.setOption({
        animation: false,
        legend: { data: [node.dataset.labelBefore, node.dataset.labelAfter], top: 5 },
        geo: { map: "world", roam: true, silent: true,
               itemStyle: { areaColor: "#eef2f5", borderColor: "#b8c2cc" } },
        series: [
          series(node.dataset.labelBefore, before, "#7a869a", 2, "dashed"),
          series(node.dataset.labelAfter, after, "#c0392b", 3, "solid")
        ]
      });
      node.dataset.ready = "true";
      node.dataset.lines = String(before.length + after.length);
      window.addEventListener("resize", function () { chart.resize(); });
    });
}());
