/* fieldapp live updates: new assignments arrive on the unit's phone within seconds, and the board
   follows every change. Server-Sent Events with Last-Event-ID resume; polling where streams fail. */
(function () {
  "use strict";
  var path = location.pathname;
  var onUnitPage = path === "/my/calls" || /^\/calls\/\d+/.test(path);
  var onBoard = path === "/board";
  var onMap = path === "/map";  // the dispatch map (map.js) follows the same events
  if (!onUnitPage && !onBoard && !onMap) return;

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
    return fetch(location.href, { credentials: "same-origin", redirect: "manual", headers: { Accept: "text/html" } })
      .then(function (response) { if (!response.ok || response.redirected) throw new Error(); return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var main = document.getElementById("main");
        var keep = document.getElementById("live-banner");
        if (!fresh || !main) return;
        var shown = document.getElementById("call-status"), now = fresh.querySelector("#call-status");
        if (shown && now && shown.getAttribute("data-call-status") === now.getAttribute("data-call-status")) {
          // the status on screen is already the server's (our own tap): only the timeline is new, and
          // what the user is doing on the page (a choice, an error shown at a field) stays
          var timeline = main.querySelector(".timeline"), freshTimeline = fresh.querySelector(".timeline");
          if (timeline && freshTimeline) timeline.innerHTML = freshTimeline.innerHTML;
          return;
        }
        var mapPanel = document.getElementById("map-panel");  // the board's map keeps its markers
        main.innerHTML = fresh.innerHTML;
        var mapSlot = document.getElementById("map-panel");
        if (mapPanel && mapSlot) mapSlot.replaceWith(mapPanel);
        if (keep) main.insertBefore(keep, main.firstChild);
        document.dispatchEvent(new CustomEvent("fieldapp:refreshed"));
      }).catch(function () {});
  }

  var crew = ["officer", "clinician"].indexOf(document.body.getAttribute("data-role")) >= 0;

  /* The call left this unit (a crew's stream carries only its unit's events, so a reassignment or
     cancellation of a call is news about one of ours): say so on its open page at once, take away the
     taps, and settle what waits in the outbox for it with the same words. */
  function leftTheUnit(event) {
    var message = event.type === "call.cancelled" ? "Cancelled: " + (event.reason || "no reason given")
      : "Reassigned to " + (event.unit_call_sign || "another unit");
    if (window.FieldappOutbox && window.FieldappOutbox.resolveCall) {
      window.FieldappOutbox.resolveCall(event.call_id, message).then(function (touched) {
        if (touched && window.FieldappOutbox.run) window.FieldappOutbox.run();
      });
    }
    var thisCall = path.match(/^\/calls\/(\d+)/);
    if (!thisCall || Number(thisCall[1]) !== event.call_id) return false;
    var box = document.getElementById("call-notice") || document.getElementById("main");
    var note = document.createElement("p");
    note.className = "flash flash-error call-gone";
    note.setAttribute("role", "alert");
    note.textContent = message + ". This call is no longer yours; nothing more can be recorded on it here.";
    box.innerHTML = "";
    box.appendChild(note);
    var status = document.getElementById("call-status");
    if (status) {
      status.className = "status status-" + (event.type === "call.cancelled" ? "cancelled" : "reassigned");
      status.textContent = event.type === "call.cancelled" ? "Cancelled" : "Reassigned";
    }
    document.querySelectorAll("[data-transitions], [data-crew-only]").forEach(function (el) { el.hidden = true; });
    return true;
  }

  function handle(event) {
    document.dispatchEvent(new CustomEvent("fieldapp:live", { detail: event }));
    if (event.type === "unit.position") return;  // a unit moved: only the map (map.js) redraws
    if (event.type === "call.assigned" && onUnitPage) { banner(event); alertUser(); }
    if (crew && (event.type === "call.reassigned" || event.type === "call.cancelled") && leftTheUnit(event)) return;
    var thisCall = path.match(/^\/calls\/(\d+)/);
    if (thisCall && Number(thisCall[1]) === event.call_id) {
      var shown = document.getElementById("call-status");
      // our own tap, already shown in place: nothing to redraw
      if (event.type === "call.status" && shown && shown.getAttribute("data-call-status") === event.status) return;
      refresh();
    } else if (onBoard || path === "/my/calls") {
      refresh();
    }
  }

  /* The stream's state, announced apart from its events ("fieldapp:live" carries one event each):
     "fieldapp:connection" with detail.connected (and detail.delayed while the server has lost its link
     to the other servers and reads the database instead), and data-live on <html>: "open", "delayed",
     or none while closed. */
  function announce(state) {  // false, "open" or "delayed"
    if (state) document.documentElement.setAttribute("data-live", state);
    else document.documentElement.removeAttribute("data-live");
    document.dispatchEvent(new CustomEvent("fieldapp:connection",
      { detail: { connected: !!state, delayed: state === "delayed" } }));
  }

  function delayed(e) {
    try { return !!JSON.parse(e.data || "{}").delayed; } catch (error) { return false; }
  }

  function drop() {
    if (source) { source.close(); source = null; }
    announce(false);
  }

  function connect() {
    if (source || !window.EventSource) { if (!window.EventSource) startPolling(); return; }
    source = new EventSource("/events" + (lastId !== null ? "?after=" + lastId : ""));
    source.addEventListener("hello", function (e) {
      failures = 0; if (e.lastEventId) lastId = Number(e.lastEventId); stopPolling();
      announce(delayed(e) ? "delayed" : "open");  // events from now on arrive here
    });
    source.addEventListener("state", function (e) {  // the server lost (or found again) its Redis link
      announce(delayed(e) ? "delayed" : "open");
    });
    source.addEventListener("call", function (e) { lastId = Number(e.lastEventId); handle(JSON.parse(e.data)); });
    source.onerror = function () {
      announce(false);
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
    if (document.hidden) { if (source) drop(); }
    else { connect(); }
  });
  window.addEventListener("online", function () {
    if (source) drop();
    connect();
  });
  window.addEventListener("offline", function () { if (source) drop(); });
  document.addEventListener("DOMContentLoaded", connect);
})();
