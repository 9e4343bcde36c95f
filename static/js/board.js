/* fieldapp dispatch board: a beep for each new pending call (after the first user gesture, with a
   mute toggle kept on this device), and "Live" in place of "Updates every 10 seconds" while the live
   stream of static/js/live.js is connected.

   The board's rows are replaced by live.js (on each event) and app.js (every 10 seconds); this file
   only watches the page for rows it has not seen, so it works whichever of them refreshed it.
   Tests spy on window.fieldappBoard.beep. */
(function () {
  "use strict";
  var MUTE_KEY = "fieldapp.board.muted";
  var seen = null, audio = null, live = false;

  function muted() {
    try { return localStorage.getItem(MUTE_KEY) === "1"; } catch (e) { return false; }
  }

  // Browsers start audio only after a user gesture: make (or resume) the context on the first one.
  function unlock() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      if (!audio) audio = new Ctx();
      if (audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
  }
  ["pointerdown", "keydown"].forEach(function (name) { document.addEventListener(name, unlock, true); });

  var api = window.fieldappBoard = {
    // Two short tones (Web Audio, no sound file). Silent until the user has touched the page.
    beep: function () {
      if (!audio || audio.state !== "running") return false;
      [0, 0.25].forEach(function (offset) {
        var tone = audio.createOscillator(), gain = audio.createGain(), at = audio.currentTime + offset;
        tone.frequency.value = 988;
        gain.gain.setValueAtTime(0.25, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + 0.18);
        tone.connect(gain); gain.connect(audio.destination);
        tone.start(at); tone.stop(at + 0.2);
      });
      return true;
    },
    // Called with the ids of pending calls that were not on the board before.
    newPending: function (ids) {
      if (ids.length && !muted()) api.beep();
    },
    isLive: function () { return live; }
  };

  function pendingIds() {
    return Array.prototype.map.call(document.querySelectorAll("#board tr.board-row[data-status=pending]"),
      function (row) { return row.getAttribute("data-call-id"); });
  }

  function check() {
    var ids = pendingIds();
    if (seen === null) { seen = {}; ids.forEach(function (id) { seen[id] = true; }); return; }
    var fresh = ids.filter(function (id) { return !seen[id]; });
    fresh.forEach(function (id) { seen[id] = true; });
    if (fresh.length) api.newPending(fresh);
  }

  // Idempotent: it runs after every change of the page (see the MutationObserver below).
  function showMode() {
    var text = document.getElementById("board-live-text");
    // "delayed": the server has lost its link to the other servers and reads the database instead
    var wanted = live === "delayed" ? t("Live, delayed: changes appear within a few seconds.")
      : live ? t("Live: changes appear as they happen.") : t("Updates every 10 seconds.");
    if (text && text.textContent !== wanted) {
      text.textContent = wanted;
      text.parentNode.classList.toggle("is-live", live === true);
      text.parentNode.classList.toggle("is-delayed", live === "delayed");
    }
    var button = document.getElementById("board-sound");
    if (button) {
      var on = !muted(), label = on ? t("Sound: on") : t("Sound: off");
      if (button.hidden) button.hidden = false;
      if (button.getAttribute("aria-pressed") !== String(on)) button.setAttribute("aria-pressed", String(on));
      if (button.textContent !== label) button.textContent = label;
    }
  }

  function setLive(value) {
    if (live === value) return;
    live = value;
    showMode();
  }

  // The live channel's state, as static/js/live.js announces it (not its events: those are news).
  document.addEventListener("fieldapp:connection", function (event) {
    setLive(event.detail.delayed ? "delayed" : !!event.detail.connected);
  });
  var now = document.documentElement.getAttribute("data-live");
  if (now) setLive(now === "delayed" ? "delayed" : true);
  window.addEventListener("offline", function () { setLive(false); });
  document.addEventListener("visibilitychange", function () { if (document.hidden) setLive(false); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#board-sound");
    if (!button) return;
    try { localStorage.setItem(MUTE_KEY, muted() ? "0" : "1"); } catch (e) { /* private mode: stays on */ }
    showMode();
  });

  /* The response clocks (issue 20): received -> on scene against each call's target, ticking here from
     the server's times. The skew between this device's clock and the server's is taken from the first
     board drawn (data-server-now), so a wrong phone clock does not move the colours, and a board
     refreshed later ticks on the same footing. Amber from 75% of the target, red past it, and the words
     say it too ("12 of 15 min", "Over by 3 min"). */
  var WARN_SHARE = 0.75, skew = null;
  var ICONS = { ok: "", warn: "\u26a0 ", over: "\u203c " };
  function said(level) {  // for screen readers, after the clock's text
    return level === "warn" ? " " + t("(near the response target)")
      : level === "over" ? " " + t("(past the response target)") : "";
  }

  function clockText(seconds, target, stopped) {
    if (seconds > target * 60) {
      var over = { over: Math.max(1, Math.floor((seconds - target * 60) / 60)) };
      return stopped ? t("On scene, over by {over} min", over) : t("Over by {over} min", over);
    }
    var values = { minutes: Math.floor(seconds / 60), target: target };
    return stopped ? t("On scene in {minutes} of {target} min", values) : t("{minutes} of {target} min", values);
  }

  function tick() {
    var board = document.querySelector("#board .board[data-server-now]");
    if (!board) return;
    if (skew === null) skew = Date.now() - Date.parse(board.getAttribute("data-server-now"));
    Array.prototype.forEach.call(board.querySelectorAll("[data-clock]"), function (el) {
      var target = Number(el.getAttribute("data-target-minutes")), stopped = el.hasAttribute("data-stopped");
      var seconds = stopped ? Number(el.getAttribute("data-stopped"))
        : Math.max(0, Math.floor((Date.now() - skew - Date.parse(el.getAttribute("data-started"))) / 1000));
      var level = seconds > target * 60 ? "over" : seconds >= WARN_SHARE * target * 60 ? "warn" : "ok";
      var text = clockText(seconds, target, stopped), shown = el.querySelector(".clock-text");
      if (shown && shown.textContent !== text) shown.textContent = text;
      if (!el.classList.contains("clock-" + level)) {
        el.className = "clock clock-" + level;
        el.querySelector(".clock-icon").textContent = ICONS[level];
        el.querySelector(".clock-level").textContent = said(level);
      }
    });
  }
  api.tick = tick;

  // A call passed its target (the server's sweep said so on the live stream): the same two tones.
  document.addEventListener("fieldapp:live", function (event) {
    if (event.detail && event.detail.type === "call.breach" && !muted()) api.beep();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("main");
    if (!main || !document.getElementById("board")) return;
    check();
    showMode();
    tick();
    setInterval(tick, 1000);
    // live.js replaces all of #main, app.js the #board inside it: look again after either.
    new MutationObserver(function () { check(); showMode(); tick(); }).observe(main, { childList: true, subtree: true });
  });
})();
