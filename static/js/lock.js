/* fieldapp: the idle lock (CJIS Security Policy 5.5.5). After SESSION_IDLE_MINUTES without the user's
   own requests the server locks the session: every request answers 401 "session_locked" until it is
   unlocked. This page asks the server (GET /session/state, a background call that does not count as
   activity) when the time is up, when the phone comes back to the foreground and when a request
   of the page meets the lock, and then covers the page with the unlock sheet: an opaque modal, so
   nothing of the page shows, while the page itself (what was typed, the outbox) stays as it is.

   Unlocking needs the password (POST /api/v1/me/unlock). Another way (a passkey) registers itself:
     FieldappLock.register("passkey", { label: "Use a passkey", fields: async function () { return {...}; } })
   adds a button whose fields() give the body's fields beside {"method": "passkey"}.

   FieldappLock.state() resolves to {locked, ended, left}; FieldappLock.open() shows the sheet and
   resolves to true once unlocked (false when the session had ended instead). */
(function () {
  "use strict";
  var BACKGROUND = { "X-Fieldapp-Background": "1", Accept: "application/json" };
  var sheet = null, waiting = [], timer = null, methods = {};

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* Signed in, and not on the server's unlock page (a form of its own). */
  function watching() {
    return !!document.querySelector('meta[name="fieldapp-user"]') && !document.getElementById("unlock-page");
  }

  async function codeOf(response) {
    try { return ((await response.json()).error || {}).code; } catch (error) { return null; }
  }

  /* {locked, ended, left (seconds)}; null without a connection. */
  async function state() {
    var response;
    try {
      response = await fetch("/session/state", { credentials: "same-origin", headers: BACKGROUND });
    } catch (error) { return null; }
    if (response.status === 401) {
      var locked = (await codeOf(response)) === "session_locked";
      return { locked: locked, ended: !locked, left: 0 };
    }
    if (!response.ok) return null;
    var body = await response.json();
    return { locked: false, ended: false, left: body.idle_seconds_left };
  }

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(1, seconds) * 1000 + 500);
  }

  async function check() {
    if (!watching() || (sheet && sheet.open)) return;
    var now = await state();
    if (!now) { schedule(30); return; }  // no connection: ask again later
    if (now.locked) open();
    else if (!now.ended) schedule(now.left);
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (text) el.textContent = text;
    return el;
  }

  function finish(result) {
    sheet.close();
    document.documentElement.removeAttribute("data-locked");
    var done = waiting;
    waiting = [];
    done.forEach(function (resolve) { resolve(result); });
    if (result) {
      document.dispatchEvent(new CustomEvent("fieldapp:unlocked"));
      check();
    }
  }

  async function unlockWith(body, error, submit) {
    error.hidden = true;
    submit.disabled = true;
    try {
      var response = await fetch("/api/v1/me/unlock", {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      });
      if (response.status === 204) { finish(true); return; }
      if (response.status === 401) { finish(false); return; }  // the session ended meanwhile: sign in instead
      var problem = (await response.json()).error || {};
      var fields = problem.fields || {};
      var first = Object.keys(fields)[0];
      error.textContent = first ? [].concat(fields[first])[0] : (problem.message || t("The session is still locked."));
      error.hidden = false;
    } catch (problem) {
      error.textContent = t("No connection. What you entered stays on this device; try again when you have a signal.");
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  }

  function build() {
    var user = document.querySelector('meta[name="fieldapp-user"]');
    var minutes = Number(document.body.getAttribute("data-idle-minutes") || 30);
    var idle = minutes >= 1 ? tn("{n} minute", "{n} minutes", Math.round(minutes))
      : tn("{n} second", "{n} seconds", Math.round(minutes * 60));
    var dialog = element("dialog", { id: "unlock-sheet", class: "sheet lock-sheet", "aria-labelledby": "unlock-title" });
    var form = element("form", { method: "dialog", novalidate: "" });
    form.appendChild(element("h2", { id: "unlock-title" }, t("Locked")));
    form.appendChild(element("p", { class: "help" },
      t("fieldapp was not used here for {idle}, so it is locked. What is on the page and waiting to send stays on this device. Enter your password to go on.",
        { idle: idle })));
    var error = element("p", { class: "field-error", id: "unlock-error", role: "alert", hidden: "" });
    form.appendChild(error);
    form.appendChild(element("label", { for: "unlock-username" }, t("Username")));
    form.appendChild(element("input", { id: "unlock-username", name: "username", autocomplete: "username",
                                        readonly: "", value: user ? user.content : "" }));
    form.appendChild(element("label", { for: "unlock-password" }, t("Password")));
    form.appendChild(element("input", { id: "unlock-password", name: "password", type: "password",
                                        autocomplete: "current-password", "aria-describedby": "unlock-error" }));
    var actions = element("div", { class: "actions" });
    var submit = element("button", { type: "submit", class: "primary" }, t("Unlock"));
    actions.appendChild(submit);
    var offered = (document.body.getAttribute("data-unlock-methods") || "password").split(" ");
    Object.keys(methods).filter(function (name) { return offered.indexOf(name) >= 0; }).forEach(function (name) {
      var method = methods[name];
      var button = element("button", { type: "button", "data-unlock-method": name }, method.label);
      button.addEventListener("click", async function () {
        var fields;
        try { fields = await method.fields(); } catch (problem) { return; }  // cancelled
        unlockWith(Object.assign({ method: name }, fields), error, button);
      });
      actions.appendChild(button);
    });
    var signOut = element("button", { type: "button" }, t("Sign out"));
    signOut.addEventListener("click", function () {
      var logout = document.querySelector("form.logout");
      if (logout) logout.submit(); else location.assign("/login");
    });
    actions.appendChild(signOut);
    form.appendChild(actions);
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); });  // Esc does not unlock
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var password = form.elements.password.value;
      form.elements.password.value = "";
      if (!password) { error.textContent = t("Enter your password."); error.hidden = false; return; }
      unlockWith({ method: "password", password: password }, error, submit);
    });
    return dialog;
  }

  /* Cover the page until unlocked; resolves to true once unlocked, false if the session had ended. */
  function open() {
    return new Promise(function (resolve) {
      waiting.push(resolve);
      sheet = sheet || build();
      if (sheet.open) return;
      clearTimeout(timer);
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      document.documentElement.setAttribute("data-locked", "");
      sheet.querySelector("#unlock-error").hidden = true;
      sheet.showModal();
      sheet.querySelector("#unlock-password").focus();
    });
  }

  function register(name, method) { methods[name] = method; }

  window.FieldappLock = { state: state, open: open, check: check, register: register };

  document.addEventListener("DOMContentLoaded", function () {
    if (!watching()) return;
    schedule(Number(document.body.getAttribute("data-idle-minutes") || 30) * 60);
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && watching()) check();  // back from the pocket: lock at once if it is time
  });
})();
