// A project's locations on the Natural Earth country outlines (/dashboard/shapes.json), drawn
// with ECharts' geo component: no tile server. The points are in the page (data-points) and in
// the locations table beside the map.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var node = document.getElementById("project-map");
  if (!node) { return; }
  var points;
  try { points = JSON.parse(node.dataset.points || "[]"); } catch (e) { points = []; }
  if (!points.length) { return; }
  var lons = points.map(function (p) { return p.lon; });
  var lats = points.map(function (p) { return p.lat; });
  // Centre on the points with a margin, so a single site is shown within its region.
  var pad = 8;
  var west = Math.max(-180, Math.min.apply(null, lons) - pad);
  var east = Math.min(180, Math.max.apply(null, lons) + pad);
  var south = Math.max(-85, Math.min.apply(null, lats) - pad);
  var north = Math.min(85, Math.max.apply(null, lats) + pad);
  fetch(node.dataset.shapes, { credentials: "same-origin" })
    .then(function (answer) { return answer.json(); })
    .then(function (shapes) {
      echarts.registerMap("world", shapes);
      var chart = echarts.init(node);
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) { return p.name || ""; } },
        geo: {
          map: "world", roam: true, nameProperty: "iso3",
          boundingCoords: [[west, north], [east, south]],
          itemStyle: { areaColor: "#eef1f4", borderColor: "#99a" }
        },
        series: [{
          type: "scatter", coordinateSystem: "geo", symbolSize: 10,
          itemStyle: { color: "#c0392b" },
          data: points.map(function (p) { return { name: p.name, value: [p.lon, p.lat] }; })
        }]
      });
      node.dataset.ready = "true";  // for the browser tests, as on the dashboard map
      window.addEventListener("resize", function () { chart.resize(); });
    })
    .catch(function () { node.textContent = ""; });
}());
