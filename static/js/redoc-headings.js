/* The API reference (templates/redoc.html): ReDoc heads an operation's parts (Authorizations, Request
   Body schema, path Parameters) with <h5> right under the operation's <h2>. They are its subsections:
   announce them at level 3, so the page's outline has no skipped level (axe heading-order). */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll("redoc h5:not([aria-level]), redoc h4:not([aria-level])").forEach(function (h) {
      h.setAttribute("aria-level", "3");
    });
  }
  new MutationObserver(fix).observe(document.documentElement, { childList: true, subtree: true });
})();
