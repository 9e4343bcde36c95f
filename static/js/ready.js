/* fieldapp: ready before the basement. While there is a connection, a crew device keeps what each call
   assigned to its unit needs offline (the call page with its briefing, the encounter form with its
   referral step) and the shift's pages (my calls, the directory, the outbox), in the same store the
   service worker answers from. It does so on start, when the app comes back to the foreground, when
   the connection returns and when a live event says the unit's calls changed. Pages of calls no
   longer assigned are dropped. The server decides what may be kept (X-Fieldapp-Offline: never an
   officer's clinical notes); the copies are sealed under the user's key (static/js/vault.js) and
   cleared at sign-out (static/js/outbox-page.js). (Times shown by scripts: static/js/i18n.js.) */
(function () {
  "use strict";
  var pages = window.FieldappVault && window.FieldappVault.pages;
  var CREW = ["officer", "clinician"];
  var running = null, again = false, lastRun = 0;

  function isCrew() { return CREW.indexOf(document.body && document.body.getAttribute("data-role")) >= 0; }

  function absolute(path) { return new URL(path, location.href).href; }

  /* What this device last kept of each call ("id" -> status), so a page opened again fetches only
     what is missing or has changed (the service worker refreshes the copy of any page opened online). */
  function kept() {
    try { return JSON.parse(sessionStorage.getItem("fieldapp-ready") || "{}"); } catch (error) { return {}; }
  }

  /* redirect "manual": a signed-out fetch is not followed to the sign-in page, whose new session
     would replace the cookie under a sign-in form open in this browser (its CSRF token then fails). */
  async function keep(path) {
    var response = await fetch(path, { credentials: "same-origin", redirect: "manual",
                                       headers: { Accept: "text/html", "X-Fieldapp-Background": "1" } });
    if (response.ok && !response.redirected && response.headers.get("X-Fieldapp-Offline") === "1") {
      return pages.put(absolute(path), response);
    }
    return false;
  }

  /* Fetch and keep the unit's calls; drop pages of calls that left it. Resolves to the ids ready. */
  async function prepare() {
    if (!isCrew() || !pages || !navigator.onLine) return null;
    if (running) { again = true; return running; }
    running = (async function () {
      var ready = [];
      try {
        var response = await fetch("/session/offline-pages",
          { credentials: "same-origin", headers: { Accept: "application/json", "X-Fieldapp-Background": "1" } });
        if (!response.ok) return null;
        var plan = await response.json();
        var assigned = {}, before = kept(), now = {};
        plan.calls.forEach(function (call) { assigned[call.id] = true; });
        for (var k = 0; k < plan.pages.length; k++) {
          if (!await pages.has(absolute(plan.pages[k]))) await keep(plan.pages[k]).catch(function () {});
        }
        for (var i = 0; i < plan.calls.length; i++) {
          var call = plan.calls[i], held = 0, changed = before[call.id] !== call.status;
          for (var j = 0; j < call.pages.length; j++) {
            var have = !changed && await pages.has(absolute(call.pages[j]));
            if (have || await keep(call.pages[j]).catch(function () { return false; })) held += 1;
          }
          if (held >= 2) { ready.push(call.id); now[call.id] = call.status; }  // the call page and its form at least
        }
        try { sessionStorage.setItem("fieldapp-ready", JSON.stringify(now)); } catch (error) { /* private mode */ }
        var urls = await pages.urls();
        for (var n = 0; n < urls.length; n++) {
          var match = /^\/calls\/(\d+)(\/|$)/.exec(new URL(urls[n]).pathname);
          if (match && !assigned[match[1]]) await pages.remove(urls[n]);
        }
        lastRun = Date.now();
        return ready;
      } catch (error) {
        return null;  // the connection went mid-way: what was kept stays, the rest next time
      } finally {
        running = null;
        if (again) { again = false; prepare().then(mark); }
      }
    })();
    return running;
  }

  /* "Ready offline" on each open call of My calls that this device holds. */
  async function mark() {
    if (!pages || location.pathname !== "/my/calls") return;
    var cards = document.querySelectorAll("li.call");
    for (var i = 0; i < cards.length; i++) {
      var card = cards[i], link = card.querySelector("a.call-link");
      var id = link && /^\/calls\/(\d+)$/.exec(new URL(link.href).pathname);
      var status = card.querySelector(".status");
      if (!id || (status && /status-(cleared|cancelled|pending)/.test(status.className))) continue;
      var held = await pages.has(absolute("/calls/" + id[1]))
        && await pages.has(absolute("/calls/" + id[1] + "/encounters/new"));
      var badge = card.querySelector(".ready-offline");
      if (!badge) {
        badge = document.createElement("p");
        badge.className = "ready-offline";
        card.appendChild(badge);
      }
      badge.classList.toggle("is-ready", !!held);
      badge.textContent = held ? "✓ " + t("Ready offline") : t("Not yet ready offline");
    }
  }

  function refresh(force) {
    if (!force && Date.now() - lastRun < 15000) return mark();
    return prepare().then(mark);
  }

  document.addEventListener("DOMContentLoaded", function () { mark(); refresh(true); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(false); });
  window.addEventListener("online", function () { refresh(true); });
  // live.js: the unit's calls changed (assigned, reassigned, cancelled), or My calls was redrawn
  document.addEventListener("fieldapp:live", function (event) {
    var type = event.detail && event.detail.type;
    if (/^call\.(assigned|reassigned|cancelled)$/.test(type)) refresh(true);
  });
  document.addEventListener("fieldapp:refreshed", function () { mark(); });
  // records just sent changed these pages (a status tap sent later): keep the device's copy current
  document.addEventListener("fieldapp:flushed", function (event) {
    (event.detail && event.detail.sent || []).forEach(function (sent) {
      var path = sent.url && new URL(sent.url, location.href).pathname;
      if (path && /^\/calls\/\d+$/.test(path) && window.FieldappReady) window.FieldappReady.keep(path);
    });
  });

  window.FieldappReady = { prepare: prepare, mark: mark, keep: function (path) {
    return pages && isCrew() ? keep(path).catch(function () { return false; }) : Promise.resolve(false);
  } };
})();
