/* fieldapp service worker: the app shell offline, field pages from the device's copy when the
   network fails (sealed under the signed-in user's key, static/js/vault.js), and Background Sync for
   the outbox where the browser has it. */
"use strict";

const VERSION = "fieldapp-v4";
const SHELL = `${VERSION}-shell`;
const CLEAR_PAGES = "fieldapp-pages";  // where copies of pages were kept unsealed before v4: deleted
const SHELL_FILES = [
  "/offline", "/static/css/app.css", "/static/js/app.js",
  "/static/js/vault.js", "/static/js/outbox-store.js", "/static/js/outbox-settle.js", "/static/js/outbox-send.js",
  "/static/js/outbox-page.js", "/static/js/outbox-list.js",
  "/static/js/live.js", "/static/js/encounter.js", "/static/js/push.js",
  "/static/js/fielderrors.js", "/static/js/signin.js", "/static/js/ready.js",
  "/static/icons/icon-192.png", "/static/icons/icon-512.png", "/manifest.webmanifest",
];
const NETWORK_TIMEOUT_MS = 6000;

importScripts("/static/js/vault.js", "/static/js/outbox-store.js", "/static/js/outbox-settle.js", "/static/js/outbox-send.js",
  "/static/push-sw.js");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if ((name.startsWith("fieldapp-v") && name !== SHELL) || name === CLEAR_PAGES) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function pageFromNetwork(request) {
  const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
  if (response.ok && response.headers.get("X-Fieldapp-Offline") === "1") {
    await self.FieldappVault.pages.put(request.url, response.clone()).catch(() => false);
  }
  return response;
}

async function page(request) {
  try {
    return await pageFromNetwork(request);
  } catch (error) {
    const cached = await self.FieldappVault.pages.get(request.url).catch(() => null);
    if (cached) return markOffline(cached);
    return (await caches.match("/offline", { cacheName: SHELL })) || Response.error();
  }
}

/* A page from the device's copy says so, with its age, at the top. */
async function markOffline(cached) {
  const saved = new Date(cached.headers.get("Date") || Date.now());
  const minutes = Math.max(0, Math.round((Date.now() - saved.getTime()) / 60000));
  const age = minutes < 1 ? "just now" : minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
  const text = await cached.text();
  const banner = `<p class="offline-banner" role="status">Offline: showing what this device saved at ` +
    `${agencyTime(saved, text)} (${age}). Anything you save is kept here and sent when you are back online.</p>`;
  const html = text.replace('<main id="main">', `<main id="main">${banner}`);
  const headers = new Headers(cached.headers);
  headers.set("X-Fieldapp-From-Device", "1");
  return new Response(html, { status: 200, headers });
}

/* 24-hour time in the agency's zone, as the pages show it (the zone is on the page's <body>). */
function agencyTime(date, html) {
  const zone = (/<body[^>]*data-timezone="([^"]+)"/.exec(html) || [])[1];
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: zone }).format(date);
  } catch (error) {
    return new Intl.DateTimeFormat("en-US", options).format(date);
  }
}

async function shellFile(request) {
  const cached = await caches.match(request, { cacheName: SHELL });
  if (cached) {
    fetch(request).then((fresh) => { if (fresh.ok) caches.open(SHELL).then((c) => c.put(request, fresh)); })
      .catch(() => {});
    return cached;
  }
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/events")) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(shellFile(request));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "logout") {
    event.waitUntil(Promise.all([self.FieldappVault.lock(), caches.delete(CLEAR_PAGES)]).catch(() => {}));
  } else if (data.type === "cache-page" && data.url) {
    // The page a user just looked at: keep it for offline use if the server allows.
    event.waitUntil(pageFromNetwork(new Request(data.url, { credentials: "same-origin", redirect: "manual" })).catch(() => {}));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "fieldapp-outbox") {
    event.waitUntil((async () => {
      const windows = await self.clients.matchAll({ type: "window" });
      if (windows.length) {
        windows.forEach((client) => client.postMessage({ type: "flush" }));
      } else {
        await self.FieldappOutbox.flush();
      }
    })());
  }
});
