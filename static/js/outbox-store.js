/* fieldapp outbox, the queue: field forms saved on the device (IndexedDB, one record each, in the
   order saved) until the server has them. Runs in pages and in the service worker (Background
   Sync), like outbox-settle.js and outbox-send.js after it, so it uses no DOM.

   Each record keeps the form's fields as the user saved them, the id made when Save was pressed
   (the server treats the same id and body as a replay, so a resend after a lost response creates
   nothing twice), the device time, and the user who made it: it is never sent under another login.

   The outbox's files, in the order they load (templates/base.html; the service worker imports the
   first three and precaches all, static/sw.js): outbox-store.js (this queue), outbox-settle.js
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

  global.FieldappOutbox = { store: Outbox };
})(typeof self !== "undefined" ? self : window);
