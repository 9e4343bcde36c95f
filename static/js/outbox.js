/* fieldapp outbox: field forms saved on the device (IndexedDB) and sent in order when there is a
   connection. Runs in pages and in the service worker (Background Sync), so the core below uses no DOM.

   Each record keeps the form's fields as the user saved them, the id made when Save was pressed
   (the server treats the same id and body as a replay, so a resend after a lost response creates
   nothing twice), the device time, and the user who made it: it is never sent under another login.
   A record the server refuses (a 4xx other than 401, 408 and 429) is set aside with the server's
   message and never blocks the rest. A 5xx, 408 or a failed connection means "try later" for that
   record only: it stays waiting, and so do later records for the same address (their order on one
   call matters), while the loop goes on with the others.

   A record saved while the page is waiting for its answer (flush({attend: seq})) and refused is not
   set aside, whichever flush sends it: it is taken out of the outbox and its outcome kept for the page
   (outcome(seq): {sent} or {returned: {status, error}}), which shows each
   message next to its field (static/js/fielderrors.js). Only records that could not reach the server
   stay in the outbox.

   The convention shared with every field form (the encounter form included): each input keeps its
   `name` = the payload key the API names in `error.fields` (a nested key "person.given_name" also
   matches an input named "given_name"); an error slot `<p class="field-error" id="error-<name>"
   hidden></p>` next to the input may exist, and is made when missing. */
