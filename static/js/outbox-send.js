/* fieldapp outbox, sending: the waiting records of the signed-in user, oldest first, in batches
   through POST /api/v1/sync (one by one as a form post when the server will not take a batch whole).
   Runs in pages and in the service worker (no DOM); after outbox-store.js and outbox-settle.js.

   A 5xx, 408 or a failed connection means "try later" for that record only: it stays waiting, and
   so do later records for the same address (their order on one call matters), while the loop goes
   on with the others. */
(function (global) {
  "use strict";

  var api = global.FieldappOutbox;
  var Outbox = api.store, textOf = api.textOf, messageOf = api.messageOf, settleTakenAway = api.settleTakenAway;
  var attended = api.attended, outcomes = api.outcomes;

  var flushing = null, again = null;  // the flush running, and the one asked for while it runs
  // A flush nobody is waiting on (on start, online, foreground, Background Sync) is the app's own
  // background traffic: it does not hold off the idle lock. A Save the user pressed is their activity.
  var quiet = true;
  function marked(headers) {
    if (quiet) headers["X-Fieldapp-Background"] = "1";
    return headers;
  }

  function session() {
    return fetch("/session/csrf", { credentials: "same-origin", headers: marked({ Accept: "application/json" }) })
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
      headers: marked({ "X-Fieldapp-Outbox": "1" }),
    });
  }

  /* Whether a status means "try this record again later" rather than "the server refused it". */
  function retryLater(status) { return status >= 500 || status === 408; }

  /* Records per POST /api/v1/sync: what the server says it takes (GET /session/csrf "sync_batch"),
     never a number of our own, so the two cannot differ. A server that does not say gets one at a time. */
  function batchSize(who) {
    var size = Number(who && who.sync_batch);
    return size >= 1 ? Math.floor(size) : 1;
  }

  function sendBatch(entries, token) {
    var records = entries.map(function (entry) {
      return { ref: String(entry.seq), path: new URL(entry.url, self.location.href).pathname,
               fields: entry.fields.filter(function (pair) { return pair[0] !== "csrf_token"; }) };
    });
    return fetch("/api/v1/sync", {
      method: "POST", credentials: "same-origin", body: JSON.stringify({ records: records }),
      headers: marked({ "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token,
                        "X-Fieldapp-Outbox": "1" }),
    });
  }

  /* Send every waiting record of the signed-in user, oldest first, in batches through /api/v1/sync.
     Resolves to a report: {state: "done"|"offline"|"signin"|"error", sent: [{seq, url}], refused: n,
     later: n} ("offline"/"error": some records wait for a later try; the others were sent or set aside).
     A record the server could not save (a 5xx for it) waits, and so do later records for its address. */
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
    quiet = !attend;
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
      var refreshed = false, BATCH = batchSize(who);
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
            var sent = { seq: entry.seq, url: result.location, message: result.message, warnings: result.warnings || [] };
            report.sent.push(sent);
            if (attended[entry.seq]) outcomes[entry.seq] = { sent: sent };
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
            entry.error = result.error;  // its fields: "Fix and save again" shows them at the form's fields
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
        var page = await response.text();  // the page after saving, with what it says was saved
        var saved = { seq: entry.seq, url: response.url, message: flashOf(page, "success")[0],
                      warnings: flashOf(page, "error") };
        report.sent.push(saved);
        if (attended[entry.seq]) outcomes[entry.seq] = { sent: saved };
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

  /* The texts of a page's flash messages of one kind (<p class="flash flash-KIND">). */
  function flashOf(html, kind) {
    var pattern = new RegExp('<p class="flash flash-' + kind + '"[^>]*>([\\s\\S]*?)</p>', "g"), found = [], match;
    while ((match = pattern.exec(html))) {
      found.push(match[1].replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim());
    }
    return found;
  }

  api.flush = flush;
})(typeof self !== "undefined" ? self : window);
