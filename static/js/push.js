/* Call alerts (Web Push, docs/push.md): the "Get call alerts on this phone" card of My calls.
   Asks for notification permission only after the tap; where the browser has no push, says so and
   nothing else changes. The service worker's part is static/push-sw.js. */
(function () {
  "use strict";
  var API = "/api/v1/me/push-subscriptions";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function send(method, body) {
    return fetch(API, {
      method: method, credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
    }).then(function (response) {
      if (!response.ok && response.status !== 204) throw new Error(t("The server refused ({status}).", { status: response.status }));
      return response;
    });
  }

  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function start(card) {
    var state = card.querySelector("[data-push-state]");
    var on = card.querySelector("[data-push-on]");
    var off = card.querySelector("[data-push-off]");
    var publicKey = null;

    function show(message, subscribed) {
      card.hidden = false;
      state.textContent = message;
      on.hidden = subscribed !== false;
      off.hidden = subscribed !== true;
    }

    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      show(t("This browser cannot show call alerts. On an iPhone, add fieldapp to the Home Screen (Share, then Add to Home Screen) and open it from there."), null);
      return;
    }
    fetch("/api/v1/push/public-key", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return null;  // push is off on this server: no card
        publicKey = body.public_key;
        return navigator.serviceWorker.ready.then(function (registration) {
          return registration.pushManager.getSubscription();
        }).then(function (subscription) {
          if (subscription && Notification.permission === "granted") {
            // Tell the server again: after a new sign-in it belongs to this session.
            return send("POST", subscription.toJSON()).then(function () {
              show(t("Call alerts are on for this phone."), true);
            });
          }
          if (Notification.permission === "denied") {
            show(t("Notifications are blocked for fieldapp in this browser's settings. Allow them there to get call alerts."), null);
          } else {
            show(t("Call alerts are off for this phone."), false);
          }
          return null;
        });
      })
      .catch(function () { show(t("Call alerts could not be checked right now; try again later."), false); });

    on.addEventListener("click", function () {
      on.disabled = true;
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          show(t("Without permission to show notifications, fieldapp cannot alert you. You can allow it in the browser's settings."), false);
          return null;
        }
        return navigator.serviceWorker.ready.then(function (registration) {
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
        }).then(function (subscription) {
          return send("POST", subscription.toJSON());
        }).then(function () {
          show(t("Call alerts are on for this phone."), true);
        });
      }).catch(function (error) {
        show(t("Call alerts could not be turned on: {message}", { message: error.message }), false);
      }).then(function () { on.disabled = false; });
    });

    off.addEventListener("click", function () {
      off.disabled = true;
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      }).then(function (subscription) {
        if (!subscription) return null;
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () { return send("DELETE", { endpoint: endpoint }); });
      }).then(function () {
        show(t("Call alerts are off for this phone."), false);
      }).catch(function (error) {
        show(t("Call alerts could not be turned off: {message}", { message: error.message }), true);
      }).then(function () { off.disabled = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var card = document.querySelector("[data-push-alerts]");
    if (card) start(card);
  });
})();