(function (global) {
  "use strict";

  var DB_NAME = "fieldapp", STORE = "outbox", DB_VERSION = 1;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var store = transaction.objectStore(STORE);
        var result = work(store);
        transaction.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  var Outbox = {
    add: function (entry) { return tx("readwrite", function (s) { return s.add(entry); }); },
    put: function (entry) { return tx("readwrite", function (s) { return s.put(entry); }); },
    remove: function (seq) { return tx("readwrite", function (s) { return s.delete(seq); }); },
    get: function (seq) { return tx("readonly", function (s) { return s.get(seq); }); },
    all: function () {
      return tx("readonly", function (s) { return s.getAll(); }).then(function (rows) {
        return (rows || []).sort(function (a, b) { return a.seq - b.seq; });
      });
    },
  };

  function textOf(html) {
    // The server's explanation: alerts and field errors on its page, without markup.
    var parts = [];
    var pattern = /<(p|li|h1)[^>]*(?:role="alert"|class="[^"]*(?:field-error|flash-error)[^"]*")[^>]*>([\s\S]*?)<\/\1>/g;
    var match;
    while ((match = pattern.exec(html)) && parts.length < 5) {
      var text = match[2].replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
      if (text && parts.indexOf(text) < 0) parts.push(text);
    }
    return parts.join(" ") || "The server refused this record.";
  }

  var flushing = null, again = null;  // the flush running, and the one asked for while it runs

  function session() {
    return fetch("/session/csrf", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.redirected) return null;  // signed out
        if (!response.ok) throw new Error("session check failed: " + response.status);
        return response.json();
      });
  }

  function send(entry, token) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) { if (pair[0] !== "csrf_token") body.append(pair[0], pair[1]); });
    body.append("csrf_token", token);
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "follow",
      headers: { "X-Fieldapp-Outbox": "1" },
    });
  }

  /* Whether a status means "try this record again later" rather than "the server refused it". */
  function retryLater(status) { return status >= 500 || status === 408; }

  var BATCH = 50;  // records per POST /api/v1/sync (the server takes up to 100)

  function sendBatch(entries, token) {
    var records = entries.map(function (entry) {
      return { ref: String(entry.seq), path: new URL(entry.url, self.location.href).pathname,
               fields: entry.fields.filter(function (pair) { return pair[0] !== "csrf_token"; }) };
    });
    return fetch("/api/v1/sync", {
      method: "POST", credentials: "same-origin", body: JSON.stringify({ records: records }),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token,
                 "X-Fieldapp-Outbox": "1" },
    });
  }

  function messageOf(error) {
    var parts = [error.message];
    Object.keys(error.fields || {}).forEach(function (name) {
      var text = [].concat(error.fields[name]).join(" ");
      if (name && text && parts.indexOf(text) < 0) parts.push(text);
    });
    return parts.join(" ");
  }

  /* Send every waiting record of the signed-in user, oldest first, in batches through /api/v1/sync.
     Resolves to a report: {state: "done"|"offline"|"signin"|"error", sent: [{seq, url}], refused: n,
     later: n} ("offline"/"error": some records wait for a later try; the others were sent or set aside).
     A record the server could not save (a 5xx for it) waits, and so do later records for its address. */
  var attended = {}, outcomes = {};  // records a page waits for, and what became of them

  /* What became of a record a page waits for, or null if it still waits: the page stops waiting
     (a later refusal of a record still waiting sets it aside as for any other). */
  function outcome(seq) {
    var found = outcomes[seq] || null;
    delete outcomes[seq];
    delete attended[seq];
    return found;
  }

  function flush(options) {
    var attend = options && options.attend;
    if (attend) attended[attend] = true;
    if (flushing) {
      // A flush already running may have read the outbox (or lost its connection) before this was
      // asked for (a record added, the connection back, "Send now"): once more after it, shared by all
      // who ask meanwhile. It sends nothing when nothing waits.
      var next = function () { again = null; return flush(); };
      if (!again) again = flushing.then(next, next);
      return again;
    }
    flushing = (async function () {
      var report = { state: "done", sent: [], refused: 0, later: 0 };
      var entries = (await Outbox.all()).filter(function (e) { return e.status === "waiting"; });
      if (!entries.length) return report;
      var who;
      try { who = await session(); } catch (error) { report.state = "offline"; return report; }
      if (!who) { report.state = "signin"; return report; }
      entries = entries.filter(function (e) { return !e.user || e.user === who.username; });  // never under another login
      var held = {};  // addresses with a record waiting for a later try
      function later(entry, state) {
        held[entry.url] = true;
        report.later += 1;
        if (report.state !== "offline") report.state = state;
      }
      var refreshed = false;
      for (var i = 0; i < entries.length; i += BATCH) {
        var batch = entries.slice(i, i + BATCH).filter(function (entry) {
          if (held[entry.url]) { report.later += 1; return false; }  // keeps its place behind the earlier one
          return true;
        });
        if (!batch.length) continue;
        var response;
        try { response = await sendBatch(batch, who.csrf_token); } catch (error) {
          batch.forEach(function (entry) { later(entry, "offline"); });
          break;
        }
        if (response.status === 401) { report.state = "signin"; break; }
        if (response.status === 400 && !refreshed) {
          refreshed = true;  // the CSRF token changed (a new sign-in): once more with a fresh one
          try { who = await session(); } catch (error) { report.state = "offline"; break; }
          if (!who) { report.state = "signin"; break; }
          i -= BATCH;
          continue;
        }
        if (response.status === 429 || retryLater(response.status)) {  // the server's trouble: all of them later
          batch.forEach(function (entry) { later(entry, "error"); });
          break;
        }
        if (!response.ok) {  // the batch itself was refused (a record too large for it): one by one
          if (await flushEach(batch, who, report, held, later)) break;
          continue;
        }
        var results = (await response.json()).results;
        for (var k = 0; k < results.length; k++) {
          var result = results[k], entry = batch[k];
          if (result.result === "stored" || result.result === "replayed") {
            await Outbox.remove(entry.seq);
            report.sent.push({ seq: entry.seq, url: result.location });
            if (attended[entry.seq]) outcomes[entry.seq] = { sent: { seq: entry.seq, url: result.location } };
          } else if (result.result === "refused" && (result.error || {}).code === "call_taken_away") {
            // The call was reassigned away or cancelled before this record arrived (the live event
            // came after the flush): settled as the live event settles it, not set aside as refused.
            if (attended[entry.seq]) {  // the page that saved it shows the message; the form keeps what was typed
              await Outbox.remove(entry.seq);
              outcomes[entry.seq] = { returned: { status: result.status, error: result.error } };
            } else {
              await settleTakenAway(entry, result.error.message);
            }
          } else if (result.result === "refused" && attended[entry.seq]) {
            await Outbox.remove(entry.seq);  // the page shows it at its fields: never in the outbox
            outcomes[entry.seq] = { returned: { status: result.status, error: result.error || { message: "" } } };
          } else if (result.result === "refused") {
            entry.status = "refused";
            entry.httpStatus = result.status;
            entry.message = messageOf(result.error);
            await Outbox.put(entry);
            report.refused += 1;
          } else {
            later(entry, "error");  // failed on the server: this record waits for the next try
          }
        }
      }
      return report;
    })().finally(function () { flushing = null; });
    return flushing;
  }

  /* The form posts one by one, as before batches: for a batch the server would not take whole.
     Returns true when sending must stop (signed out, asked to slow down). */
  async function flushEach(entries, who, report, held, later) {
    var refreshed = false;
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      if (held[entry.url]) { report.later += 1; continue; }
      var response;
      try { response = await send(entry, who.csrf_token); } catch (error) { later(entry, "offline"); continue; }
      if (response.redirected && new URL(response.url).pathname === "/login") { report.state = "signin"; return true; }
      if (response.ok) {
        await Outbox.remove(entry.seq);
        report.sent.push({ seq: entry.seq, url: response.url });
        if (attended[entry.seq]) outcomes[entry.seq] = { sent: { seq: entry.seq, url: response.url } };
        continue;
      }
      var html = await response.text();
      if (response.status === 400 && /CSRF/i.test(html) && !refreshed) {
        refreshed = true;  // the token changed (a new sign-in): once more with a fresh one
        try { who = await session(); } catch (error) { report.state = "offline"; return true; }
        if (!who) { report.state = "signin"; return true; }
        i -= 1;
        continue;
      }
      if (response.status === 401) { report.state = "signin"; return true; }
      if (response.status === 429) { later(entry, "error"); return true; }  // asked to slow down: the rest later too
      if (retryLater(response.status)) { later(entry, "error"); continue; }
      if (attended[entry.seq]) {
        await Outbox.remove(entry.seq);
        outcomes[entry.seq] = { returned: { status: response.status, error: { message: textOf(html), fields: {} } } };
        continue;
      }
      entry.status = "refused";
      entry.httpStatus = response.status;
      entry.message = textOf(html);
      await Outbox.put(entry);
      report.refused += 1;
    }
    return false;
  }

  /* A call reassigned or cancelled while records for it wait: a status tap has nothing left to do
     and is dropped; anything else (an encounter) is set aside with what happened, for the user to
     read and discard, instead of being sent to be refused. Resolves to the number of records touched. */
  async function resolveCall(callId, message) {
    var prefix = "/calls/" + callId + "/";
    var touched = 0;
    var entries = await Outbox.all();
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      if (entry.status !== "waiting" || new URL(entry.url, self.location.href).pathname.indexOf(prefix) !== 0) continue;
      touched += 1;
      await settleTakenAway(entry, message);
    }
    return touched;
  }

  /* One record whose call is no longer the unit's (told by the live event or by the server's
     refusal): a status tap is dropped, anything else is kept, closed, with what happened. */
  async function settleTakenAway(entry, message) {
    if (/\/status$/.test(new URL(entry.url, self.location.href).pathname)) { await Outbox.remove(entry.seq); return; }
    entry.status = "refused";
    entry.closed = true;
    entry.message = message;
    await Outbox.put(entry);
  }

  global.FieldappOutbox = { store: Outbox, flush: flush, textOf: textOf, resolveCall: resolveCall, outcome: outcome };
})(typeof self !== "undefined" ? self : window);

