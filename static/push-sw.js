/* fieldapp service worker, Web Push part (loaded by sw.js with importScripts; docs/push.md).
   A push carries {kind, call_id, call_type, priority, address, title, url}: never names or notes. */
"use strict";

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.FieldappI18n.recall().then(() => notify(data)));  // in the user's language (i18n.js)
});

function notify(data) {
  const title = data.title || t("fieldapp: call update");
  const body = [data.call_type && data.priority ? `${data.call_type} · P${data.priority}` : "", data.address || ""]
    .filter(Boolean).join(" · ") || t("Open fieldapp for details.");
  return self.registration.showNotification(title, {
    body,
    tag: data.call_id ? `call-${data.call_id}` : "fieldapp",  // a newer alert about a call replaces the older
    renotify: true,
    requireInteraction: data.kind === "assigned",
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    data: { url: data.url || "/my/calls", call_id: data.call_id, kind: data.kind },
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/my/calls", self.location.origin);
  if (target.origin !== self.location.origin) return;  // only ever open this app's own pages
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === target.origin && "focus" in client) {
        await client.focus();
        if ("navigate" in client) return client.navigate(target.href);
        return undefined;
      }
    }
    return self.clients.openWindow(target.href);
  })());
});

/* Signing out (outbox-page.js tells the worker) ends this browser's subscription too; the server has
   already ended its copy with the session. */
self.addEventListener("message", (event) => {
  if ((event.data || {}).type !== "logout" || !self.registration.pushManager) return;
  event.waitUntil(self.registration.pushManager.getSubscription()
    .then((subscription) => subscription && subscription.unsubscribe()).catch(() => {}));
});
