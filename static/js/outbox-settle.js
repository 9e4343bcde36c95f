/* fieldapp outbox, settling: what becomes of a record the server refused or whose call was taken away.
   Runs in pages and in the service worker (no DOM); after outbox-store.js.

   A record the server refuses (a 4xx other than 401, 408 and 429) is set aside with the server's
   message and never blocks the rest (outbox-send.js). A record saved while the page is waiting for
   its answer (flush({attend: seq})) and refused is not set aside, whichever flush sends it: it is
   taken out of the outbox and its outcome kept for the page (outcome(seq): {sent} or
   {returned: {status, error}}), which shows each message next to its field
   (static/js/fielderrors.js). Only records that could not reach the server stay in the outbox.

   The convention shared with every field form (the encounter form included): each input keeps its
   `name` = the payload key the API names in `error.fields` (a nested key "person.given_name" also
   matches an input named "given_name"); an error slot `<p class="field-error" id="error-<name>"
   hidden></p>` next to the input may exist, and is made when missing. */
(function (global) {
  "use strict";

  var Outbox = global.FieldappOutbox.store;

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
    return parts.join(" ") || t("The server refused this record.");
  }

  function messageOf(error) {
    var parts = [error.message];
    Object.keys(error.fields || {}).forEach(function (name) {
      var text = [].concat(error.fields[name]).join(" ");
      if (name && text && parts.indexOf(text) < 0) parts.push(text);
    });
    return parts.join(" ");
  }

  var attended = {}, outcomes = {};  // records a page waits for, and what became of them

  /* What became of a record a page waits for, or null if it still waits: the page stops waiting
     (a later refusal of a record still waiting sets it aside as for any other). */
  function outcome(seq) {
    var found = outcomes[seq] || null;
    delete outcomes[seq];
    delete attended[seq];
    return found;
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

  var api = global.FieldappOutbox;
  api.textOf = textOf;
  api.messageOf = messageOf;
  api.resolveCall = resolveCall;
  api.settleTakenAway = settleTakenAway;
  api.outcome = outcome;
  api.attended = attended;  // shared with outbox-send.js (the same objects, never replaced)
  api.outcomes = outcomes;
})(typeof self !== "undefined" ? self : window);
