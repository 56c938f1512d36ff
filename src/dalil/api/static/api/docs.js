// Swagger UI for /api/docs/, loaded from the vendored bundle (no inline script: CSP script-src 'self').
// Requests made with "Try it out" carry the session cookie and the CSRF token of this page.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("swagger-ui");
    if (!el || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    var csrf = el.getAttribute("data-csrf-token");
    window.SwaggerUIBundle({
      url: el.getAttribute("data-schema-url"),
      domNode: el,
      deepLinking: true,
      withCredentials: true,
      validatorUrl: null, // air-gapped (CO-10): no badge from validator.swagger.io
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      requestInterceptor: function (req) {
        var method = (req.method || "GET").toUpperCase();
        if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
          req.headers["X-CSRFToken"] = csrf;
        }
        return req;
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
