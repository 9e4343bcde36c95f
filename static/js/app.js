// fieldapp: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Stamp the device's own time on one-tap status forms when the user taps.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-device-time")) {
      var field = form.querySelector("input[name=recorded_at]");
      if (field && !field.value) field.value = new Date().toISOString();
    }
  });

  // The dispatcher's board refreshes itself.
  function refreshBoard(board) {
    var url = board.getAttribute("data-refresh-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) throw new Error("board refresh failed");
        return response.text();
      })
      .then(function (html) {
        board.innerHTML = html;
        var stamp = document.getElementById("board-updated");
        if (stamp) stamp.textContent = "Last updated " + new Date().toLocaleTimeString();
      })
      .catch(function () {
        var stamp = document.getElementById("board-updated");
        if (stamp) stamp.textContent = "Could not update; retrying.";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (board) setInterval(function () { if (!document.hidden) refreshBoard(board); }, 10000);
  });
})();

// Form sections that apply only to some answers: <div data-show-if="CSS selector"> is shown while the
// selector matches a control of its form (e.g. the hospitalization type while the outcome is
// "hospitalized"). Hidden sections' controls are disabled, so they are not sent. Without this script
// every section shows, and the server checks that the answers fit together.
(function () {
  "use strict";

  function applyConditions(form) {
    var sections = form.querySelectorAll("[data-show-if]");
    sections.forEach(function (section) {
      section.hidden = !form.querySelector(section.getAttribute("data-show-if"));
    });
    form.querySelectorAll("input, select, textarea, button").forEach(function (control) {
      if (control.type === "hidden") return;
      control.disabled = !!control.closest("[data-show-if][hidden]");
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("[data-show-if]")) applyConditions(form);
  });

  function applyAll() {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-show-if]")) applyConditions(form);
    });
  }
  document.addEventListener("DOMContentLoaded", applyAll);
  window.addEventListener("pageshow", applyAll); // a page restored by the Back button keeps its answers
})();

// The installable app: register the service worker, and keep this page for offline use if the
// server allows (the worker only controls pages loaded after it is installed).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!controlled && registration.active && document.querySelector('meta[name="fieldapp-user"]')) {
        registration.active.postMessage({ type: "cache-page", url: location.href });
      }
    }).catch(function () { /* no offline support here: the app still works online */ });
  });
})();

// Offline, a status tap waits in the outbox while the page stays as it was: show the steps that
// may follow the one just saved, so a unit can go on (en route, on scene, ...) without a signal.
document.addEventListener("fieldapp:queued", function (event) {
  "use strict";
  var form = event.target;
  var section = form.closest("[data-transitions]");
  var status = form.getAttribute("data-status");
  if (!section || !status) return;
  var next = JSON.parse(section.getAttribute("data-transitions"))[status] || [];
  section.querySelectorAll("form[data-status]").forEach(function (candidate) {
    candidate.hidden = next.indexOf(candidate.getAttribute("data-status")) < 0;
    candidate.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
  });
});
