/* fieldapp vault: nothing readable on a shared phone. What a device keeps of a user's work (the
   outbox's records, the offline copies of pages) is sealed with AES-256-GCM under that user's key,
   which the server gives a signed-in session (/session/storage-key) and the device keeps in
   IndexedDB as a non-extractable WebCrypto key. Signing out deletes the key and the offline pages:
   what is still waiting in the outbox stays, sealed, and opens again when the same user signs in.
   Another user's sign-in on the same phone brings another key, which opens none of it.

   Runs in pages and in the service worker (no DOM), before outbox-store.js. */
(function (global) {
  "use strict";

  var DB_NAME = "fieldapp-vault", DB_VERSION = 1, KEYS = "keys", PAGES = "pages", CURRENT = "current";
  var encoder = new TextEncoder(), decoder = new TextDecoder();

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(KEYS)) db.createObjectStore(KEYS, { keyPath: "id" });
        if (!db.objectStoreNames.contains(PAGES)) db.createObjectStore(PAGES, { keyPath: "url" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  /* One IndexedDB transaction; work(stores...) runs inside it synchronously (anything awaited
     outside IndexedDB would end the transaction), its request's result is what resolves. */
  function tx(names, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(names, mode);
        var result = work.apply(null, [].concat(names).map(function (n) { return transaction.objectStore(n); }));
        transaction.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function fromBase64(text) {
    var raw = global.atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function current() { return tx(KEYS, "readonly", function (s) { return s.get(CURRENT); }); }

  /* The signed-in user's key, fetched from the server and kept as a key no script can read out. */
  async function unlock() {
    var response = await fetch("/session/storage-key",
      { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("the server gave no key (" + response.status + ")");
    var body = await response.json();
    var key = await global.crypto.subtle.importKey("raw", fromBase64(body.key), { name: "AES-GCM" }, false,
      ["encrypt", "decrypt"]);
    await tx(KEYS, "readwrite", function (s) { return s.put({ id: CURRENT, username: body.username, key: key }); });
    return body.username;
  }

  /* The key of this user, fetching it when the device holds none for them (pages only). */
  async function keyOf(username, fetchIfMissing) {
    var row = await current();
    if (row && row.username === username) return row.key;
    if (fetchIfMissing && typeof document !== "undefined" && username) {
      if (await unlock().catch(function () { return null; }) === username) return keyOf(username, false);
    }
    return null;
  }

  /* Sign-out: the key goes, and with it any way to read what stays; the offline pages go too. */
  function lock() {
    return tx([KEYS, PAGES], "readwrite", function (keys, pages) { keys.delete(CURRENT); pages.clear(); });
  }

  /* A value sealed for a user: {iv, data}, the user's name bound in as associated data so a record
     cannot be passed off as another user's. Rejects when the device holds no key for the user. */
  async function seal(username, value) {
    await ready;
    var key = await keyOf(username, true);
    if (!key) throw new Error("locked: no key on this device for " + username);
    var iv = global.crypto.getRandomValues(new Uint8Array(12));
    var data = await global.crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: encoder.encode(username) },
      key, encoder.encode(JSON.stringify(value)));
    return { iv: iv, data: data };
  }

  /* The value sealed for a user, or null when this device cannot open it now (signed out, or
     another user signed in). */
  async function open(username, box) {
    await ready;
    var key = await keyOf(username, false);
    if (!key || !box) return null;
    try {
      var plain = await global.crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv, additionalData: encoder.encode(username) },
        key, box.data);
      return JSON.parse(decoder.decode(plain));
    } catch (error) {
      return null;
    }
  }

  /* The offline copies of pages (what the service worker answers with when the network fails). */
  var pages = {
    put: async function (url, response) {
      var row = await current();
      if (!row) return false;
      var headers = [];
      response.headers.forEach(function (value, name) { headers.push([name, value]); });
      var box = await seal(row.username, { status: response.status, headers: headers, body: await response.text() });
      await tx(PAGES, "readwrite", function (s) { return s.put({ url: url, username: row.username, box: box }); });
      return true;
    },
    get: async function (url) {
      var row = await tx(PAGES, "readonly", function (s) { return s.get(url); });
      var page = row && await open(row.username, row.box);
      return page ? new Response(page.body, { status: page.status, headers: page.headers }) : null;
    },
    has: async function (url) {
      var row = await tx(PAGES, "readonly", function (s) { return s.get(url); });
      var owner = await current();
      return !!(row && owner && row.username === owner.username);
    },
    remove: function (url) { return tx(PAGES, "readwrite", function (s) { return s.delete(url); }); },
    urls: function () { return tx(PAGES, "readonly", function (s) { return s.getAllKeys(); }); },
  };

  /* In a page: the device holds the signed-in user's key (fetched when it holds none, or another
     user's), or none on the sign-in page the server sent (a session that ended). Everything sealed or
     opened waits for this. The service worker reads whatever key the pages left. */
  var ready = Promise.resolve();
  if (typeof document !== "undefined") {
    var meta = document.querySelector('meta[name="fieldapp-user"]');  // deferred: the page is parsed
    var me = meta && meta.content;
    if (me) {
      ready = current().then(function (row) { return row && row.username === me ? null : unlock(); })
        .catch(function () { return null; });  // offline: what this user sealed waits for the key
    } else if (global.location.pathname === "/login") {
      ready = lock().catch(function () { return null; });
    }
  }

  global.FieldappVault = {
    ready: ready,
    unlock: unlock, lock: lock, seal: seal, open: open, pages: pages,
    username: function () { return current().then(function (row) { return row ? row.username : null; }); },
  };
})(typeof self !== "undefined" ? self : window);
