/* fieldapp live updates: new assignments arrive on the unit's phone within seconds, and the board
   follows every change. Server-Sent Events with Last-Event-ID resume; polling where streams fail. */
(function () {
  "use strict";
  var path = location.pathname;
  var onUnitPage = path === "/my/calls" || /^\/calls\/\d+/.test(path);
  var onBoard = path === "/board";
  if (!onUnitPage && !onBoard) return;

  var lastId = null, source = null, failures = 0, pollTimer = null;

  function banner(event) {
    var main = document.getElementById("main");
    var box = document.getElementById("live-banner");
    if (!box) {
      box = document.createElement("div");
      box.id = "live-banner";
      box.className = "live-banner";
      box.setAttribute("role", "alert");
      main.insertBefore(box, main.firstChild);
    }
    box.innerHTML = "";
    var link = document.createElement("a");
    link.href = "/calls/" + event.call_id;
    link.textContent = "New call assigned: " + event.call_type + " (P" + event.priority + ") at " + event.address;
    box.appendChild(link);
  }

  function alertUser() {
    if (navigator.vibrate) navigator.vibrate([250, 120, 250]);
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx(), tone = ctx.createOscillator(), gain = ctx.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.2;
      tone.connect(gain); gain.connect(ctx.destination);
      tone.start(); tone.stop(ctx.currentTime + 0.35);
    } catch (error) { /* no sound before the user has touched the page: the banner still shows */ }
  }

  function refresh() {
    // Replace the page's content with the server's current version, keeping the live banner.
    return fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { if (!response.ok || response.redirected) throw new Error(); return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var main = document.getElementById("main");
        var keep = document.getElementById("live-banner");
        if (!fresh || !main) return;
        main.innerHTML = fresh.innerHTML;
        if (keep) main.insertBefore(keep, main.firstChild);
      }).catch(function () {});
  }

  function handle(event) {
    if (event.type === "call.assigned" && onUnitPage) { banner(event); alertUser(); }
    var thisCall = path.match(/^\/calls\/(\d+)/);
    if (onBoard || path === "/my/calls" || (thisCall && Number(thisCall[1]) === event.call_id)) refresh();
  }

  function connect() {
    if (source || !window.EventSource) { if (!window.EventSource) startPolling(); return; }
    source = new EventSource("/events" + (lastId !== null ? "?after=" + lastId : ""));
    source.addEventListener("hello", function (e) { failures = 0; if (e.lastEventId) lastId = Number(e.lastEventId); stopPolling(); });
    source.addEventListener("call", function (e) { lastId = Number(e.lastEventId); handle(JSON.parse(e.data)); });
    source.onerror = function () {
      failures += 1;
      if (source.readyState === EventSource.CLOSED || failures >= 3) {
        source.close(); source = null;
        startPolling();
        setTimeout(connect, Math.min(30000, 2000 * failures));  // keep trying the stream
      }
    };
  }

  function poll() {
    fetch("/events/poll" + (lastId !== null ? "?after=" + lastId : ""),
      { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        lastId = body.last_id;
        body.events.forEach(handle);
      }).catch(function () {});
  }

  function startPolling() { if (!pollTimer) { poll(); pollTimer = setInterval(poll, 5000); } }
  function stopPolling() { clearInterval(pollTimer); pollTimer = null; }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { if (source) { source.close(); source = null; } }
    else { connect(); }
  });
  window.addEventListener("online", function () { if (source) { source.close(); source = null; } connect(); });
  document.addEventListener("DOMContentLoaded", connect);
})();
