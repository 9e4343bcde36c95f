/* fieldapp: the sign-in sheet. When the session has ended (12 hours in all, revoked), the next
   save opens this sheet over the page instead of leaving the record waiting: the password, then the
   code step when the account needs one, through the same login pages as a full sign-in (/login and
   /login/code, so every rule of theirs holds: throttling, lockout, audit, a new session id). The page
   stays as it is, with what was typed; the caller sends the record once this resolves to true. */
(function () {
  "use strict";
  var sheet = null, pending = null;

  function csrfOf(html) {
    var match = /name="csrf_token" value="([^"]+)"/.exec(html);
    return match ? match[1] : "";
  }

  function errorOf(html, fallback) {
    var match = /<p[^>]*role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(html);
    if (!match) return fallback;
    return match[1].replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
  }

  function post(path, fields) {
    return fetch(path, { method: "POST", credentials: "same-origin", body: new URLSearchParams(fields),
                         headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.text().then(function (html) {
          return { path: new URL(response.url).pathname, status: response.status, html: html };
        });
      });
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (text) el.textContent = text;
    return el;
  }

  function build() {
    var user = document.querySelector('meta[name="fieldapp-user"]');
    var dialog = element("dialog", { id: "signin-sheet", class: "sheet", "aria-labelledby": "signin-title" });
    var form = element("form", { method: "dialog", novalidate: "" });
    form.appendChild(element("h2", { id: "signin-title" }, t("Sign in again")));
    form.appendChild(element("p", { class: "help" },
      t("Your session has ended. What you entered is kept on this page and is sent once you are signed in.")));
    var error = element("p", { class: "field-error", id: "signin-error", role: "alert", hidden: "" });
    form.appendChild(error);
    var first = element("div", { "data-step": "password" });
    first.appendChild(element("label", { for: "signin-username" }, t("Username")));
    first.appendChild(element("input", { id: "signin-username", name: "username", autocomplete: "username",
                                         readonly: "", value: user ? user.content : "" }));
    first.appendChild(element("label", { for: "signin-password" }, t("Password")));
    first.appendChild(element("input", { id: "signin-password", name: "password", type: "password",
                                         autocomplete: "current-password", "aria-describedby": "signin-error" }));
    var second = element("div", { "data-step": "code", hidden: "" });
    second.appendChild(element("label", { for: "signin-code" }, t("Code from your authenticator app (or a recovery code)")));
    second.appendChild(element("input", { id: "signin-code", name: "code", autocomplete: "one-time-code",
                                          inputmode: "numeric", "aria-describedby": "signin-error" }));
    form.appendChild(first);
    form.appendChild(second);
    var actions = element("div", { class: "actions" });
    var submit = element("button", { type: "submit", class: "primary", value: "go" }, t("Sign in"));
    var later = element("button", { type: "button", value: "later" }, t("Not now"));
    actions.appendChild(submit);
    actions.appendChild(later);
    form.appendChild(actions);
    dialog.appendChild(form);
    document.body.appendChild(dialog);

    var step = "password", codeToken = "";
    function fail(text) { error.textContent = text; error.hidden = false; }
    function finish(result) {
      dialog.close();
      var done = pending;
      pending = null;
      if (done) done(result);
    }
    later.addEventListener("click", function () { finish(false); });
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); finish(false); });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      error.hidden = true;
      submit.disabled = true;
      try {
        if (step === "password") {
          var password = form.elements.password.value;
          if (!password) { fail(t("Enter your password.")); return; }
          var page = await fetch("/login", { credentials: "same-origin", headers: { Accept: "text/html" } });
          var answer = await post("/login", { username: form.elements.username.value, password: password,
                                              csrf_token: csrfOf(await page.text()) });
          if (answer.path === "/login/code") {
            step = "code";
            codeToken = csrfOf(answer.html);
            first.hidden = true;
            second.hidden = false;
            submit.textContent = t("Confirm");
            form.elements.code.focus();
          } else if (answer.path === "/login" || answer.status >= 400) {
            fail(errorOf(answer.html, t("The username or password is wrong.")));
            form.elements.password.value = "";
            form.elements.password.focus();
          } else {
            finish(true);
          }
        } else {
          var code = form.elements.code.value.trim();
          if (!code) { fail(t("Enter the code.")); return; }
          var result = await post("/login/code", { code: code, csrf_token: codeToken });
          if (result.path === "/login/code") {
            codeToken = csrfOf(result.html) || codeToken;
            fail(errorOf(result.html, t("The code is wrong.")));
            form.elements.code.value = "";
          } else if (result.path === "/login") {  // the code step expired: the password again
            step = "password";
            first.hidden = false;
            second.hidden = true;
            submit.textContent = t("Sign in");
            fail(t("The code step has expired. Enter your password again."));
          } else {
            finish(true);
          }
        }
      } catch (problem) {
        fail(t("No connection. What you entered stays on this device; try again when you have a signal."));
      } finally {
        submit.disabled = false;
      }
    });
    dialog.reset = function () {
      step = "password";
      first.hidden = false;
      second.hidden = true;
      submit.textContent = t("Sign in");
      error.hidden = true;
      form.elements.password.value = "";
      form.elements.code.value = "";
    };
    return dialog;
  }

  /* Resolves to true once signed in again (or unlocked: a session locked after inactivity opens the
     unlock sheet of lock.js instead), false if the user chose "Not now". */
  function open() {
    if (!window.FieldappLock) return openSheet();
    return window.FieldappLock.state().then(function (now) {
      if (now && now.locked) return window.FieldappLock.open().then(function (ok) { return ok || openSheet(); });
      return openSheet();
    });
  }

  function openSheet() {
    if (pending) return new Promise(function (resolve) {
      var before = pending;
      pending = function (result) { before(result); resolve(result); };
    });
    sheet = sheet || build();
    sheet.reset();
    return new Promise(function (resolve) {
      pending = resolve;
      sheet.showModal();
      sheet.querySelector("#signin-password").focus();
    });
  }

  window.FieldappSignIn = { open: open };
})();
