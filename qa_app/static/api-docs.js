// Starts Swagger UI on /api/v1/docs (templates/api/docs.html). A file of its own, not an inline
// script, because the Content-Security-Policy allows scripts from the app's files only.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = SwaggerUIBundle({
    url: root.dataset.url,
    domNode: root,
    deepLinking: true,
    validatorUrl: "none",  // never send the document to an outside validator
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
