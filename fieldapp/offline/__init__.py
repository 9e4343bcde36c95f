"""The installable, offline-capable app: manifest, service worker, offline page, the outbox page,
and which pages a device may keep for offline use."""
