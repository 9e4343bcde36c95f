/* The API reference (templates/redoc.html): ReDoc heads an operation's parts (Authorizations, Request
   Body schema, path Parameters) with <h5> right under the operation's <h2>. They are its subsections:
   announce them at level 3, so the page's outline has no skipped level (axe heading-order). Only the
   nodes ReDoc adds are looked at, so its rendering is not slowed down. */
(function () {
  "use strict";
  function fix(node) {
    if (node.nodeType !== 1) return;
    if (/^H[45]$/.test(node.tagName)) node.setAttribute("aria-level", "3");
    node.querySelectorAll("h4, h5").forEach(function (h) { h.setAttribute("aria-level", "3"); });
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) { record.addedNodes.forEach(fix); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