/* ---- the page side: capture field forms, show what waits, restore a set-aside record ---- */
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var outbox = window.FieldappOutbox;
  var retryTimer = null, backoff = 5000;

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
    badge.textContent = refused ? waiting + " waiting · " + refused + " set aside" : waiting + " waiting to send";
    badge.setAttribute("aria-label", badge.textContent + ": open the list");
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
      notice("Sign in again to send " + waiting + " saved record(s).", "error");
      offerSignIn();
    }
    if ((report.state === "offline" || report.state === "error") && waiting) scheduleRetry();
    document.dispatchEvent(new CustomEvent("fieldapp:flushed", { detail: report }));
    renderList();
    return report;
  }

  /* The session ended with records waiting: a button in the notice opens the sign-in sheet. */
  function offerSignIn() {
    var box = document.getElementById("outbox-notice");
    if (!box || !window.FieldappSignIn || box.querySelector("button")) return;
    box.appendChild(document.createTextNode(" "));
    box.appendChild(button("Sign in", function () {
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
    return (button ? button.textContent.trim() : "Form") + " · " + document.title.replace(/ · fieldapp$/, "");
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
        var box = document.getElementById("outbox-notice");
        if (box) box.remove();
        form.dispatchEvent(new CustomEvent("fieldapp:sent", { bubbles: true, detail: mine }));
      } else {
        location.assign(mine.url);
      }
      return;
    }
    var returned = result.returned;
    if (returned) {  // refused while online: shown at its fields, never kept in the outbox
      if (window.FieldappFieldErrors) window.FieldappFieldErrors.show(form, returned.error);
      else notice("Not saved: " + returned.error.message, "error", form);
      return;
    }
    var saved = await outbox.store.get(seq);
    if (saved && saved.status === "waiting" && navigator.serviceWorker && navigator.serviceWorker.ready) {
      // not sent now: the browser may send it later even with the app closed (Background Sync)
      navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) reg.sync.register("fieldapp-outbox"); })
        .catch(function () {});
    }
    if (saved && saved.status === "refused") {
      notice("Not saved: " + saved.message, "error", form);
    } else if (saved && report.state === "signin") {
      notice("Saved on this device. Sign in again to send it.", "error", form);
      offerSignIn();
      form.dispatchEvent(new CustomEvent("fieldapp:queued", { bubbles: true }));
    } else if (saved) {
      notice("Saved on this device. It will be sent as soon as there is a connection.", "success", form);
      buttons.forEach(function (b) { b.disabled = true; });
      form.dispatchEvent(new CustomEvent("fieldapp:queued", { bubbles: true }));
    }
  }, true);

  /* Signing out with records waiting warns first; the device's copies of pages are cleared. */
  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!/\/logout$/.test(form.getAttribute("action") || "") || form.dataset.confirmed) return;
    event.preventDefault();
    var entries = (await outbox.store.all()).filter(function (e) { return e.user === currentUser(); });
    if (entries.length && !window.confirm(entries.length + " record(s) on this device have not been sent. " +
        "They stay here and are sent the next time you sign in on this device. Sign out anyway?")) return;
    form.dataset.confirmed = "1";
    await clearDeviceCopies();
    form.submit();
  });

  function clearDeviceCopies() {
    var jobs = [];
    if (window.caches) jobs.push(caches.delete("fieldapp-pages"));
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "logout" });
    }
    return Promise.all(jobs).catch(function () {});
  }

  /* The list page (/outbox). */
  async function renderList() {
    var list = document.querySelector("[data-outbox-list]");
    if (!list) return;
    var entries = (await outbox.store.all()).filter(function (e) { return !e.user || e.user === currentUser(); });
    list.innerHTML = "";
    var state = document.getElementById("outbox-state");
    if (state) state.textContent = navigator.onLine ? "Online." : "Offline: records will be sent when the connection returns.";
    if (!entries.length) {
      var empty = document.createElement("li");
      empty.className = "card empty";
      empty.textContent = "Nothing is waiting. Everything saved on this device has reached the server.";
      list.appendChild(empty);
      return;
    }
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "card" + (entry.status === "refused" ? " refused" : "");
      var title = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = entry.label;
      title.appendChild(strong);
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = (entry.status === "refused" ? (entry.closed ? "Not sent" : "Set aside") : "Waiting") +
        " · saved " + (window.FieldappTime ? window.FieldappTime.format(entry.created_at, true)
          : new Date(entry.created_at).toLocaleString());
      item.appendChild(title);
      item.appendChild(meta);
      if (entry.status === "refused") {
        var why = document.createElement("p");
        why.className = "field-error";
        why.textContent = entry.closed ? entry.message : "The server said: " + entry.message;
        item.appendChild(why);
        var actions = document.createElement("div");
        actions.className = "actions";
        if (!entry.closed) actions.appendChild(button("Fix and save again", function () {
          location.assign(entry.page + (entry.page.indexOf("?") < 0 ? "?" : "&") + "restore=" + entry.seq);
        }));
        if (!entry.closed) actions.appendChild(button("Try again", async function () {
          entry.status = "waiting"; delete entry.message; await outbox.store.put(entry); run();
        }));
        actions.appendChild(button("Discard", async function () {
          if (window.confirm("Discard this record? It was never saved on the server.")) {
            await outbox.store.remove(entry.seq); updateBadge(); renderList();
          }
        }));
        item.appendChild(actions);
      }
      list.appendChild(item);
    });
  }

  function button(text, handler) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.addEventListener("click", handler);
    return b;
  }

  /* ?restore=<seq>: put a set-aside record back into its form so the user can fix it. */
  async function restore() {
    var seq = Number(new URLSearchParams(location.search).get("restore"));
    if (!seq) return;
    var entry = await outbox.store.get(seq);
    if (!entry) return;
    var path = new URL(entry.url, location.href).pathname;
    var form = Array.prototype.filter.call(document.forms, function (f) {
      return new URL(actionOf(f)).pathname === path;
    })[0];
    if (!form) { notice("The form for this record is not on this page.", "error"); return; }
    var values = {};
    entry.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.name === "csrf_token" || el.name === "id") return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = values[el.name].indexOf(el.value) >= 0;
      else if (el.type !== "submit") el.value = values[el.name][0];
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    form.setAttribute("data-replaces", String(seq));
    notice("The server refused this record: " + entry.message + " Correct it below and save again.", "error");
    form.scrollIntoView();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sendNow = document.querySelector("[data-outbox-send]");
    if (sendNow) sendNow.addEventListener("click", function () { run(); });
    restore();
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
