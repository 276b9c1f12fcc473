// The API reference: Swagger UI renders the spec this site serves. A file of its own,
// not an inline script, so the page keeps the site's Content-Security-Policy.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    // The default sends the spec's URL to an online validator: no third party here.
    validatorUrl: null,
  });
});
