/* fieldapp outbox, the page side: field forms are captured into the outbox and sent at once when
   there is a connection; the badge, the notices, the sign-in offer when the session ended, and the
   warning at sign-out. After outbox-store.js, outbox-settle.js and outbox-send.js; outbox-list.js
   (the /outbox list, restoring a record) uses the helpers this file shares as FieldappOutbox.page. */
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var outbox = window.FieldappOutbox;
  var retryTimer = null, backoff = 5000;
  // shared with outbox-list.js, which adds renderList and restore
  var ui = outbox.page = { currentUser: currentUser, notice: notice, updateBadge: updateBadge, actionOf: actionOf,
                           button: button };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function currentUser() {
    var meta = document.querySelector('meta[name="fieldapp-user"]');
    return meta ? meta.content : null;
  }

  /* A message about a save: inside the form's [data-notice-here] section when it has one (a status
     tap: the page does not move), else at the top of the page. */
  function notice(text, kind, form) {
    var main = document.getElementById("main");
    if (!main) return;
    var here = form && form.closest("[data-notice-here]");
    var box = document.getElementById("outbox-notice");
    if (box && here && box.parentNode !== here) { box.remove(); box = null; }
    if (!box) {
      box = document.createElement("p");
      box.id = "outbox-notice";
      box.setAttribute("role", "status");
      if (here) here.appendChild(box);
      else main.insertBefore(box, main.firstChild);
    }
    box.className = "flash flash-" + (kind || "info");
    box.textContent = text;
  }

  async function updateBadge() {
    var entries = (await outbox.store.all()).filter(function (e) { return !e.user || e.user === currentUser(); });
    var waiting = entries.filter(function (e) { return e.status === "waiting"; }).length;
    var refused = entries.length - waiting;
    var bar = document.querySelector(".topbar");
    if (!bar) return entries;
    var badge = document.getElementById("outbox-badge");
    if (!badge) {
      badge = document.createElement("a");
      badge.id = "outbox-badge";
      badge.href = "/outbox";
      badge.className = "outbox-badge";
      bar.insertBefore(badge, bar.children[1] || null);
    }
    badge.hidden = !entries.length;
    badge.classList.toggle("outbox-refused", refused > 0);
    badge.textContent = refused ? t("{waiting} waiting · {refused} set aside", { waiting: FieldappI18n.number(waiting), refused: FieldappI18n.number(refused) })
      : tn("{n} waiting to send", "{n} waiting to send", waiting);
    badge.setAttribute("aria-label", t("{badge}: open the list", { badge: badge.textContent }));
    return entries;
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { run(); }, backoff);
    backoff = Math.min(backoff * 2, 60000);
  }

  /* Send what waits; options.attend: the record a page is waiting for (its refusal comes back to
     the page instead of being set aside). Tells the page what went ("fieldapp:flushed"). */
  async function run(options) {
    var report = await outbox.flush(options);
    var entries = await updateBadge();
    var waiting = entries.filter(function (e) { return e.status === "waiting"; }).length;
    if (report.state === "done" && !waiting) backoff = 5000;
    if (report.state === "signin" && waiting && !(options && options.attend)) {
      notice(tn("Sign in again to send {n} saved record.", "Sign in again to send {n} saved records.", waiting), "error");
      offerSignIn();
    }
    if ((report.state === "offline" || report.state === "error") && waiting) scheduleRetry();
    document.dispatchEvent(new CustomEvent("fieldapp:flushed", { detail: report }));
    if (ui.renderList) ui.renderList();
    return report;
  }

  /* The session ended with records waiting: a button in the notice opens the sign-in sheet. */
  function offerSignIn() {
    var box = document.getElementById("outbox-notice");
    if (!box || !window.FieldappSignIn || box.querySelector("button")) return;
    box.appendChild(document.createTextNode(" "));
    box.appendChild(button(t("Sign in"), function () {
      window.FieldappSignIn.open().then(function (signedIn) { if (signedIn) { box.remove(); run(); } });
    }));
  }

  function fieldsOf(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var pairs = [];
    data.forEach(function (value, name) { if (typeof value === "string") pairs.push([name, value]); });
    return pairs;
  }

  function labelOf(form, submitter) {
    var label = form.getAttribute("data-outbox-label");
    var button = submitter || form.querySelector("button[type=submit], button:not([type])");
    if (label) return label;
    return (button ? button.textContent.trim() : t("Form")) + " · " + document.title.replace(/ · fieldapp$/, "");
  }

  function actionOf(form) {
    // getAttribute: a control named "action" would shadow form.action
    return new URL(form.getAttribute("action") || location.href, location.href).href;
  }

  function isFieldForm(form) {
    return form.hasAttribute("data-outbox") || form.hasAttribute("data-device-time");
  }

  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!isFieldForm(form) || !window.indexedDB) return;
    if (event.submitter && event.submitter.hasAttribute("formnovalidate")) return;  // a search: online only
    event.preventDefault();
    var idField = form.querySelector('input[name="id"]');
    if (!form.hasAttribute("data-replaces")) {  // made when the user pressed Save (kept when fixing)
      if (idField) idField.value = uuid();
      form.querySelectorAll("input[data-uuid]").forEach(function (input) { input.value = uuid(); });
    }
    var when = form.querySelector('input[name="recorded_at"]');
    if (when) when.value = new Date().toISOString();
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    var entry = {
      id: idField ? idField.value : uuid(), user: currentUser(), url: actionOf(form),
      fields: fieldsOf(form, event.submitter), label: labelOf(form, event.submitter), page: location.pathname,
      created_at: new Date().toISOString(), status: "waiting",
    };
    var seq = await outbox.store.add(entry);
    var replaces = form.getAttribute("data-replaces");
    if (replaces) await outbox.store.remove(Number(replaces));
    if (window.FieldappFieldErrors) window.FieldappFieldErrors.clear(form);
    var report = await run({ attend: seq });
    while (report.state === "signin" && window.FieldappSignIn && await outbox.store.get(seq)) {
      // the session ended: sign in here, in place (what was typed stays in the form and the outbox)
      if (!await window.FieldappSignIn.open()) break;
      report = await run({ attend: seq });
    }
    var result = outbox.outcome(seq) || {};
    var mine = result.sent;
    buttons.forEach(function (b) { b.disabled = false; });
    if (mine) {
      if (form.hasAttribute("data-in-place")) {  // a status tap: the page changes where it is
        if (mine.message) notice(mine.message, "success", form);
        else { var box = document.getElementById("outbox-notice"); if (box) box.remove(); }
        form.dispatchEvent(new CustomEvent("fieldapp:sent", { bubbles: true, detail: mine }));
      } else {
        // the next page says what was saved (as the server's flash does for a plain form post)
        try {
          sessionStorage.setItem(SAVED_KEY, JSON.stringify({ path: new URL(mine.url, location.href).pathname,
            message: mine.message || "", warnings: mine.warnings || [] }));
        } catch (error) { /* private mode: the page opens without the confirmation */ }
        var target = new URL(mine.url, location.href);
        if (target.pathname === location.pathname && target.search === location.search) {
          // the same page (a note signed on its encounter: /encounters/<id>#notes): a new hash alone
          // would only scroll, so load the page again to show what was saved
          history.replaceState(history.state, "", target.href);
          location.reload();
        } else {
          location.assign(target.href);
        }
      }
      return;
    }
    var returned = result.returned;
    if (returned) {  // refused while online: shown at its fields, never kept in the outbox
      if (window.FieldappFieldErrors) window.FieldappFieldErrors.show(form, returned.error);
      else notice(t("Not saved: {message}", { message: returned.error.message }), "error", form);
      return;
    }
    var saved = await outbox.store.get(seq);
    if (saved && saved.status === "waiting" && navigator.serviceWorker && navigator.serviceWorker.ready) {
      // not sent now: the browser may send it later even with the app closed (Background Sync)
      navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) reg.sync.register("fieldapp-outbox"); })
        .catch(function () {});
    }
    if (saved && saved.status === "refused") {
      notice(t("Not saved: {message}", { message: saved.message }), "error", form);
    } else if (saved && report.state === "signin") {
      notice(t("Saved on this device. Sign in again to send it."), "error", form);
      offerSignIn();
      form.dispatchEvent(new CustomEvent("fieldapp:queued", { bubbles: true }));
    } else if (saved) {
      notice(t("Saved on this device. It will be sent as soon as there is a connection."), "success", form);
      buttons.forEach(function (b) { b.disabled = true; });
      form.dispatchEvent(new CustomEvent("fieldapp:queued", { bubbles: true }));
    }
  }, true);

  /* Signing out with records waiting warns first; the device's key and copies of pages are cleared. */
  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!/\/logout$/.test(form.getAttribute("action") || "") || form.dataset.confirmed) return;
    event.preventDefault();
    var entries = (await outbox.store.all()).filter(function (e) { return e.user === currentUser(); });
    if (entries.length && !window.confirm(tn("{n} record on this device has not been sent. It stays here and is sent the next time you sign in on this device. Sign out anyway?",
        "{n} records on this device have not been sent. They stay here and are sent the next time you sign in on this device. Sign out anyway?", entries.length))) return;
    form.dataset.confirmed = "1";
    await clearDeviceCopies();
    form.submit();
  });

  /* The user's key goes (what still waits stays sealed), and the offline copies of pages with it. */
  function clearDeviceCopies() {
    var jobs = [window.FieldappVault.lock()];
    if (window.caches) jobs.push(caches.delete("fieldapp-pages"));  // where copies were kept in clear before
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "logout" });
    }
    return Promise.all(jobs).catch(function () {});
  }

  function button(text, handler) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.addEventListener("click", handler);
    return b;
  }

  /* What the last save sent from this tab saved, said on the page it opened: in the page's live
     region (<div id="page-status" role="status"> in base.html); what went wrong with it as an alert. */
  var SAVED_KEY = "fieldapp:saved";
  function sayWhatWasSaved() {
    var saved;
    try { saved = JSON.parse(sessionStorage.getItem(SAVED_KEY) || "null"); sessionStorage.removeItem(SAVED_KEY); }
    catch (error) { return; }
    if (!saved || saved.path !== location.pathname) return;
    var region = document.getElementById("page-status");
    if (!region) return;
    (saved.warnings || []).forEach(function (text) {
      var warning = document.createElement("p");
      warning.className = "flash flash-error";
      warning.setAttribute("role", "alert");
      warning.textContent = text;
      region.parentNode.insertBefore(warning, region.nextSibling);
    });
    if (!saved.message) return;
    var line = document.createElement("p");
    line.className = "flash flash-success";
    line.textContent = saved.message;
    setTimeout(function () { region.appendChild(line); }, 50);  // after the region is read: announced
  }

  document.addEventListener("DOMContentLoaded", function () {
    sayWhatWasSaved();
    var sendNow = document.querySelector("[data-outbox-send]");
    if (sendNow) sendNow.addEventListener("click", function () { run(); });
    if (ui.restore) ui.restore();
    run();
  });
  window.addEventListener("online", function () { backoff = 5000; run(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) run(); });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "flush") run();
    });
  }
  window.FieldappOutbox.run = run;
})();
