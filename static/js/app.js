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

  // A form that sends another form's current values (the public summary follows the filters on screen,
  // not those the page was loaded with): <form data-values-from="ID"> copies that form's named fields.
  document.addEventListener("submit", function (event) {
    var form = event.target, source = document.getElementById(form.getAttribute("data-values-from") || "");
    if (!source) return;
    var names = (form.getAttribute("data-values") || "").split(" ").filter(Boolean);
    names.forEach(function (name) {
      var field = source.elements.namedItem(name), hidden = form.querySelector("input[type=hidden][name='" + name + "']");
      if (!field) return;
      if (!hidden) { hidden = document.createElement("input"); hidden.type = "hidden"; hidden.name = name; form.appendChild(hidden); }
      hidden.value = field.value;
      hidden.disabled = !field.value;  // an empty choice means "all": leave it out, as the page does
    });
  });

  // <button data-print>: the browser's print dialog (a safety plan printed for the person).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // The dispatcher's board refreshes itself.
  function refreshBoard(board) {
    var url = board.getAttribute("data-refresh-url");
    // a background request: the board's own refresh does not hold off the idle lock
    fetch(url, { credentials: "same-origin", redirect: "manual", headers: { Accept: "text/html", "X-Fieldapp-Background": "1" } })
      .then(function (response) {
        if (response.redirected || !response.ok) throw new Error("board refresh failed");
        return response.text();
      })
      .then(function (html) {
        board.innerHTML = html;
        var stamp = document.getElementById("board-updated");
        if (stamp) stamp.textContent = t("Last updated {time}", { time: FieldappI18n.time(new Date()) });  // the agency's zone
      })
      .catch(function () {
        var stamp = document.getElementById("board-updated");
        if (stamp) stamp.textContent = t("Could not update; retrying.");
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

// The call page's status taps change the page where it is (no reload, no jump): the badge shows the new
// status ("waiting to send" while it is on the device only) and the steps that may follow it appear.
// On opening the page (the device's copy, offline) taps still waiting in the outbox are shown too.
(function () {
  "use strict";

  function section() { return document.querySelector("[data-transitions]"); }

  function show(status, waiting) {
    var steps = section(), badge = document.getElementById("call-status");
    if (!steps || !badge) return;
    var labels = JSON.parse(steps.getAttribute("data-labels") || "{}");
    badge.className = "status status-" + status + (waiting ? " status-waiting" : "");
    badge.setAttribute("data-call-status", status);
    badge.textContent = labels[status] || status;
    if (waiting) {
      var mark = document.createElement("span");
      mark.className = "waiting-mark";
      mark.textContent = " · " + t("waiting to send");
      badge.appendChild(mark);
    }
    var next = JSON.parse(steps.getAttribute("data-transitions"))[status] || [];
    steps.querySelectorAll("form[data-status]").forEach(function (candidate) {
      candidate.hidden = next.indexOf(candidate.getAttribute("data-status")) < 0;
      candidate.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
    var done = steps.querySelector("[data-steps-done]");
    if (done) done.hidden = next.length > 0;
    var log = steps.querySelector("[data-log-encounter]");  // the main step on scene; cleared: the exception
    if (log) {
      log.classList.toggle("button-primary", status === "on_scene" || status === "transporting");
      log.textContent = status === "cleared" ? t("Log a late encounter") : t("Log an encounter");
    }
  }

  document.addEventListener("fieldapp:sent", function (event) {
    var status = event.target.getAttribute("data-status");
    if (!status || !section()) return;
    show(status, false);  // the device's copy of the page follows (static/js/ready.js, on "fieldapp:flushed")
    refreshTimeline();
  });
  document.addEventListener("fieldapp:queued", function (event) {
    var status = event.target.getAttribute("data-status");
    if (status && section()) show(status, true);
  });

  /* The timeline with the tap just sent (only the timeline: the rest of the page stays as it is). */
  function refreshTimeline() {
    fetch(location.href, { credentials: "same-origin", redirect: "manual", headers: { Accept: "text/html" } })
      .then(function (response) { if (!response.ok || response.redirected) throw new Error(); return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".timeline");
        var timeline = document.querySelector(".timeline");
        if (fresh && timeline) timeline.innerHTML = fresh.innerHTML;
      }).catch(function () { /* the live update or the next visit brings it */ });
  }

  /* The last tap for this call that waits in the outbox, if any. */
  function waitingTap() {
    var steps = section();
    if (!steps || !window.FieldappOutbox) return Promise.resolve(null);
    var url = new URL(steps.getAttribute("data-status-url"), location.href).pathname;
    return window.FieldappOutbox.store.all().then(function (entries) {
      var taps = entries.filter(function (e) {
        return e.status === "waiting" && new URL(e.url, location.href).pathname === url;
      });
      if (!taps.length) return null;
      var last = taps[taps.length - 1].fields.filter(function (pair) { return pair[0] === "status"; })[0];
      return last ? last[1] : null;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    waitingTap().then(function (status) { if (status) show(status, true); }).catch(function () {});
  });
  document.addEventListener("fieldapp:flushed", function () {
    var badge = document.getElementById("call-status");
    if (!badge || !badge.querySelector(".waiting-mark")) return;
    waitingTap().then(function (status) {
      if (status) return;
      show(badge.getAttribute("data-call-status"), false);  // every tap has reached the server
      var saved = section().querySelector("#outbox-notice");
      if (saved) saved.remove();  // "saved on this device" is no longer true
    });
  });
})();

// Vibration only after the user has touched the page: before that Chrome blocks navigator.vibrate and
// logs an error (a live assignment can arrive on a page nobody has tapped yet). Every caller
// (static/js/live.js) goes through this guard; the banner and sound still tell the crew.
(function () {
  "use strict";
  var activation = navigator.userActivation;
  if (!navigator.vibrate || !activation) return;
  var vibrate = navigator.vibrate.bind(navigator);
  navigator.vibrate = function (pattern) { return activation.hasBeenActive ? vibrate(pattern) : false; };
})();
