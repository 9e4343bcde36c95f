/* fieldapp outbox, the queue: field forms saved on the device (IndexedDB, one record each, in the
   order saved) until the server has them. Runs in pages and in the service worker (Background
   Sync), like outbox-settle.js and outbox-send.js after it, so it uses no DOM.

   Each record keeps the form's fields as the user saved them, the id made when Save was pressed
   (the server treats the same id and body as a replay, so a resend after a lost response creates
   nothing twice), the device time, and the user who made it: it is never sent under another login.

   What a record says is sealed under its user's key (vault.js): the device keeps only its number
   and its user's name readable, so a signed-out phone tells how many records wait and whose, and
   nothing of what they say. A record this device cannot open now (its user signed out, another
   user signed in) reads as {seq, user, locked: true}.

   The outbox's files, in the order they load (templates/base.html; the service worker imports the
   first three and precaches all, static/sw.js), after vault.js: outbox-store.js (this queue), outbox-settle.js
   (what becomes of a refused or taken-away record), outbox-send.js (sending, FieldappOutbox.flush),
   outbox-page.js (capturing field forms, the badge, notices, sign-out) and outbox-list.js (the
   /outbox list and restoring a set-aside record into its form). */
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

  var Vault = global.FieldappVault;

  /* Sealed before the transaction opens: a transaction ends when its work awaits anything else. */
  async function sealed(entry) {
    var contents = Object.assign({}, entry);
    delete contents.seq;
    delete contents.user;
    var row = { user: entry.user, box: await Vault.seal(entry.user, contents) };
    if (entry.seq !== undefined) row.seq = entry.seq;
    return row;
  }

  async function opened(row) {
    if (!row || !row.box) return row;  // kept before records were sealed: readable as it is
    var contents = await Vault.open(row.user, row.box);
    return Object.assign(contents || { locked: true }, { seq: row.seq, user: row.user });
  }

  var Outbox = {
    add: async function (entry) { var row = await sealed(entry); return tx("readwrite", function (s) { return s.add(row); }); },
    put: async function (entry) { var row = await sealed(entry); return tx("readwrite", function (s) { return s.put(row); }); },
    remove: function (seq) { return tx("readwrite", function (s) { return s.delete(seq); }); },
    get: function (seq) { return tx("readonly", function (s) { return s.get(seq); }).then(opened); },
    all: function () {
      return tx("readonly", function (s) { return s.getAll(); }).then(function (rows) {
        return Promise.all((rows || []).map(opened));
      }).then(function (entries) {
        return entries.sort(function (a, b) { return a.seq - b.seq; });
      });
    },
  };

  global.FieldappOutbox = { store: Outbox };
})(typeof self !== "undefined" ? self : window);
