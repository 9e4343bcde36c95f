/* fieldapp outbox, the list page (/outbox) and restoring a set-aside record into its form
   (?restore=<seq>). After outbox-page.js, whose helpers it uses (FieldappOutbox.page). */
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var outbox = window.FieldappOutbox, ui = outbox.page;
  function run() { return outbox.run(); }
  function updateBadge() { return ui.updateBadge(); }
  function currentUser() { return ui.currentUser(); }
  function notice(text, kind, form) { return ui.notice(text, kind, form); }
  function actionOf(form) { return ui.actionOf(form); }
  function button(text, handler) { return ui.button(text, handler); }

  /* The list page (/outbox). */
  async function renderList() {
    var list = document.querySelector("[data-outbox-list]");
    if (!list) return;
    var entries = (await outbox.store.all()).filter(function (e) { return !e.user || e.user === currentUser(); });
    list.innerHTML = "";
    var state = document.getElementById("outbox-state");
    if (state) state.textContent = navigator.onLine ? t("Online.") : t("Offline: records will be sent when the connection returns.");
    if (!entries.length) {
      var empty = document.createElement("li");
      empty.className = "card empty";
      empty.textContent = t("Nothing is waiting. Everything saved on this device has reached the server.");
      list.appendChild(empty);
      return;
    }
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      if (entry.locked) {  // sealed, and this device has not got the key back yet (vault.js)
        item.className = "card";
        item.textContent = t("A record sealed on this device: it opens and is sent once this device is online with you signed in.");
        list.appendChild(item);
        return;
      }
      item.className = "card" + (entry.status === "refused" ? " refused" : "");
      var title = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = entry.label;
      title.appendChild(strong);
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = (entry.status === "refused" ? (entry.closed ? t("Not sent") : t("Set aside")) : t("Waiting")) +
        " · " + t("saved {time}", { time: FieldappI18n.dateTime(entry.created_at) });
      item.appendChild(title);
      item.appendChild(meta);
      if (entry.status === "refused") {
        var why = document.createElement("p");
        why.className = "field-error";
        why.textContent = entry.closed ? entry.message : t("The server said: {message}", { message: entry.message });
        item.appendChild(why);
        var actions = document.createElement("div");
        actions.className = "actions";
        if (!entry.closed) actions.appendChild(button(t("Fix and save again"), function () {
          location.assign(entry.page + (entry.page.indexOf("?") < 0 ? "?" : "&") + "restore=" + entry.seq);
        }));
        if (!entry.closed) actions.appendChild(button(t("Try again"), async function () {
          entry.status = "waiting"; delete entry.message; await outbox.store.put(entry); run();
        }));
        actions.appendChild(button(t("Discard"), async function () {
          if (window.confirm(t("Discard this record? It was never saved on the server."))) {
            await outbox.store.remove(entry.seq); updateBadge(); renderList();
          }
        }));
        item.appendChild(actions);
      }
      list.appendChild(item);
    });
  }

  /* ?restore=<seq>: put a set-aside record back into its form so the user can fix it. */
  async function restore() {
    var seq = Number(new URLSearchParams(location.search).get("restore"));
    if (!seq) return;
    var entry = await outbox.store.get(seq);
    if (!entry) return;
    var path = new URL(entry.url, location.href).pathname;
    var form = Array.prototype.filter.call(document.forms, function (f) {
      return new URL(actionOf(f)).pathname === path;
    })[0];
    if (!form) { notice(t("The form for this record is not on this page."), "error"); return; }
    var values = {};
    entry.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.name === "csrf_token" || el.name === "id") return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = values[el.name].indexOf(el.value) >= 0;
      else if (el.type !== "submit") el.value = values[el.name][0];
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    form.setAttribute("data-replaces", String(seq));
    if (window.FieldappFieldErrors && !form.closest("[hidden]")) {  // at its fields, the summary in view and focused
      var error = entry.error || { message: entry.message, fields: {} };
      window.FieldappFieldErrors.show(form, { message: t("The server refused this record: {message} Correct it below and save again.",
        { message: error.message || entry.message }), fields: error.fields || {} });
      return;
    }
    notice(t("The server refused this record: {message} Correct it below and save again.", { message: entry.message }), "error");
    form.scrollIntoView();
  }

  ui.renderList = renderList;
  ui.restore = restore;
})();
