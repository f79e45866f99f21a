// Starts Swagger UI on the local OpenAPI document (kept out of the HTML: the CSP allows no
// inline script).
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof SwaggerUIBundle === "undefined") { return; }
  SwaggerUIBundle({ url: node.dataset.specUrl, dom_id: "#swagger-ui", deepLinking: true });
}());
