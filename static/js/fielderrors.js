/* fieldapp: a refusal shown where the eye is. The API's one error shape ({message, fields}) is put
   next to each field it names, with a summary at the top of the form linking to the fields; the
   summary is scrolled into view and has the focus; aria-describedby ties each message to its input.
   A summary link opens what hides its field (a "fieldapp:reveal" event on the field, which a stepped
   form answers by showing the field's step; closed <details> around it are opened), then scrolls to
   the field and focuses it. The server's own summaries (.error-summary on a page) get the same links.

   Matching (the convention in static/js/outbox-settle.js): an input's `name` is the payload key. A nested
   key ("person.given_name") also matches its last part ("given_name"), then its first ("person").
   The slot is `<p class="field-error" id="error-<name>">` (made after the input when missing). */
(function () {
  "use strict";

  function flatten(fields, prefix, out) {
    Object.keys(fields || {}).forEach(function (key) {
      var value = fields[key], name = prefix ? prefix + "." + key : key;
      if (value && typeof value === "object" && !Array.isArray(value)) flatten(value, name, out);
      else out.push([name, [].concat(value).filter(function (v) { return typeof v === "string"; }).join(" ")]);
    });
    return out;
  }

  function controlFor(form, name) {
    var parts = name.split(".");
    var candidates = [name, parts[parts.length - 1], parts[0]];
    for (var i = 0; i < candidates.length; i++) {
      var found = form.querySelectorAll('[name="' + CSS.escape(candidates[i]) + '"]');
      var visible = Array.prototype.filter.call(found, function (el) { return el.type !== "hidden"; });
      if (visible.length) return { name: candidates[i], controls: visible };
    }
    return null;
  }

  function labelText(control) {
    var fieldset = control.closest("fieldset");
    if ((control.type === "radio" || control.type === "checkbox") && fieldset && fieldset.querySelector("legend")) {
      return fieldset.querySelector("legend").textContent.trim();
    }
    var label = control.labels && control.labels[0];
    return label ? label.textContent.trim() : control.name;
  }

  function slotFor(form, name, controls) {
    var id = "error-" + name;
    var slot = document.getElementById(id);
    if (!slot) {
      slot = document.createElement("p");
      slot.className = "field-error";
      slot.id = id;
      slot.setAttribute("data-made", "");
      var last = controls[controls.length - 1];
      var group = (last.type === "radio" || last.type === "checkbox") && last.closest("fieldset");
      var anchor = group || last.closest("label") || last;  // after the group, the wrapping label, or the input
      anchor.insertAdjacentElement("afterend", slot);
    }
    return slot;
  }

  function describe(control, id, on) {
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
      .filter(function (x) { return x !== id; });
    if (on) ids.push(id);
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
    if (on) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }

  function clear(form) {
    var summary = form.querySelector(".error-summary[data-made]");
    if (summary) summary.remove();
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (control) {
      (control.getAttribute("aria-describedby") || "").split(/\s+/).forEach(function (id) {
        if (id.indexOf("error-") === 0) describe(control, id, false);
      });
    });
    form.querySelectorAll(".field-error[id^='error-']").forEach(function (slot) {
      if (slot.hasAttribute("data-made")) slot.remove();
      else { slot.textContent = ""; slot.hidden = true; }
    });
  }

  function show(form, error) {
    clear(form);
    var items = [], first = null, general = [];
    flatten(error && error.fields, "", []).forEach(function (pair) {
      var match = pair[0] && pair[0] !== "_schema" ? controlFor(form, pair[0]) : null;
      if (!match) { if (pair[1]) general.push(pair[1]); return; }
      var slot = slotFor(form, match.name, match.controls);
      slot.textContent = slot.hidden || !slot.textContent ? pair[1] : slot.textContent + " " + pair[1];
      slot.hidden = false;
      match.controls.forEach(function (control) { describe(control, slot.id, true); });
      var control = match.controls[0];
      if (!control.id) control.id = "field-" + match.name;
      first = first || control;
      var label = labelText(control);
      items.push({ control: control, text: label + (/[?:.]$/.test(label) ? " " : ": ") + pair[1] });
    });
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("data-made", "");
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.id = "error-summary";
    var heading = document.createElement("p");
    heading.className = "error-summary-title";
    heading.textContent = (error && error.message) || t("This was not saved.");
    summary.appendChild(heading);
    general.filter(function (text) { return text !== heading.textContent; }).forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      summary.appendChild(p);
    });
    if (items.length) {
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li"), link = document.createElement("a");
        link.href = "#" + item.control.id;
        link.textContent = item.text;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          reveal(item.control);
        });
        li.appendChild(link);
        list.appendChild(li);
      });
      summary.appendChild(list);
    }
    form.insertBefore(summary, form.firstChild);
    inView(summary);
  }

  /* The summary at the top of the screen, with the focus (its role=alert reads it out too). */
  function inView(summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }

  /* Open what hides a field (its step, closed <details>), scroll to it and focus it. */
  function reveal(control) {
    control.dispatchEvent(new CustomEvent("fieldapp:reveal", { bubbles: true }));
    for (var box = control.closest("details"); box; box = box.parentElement && box.parentElement.closest("details")) {
      box.open = true;
    }
    var target = control.matches("fieldset") ? control.querySelector("input, select, textarea") || control : control;
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  /* A summary the server rendered: its links reveal their fields the same way. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link || link.closest("[data-made]")) return;
    var control = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!control) return;
    event.preventDefault();
    reveal(control);
  });

  window.FieldappFieldErrors = { show: show, clear: clear, inView: inView, reveal: reveal };
})();
