/* fieldapp position sharing: while the crew's call is en route, on scene or transporting (or all shift
   with SHARE_POSITION_WHEN_AVAILABLE), the phone sends where it is: Geolocation watchPosition with high
   accuracy, at most one position every 30 s unless it moved 50 m or more, with its accuracy and the
   device's time. Each position is a record of the outbox (outbox-page.js), so positions taken offline
   are kept on the device, sealed, and sent in the order taken once there is a connection.

   Whether to share is the server's answer (GET /api/v1/me/position-sharing), asked on start, on each
   live event of the unit, on return to the foreground and every minute; it stops when the call ends,
   the shift ends or the page closes. The page says so while it shares (#sharing-position). */
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var role = document.body && document.body.getAttribute("data-role");
  var MIN_SECONDS = 30, MIN_METRES = 50, CHECK_MS = 60000;
  var watch = null, unitId = null, last = null, deviceId = null, checking = null;

  function crew() {
    var r = document.body.getAttribute("data-role");
    return r === "officer" || r === "clinician";
  }

  function device() {
    if (deviceId) return deviceId;
    try {
      deviceId = localStorage.getItem("fieldapp.device-id");
      if (!deviceId) {
        deviceId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
        localStorage.setItem("fieldapp.device-id", deviceId);
      }
    } catch (e) { deviceId = deviceId || "device-" + Date.now(); }
    return deviceId;
  }

  function metres(a, b) {
    var R = 6371008.8, rad = Math.PI / 180;
    var dp = (b.lat - a.lat) * rad, dl = (b.lon - a.lon) * rad;
    var h = Math.sin(dp / 2) * Math.sin(dp / 2) +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function indicator(on) {
    var mark = document.getElementById("sharing-position");
    if (!on) { if (mark) mark.remove(); return; }
    if (mark) return;
    mark = document.createElement("p");
    mark.id = "sharing-position";
    mark.className = "sharing-position";
    mark.textContent = t("Sharing your location with dispatch");
    var main = document.querySelector("main") || document.body;  // inside a landmark (axe: region)
    main.insertBefore(mark, main.firstChild);
  }

  async function send(position) {
    var outbox = window.FieldappOutbox;
    if (!outbox || !outbox.store || !outbox.page) return;
    var when = new Date(position.timestamp || Date.now()).toISOString();
    var coords = position.coords;
    var entry = {
      id: device() + "@" + when, user: outbox.page.currentUser(), url: new URL("/units/" + unitId + "/positions", location.href).href,
      fields: [["device_id", device()], ["lat", String(coords.latitude)], ["lon", String(coords.longitude)],
               ["accuracy_m", coords.accuracy == null ? "" : String(Math.min(100000, coords.accuracy))], ["recorded_at", when]],
      label: t("Position {time}", { time: when.slice(11, 19) }), page: location.pathname, created_at: new Date().toISOString(),
      status: "waiting", kind: "position",
    };
    await outbox.store.add(entry);
    if (outbox.run) outbox.run();
  }

  function seen(position) {
    var here = { lat: position.coords.latitude, lon: position.coords.longitude, at: position.timestamp || Date.now() };
    if (last && (here.at - last.at) / 1000 < MIN_SECONDS && metres(last, here) < MIN_METRES) return;
    last = here;
    send(position).catch(function () {});
  }

  function start(unit) {
    if (!navigator.geolocation) return;
    if (watch !== null && unitId === unit) return;
    stop();
    unitId = unit;
    watch = navigator.geolocation.watchPosition(seen, function () { /* denied or unavailable: nothing sent */ },
      { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
    indicator(true);
  }

  function stop() {
    if (watch !== null && navigator.geolocation) navigator.geolocation.clearWatch(watch);
    watch = null; last = null;
    indicator(false);
  }

  function check() {
    if (!crew() || document.hidden) return Promise.resolve();
    if (checking) return checking;
    checking = fetch("/api/v1/me/position-sharing", { credentials: "same-origin",
      headers: { Accept: "application/json", "X-Fieldapp-Background": "1" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer) return;  // offline or signed out: keep doing what it did (positions queue offline)
        if (answer.share) start(answer.unit_id); else stop();
      }).catch(function () {}).finally(function () { checking = null; });
    return checking;
  }

  window.fieldappShare = { check: check, sharing: function () { return watch !== null; } };
  if (role !== "officer" && role !== "clinician") return;
  document.addEventListener("DOMContentLoaded", function () {
    check();
    setInterval(check, CHECK_MS);
  });
  document.addEventListener("fieldapp:live", function () { setTimeout(check, 500); });
  document.addEventListener("fieldapp:sent", function () { check(); });  // a status tap: en route, cleared
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  window.addEventListener("pagehide", stop);
})();
