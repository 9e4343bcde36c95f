/* fieldapp service worker: the app shell offline, field pages from the device's copy when the
   network fails (sealed under the signed-in user's key, static/js/vault.js), and Background Sync for
   the outbox where the browser has it. */
"use strict";

/* global FIELDAPP_PRECACHE */
// Built by scripts/build-static.mjs (make static) into static/dist/sw.js, served at /sw.js: the vault, the
// outbox's first three files and push-sw.js are bundled in before this one, and FIELDAPP_PRECACHE is the list of
// files the offline pages need, by their hashed names (a new build is a new worker).
const STATIC = "fieldapp-static";  // files by hashed name: one is kept while a page kept offline names it
const CLEAR_PAGES = "fieldapp-pages";  // where copies of pages were kept unsealed before the vault: deleted
const PAGES = self.FieldappVault.pages;  // the offline copies of pages, sealed; cleared at sign-out
const SHELL_FILES = FIELDAPP_PRECACHE;
const NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

/* A new version drops the files of older ones, except those a page kept offline still names (that page
   is refreshed the next time the device is online, static/js/ready.js; until then it keeps working). */
async function prune() {
  const named = new Set(SHELL_FILES);
  for (const url of await PAGES.urls()) {
    const response = await PAGES.get(url);
    if (!response) return;  // sealed for a user not signed in now: every file stays until it can be read
    for (const match of (await response.text()).matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)) named.add(match[1]);
  }
  const shell = await caches.open(STATIC);
  for (const request of await shell.keys()) {
    if (!named.has(new URL(request.url).pathname)) await shell.delete(request);
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      // the shells of versions before hashed names, and the unsealed copies of pages before the vault
      if (name.startsWith("fieldapp-v") || name === CLEAR_PAGES) await caches.delete(name);
    }
    await prune().catch(() => {});
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
    await PAGES.put(request.url, response.clone()).catch(() => false);
  }
  return response;
}

async function page(request) {
  try {
    return await pageFromNetwork(request);
  } catch (error) {
    const cached = await PAGES.get(request.url).catch(() => null);
    if (cached) return markOffline(cached);
    return (await caches.match("/offline", { cacheName: STATIC })) || Response.error();
  }
}

/* A page from the device's copy says so, with its age, at the top. */
async function markOffline(cached) {
  const saved = new Date(cached.headers.get("Date") || Date.now());
  const minutes = Math.max(0, Math.round((Date.now() - saved.getTime()) / 60000));
  const text = await cached.text();
  useLanguageOf(text);
  const I18n = self.FieldappI18n;
  const age = minutes < 1 ? t("just now") : minutes < 120 ? t("{n} min ago", { n: I18n.number(minutes) })
    : t("{n} h ago", { n: I18n.number(Math.round(minutes / 60)) });
  const words = t("Offline: showing what this device saved at {time} ({age}). Anything you save is kept here and sent when you are back online.",
    { time: I18n.time(saved), age });
  const banner = `<p class="offline-banner" role="status">${escapeHtml(words)}</p>`;
  const html = text.replace('<main id="main">', `<main id="main">${banner}`);
  const headers = new Headers(cached.headers);
  headers.set("X-Fieldapp-From-Device", "1");
  return new Response(html, { status: 200, headers });
}

/* The page's own language, zone and clock (its <html lang>, <body data-timezone data-hours24>): the banner
   speaks as the page does, and times are in the agency's zone (static/js/i18n.js). */
function useLanguageOf(html) {
  const lang = (/<html[^>]*\slang="([^"]+)"/.exec(html) || [])[1];
  const zone = (/<body[^>]*data-timezone="([^"]+)"/.exec(html) || [])[1];
  const hours24 = (/<body[^>]*data-hours24="([^"]*)"/.exec(html) || [])[1];
  self.FieldappI18n.use({ ...(lang ? { locale: lang } : {}), ...(zone ? { zone } : {}), ...(hours24 !== undefined ? { hours24 } : {}) });
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

async function shellFile(request) {
  const cached = await caches.match(request, { cacheName: STATIC });
  if (cached && new URL(request.url).pathname.startsWith("/static/dist/")) return cached;  // never changes
  if (cached) {
    fetch(request).then((fresh) => { if (fresh.ok) caches.open(STATIC).then((c) => c.put(request, fresh)); })
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
  if (data.type === "locale" && data.locale) {
    // a page's language, zone and clock, kept for the notifications written while no page is open
    // A new language also refreshes the offline page kept at install (it was rendered in the language of then).
    event.waitUntil(self.FieldappI18n.recall().then((before) => {
      const changed = before.locale !== data.locale;
      self.FieldappI18n.use({ locale: data.locale, zone: data.zone, hours24: data.hours24 });
      return Promise.all([self.FieldappI18n.remember(data.locale, data.zone, data.hours24),
        changed ? caches.open(STATIC).then((cache) => cache.add(new Request("/offline", { credentials: "same-origin" })))
          : null]);
    }).catch(() => {}));
  } else if (data.type === "logout") {
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
