/* fieldapp encounter form: one step at a time on a phone. Without this file the form is one page
   with every section, and works the same (the server checks that the answers fit together).

   - <form data-steps> holds <section data-step>: only the current one shows; [data-next] and
     [data-back] move between them. A choice that needs nothing more (resolved, arrested, a type of
     hospitalization, an age when the name is not known) moves on by itself.
   - A form the server sent back with errors shows every step, with the focus on the error summary
     (static/js/fielderrors.js: its links focus the fields). A refusal shown in place (the outbox)
     keeps the steps: a summary link opens the step holding its field ("fieldapp:reveal").
   - <input data-filter="#list"> filters the labels of that list as the user types. */
(function () {
  "use strict";

  var ADVANCE = {
    outcome: function (input) { return input.value === "resolved" || input.value === "arrested"; },
    hospitalization_type: function () { return true; },
    age_band: function (input) {
      var mode = input.form.querySelector("input[name=person_mode]:checked");
      return !mode || mode.value === "unidentified";
    },
  };

  function steps(form) { return Array.prototype.slice.call(form.querySelectorAll("[data-step]")); }

  function current(form) {
    var all = steps(form);
    for (var i = 0; i < all.length; i++) if (!all[i].hidden) return i;
    return 0;
  }

  function summary(form) {
    var parts = [];
    var outcome = form.querySelector("input[name=outcome]:checked");
    if (outcome) parts.push(outcome.closest("label").textContent.trim());
    var service = form.querySelector("input[name=referral_service_id]:checked:not([disabled])");
    if (service && service.value) parts.push(t("to {service}", { service: service.closest("label").querySelector("span").firstChild.textContent.trim() }));
    var age = form.querySelector("input[name=age_band]:checked:not([disabled])");
    var given = form.querySelector("input[name=given_name]:not([disabled])");
    if (given && given.value.trim()) parts.push(given.value.trim());
    else if (age) parts.push(t("age: {age}", { age: age.closest("label").textContent.trim() }));
    return parts.join(" · ");
  }

  function show(form, index, focus) {
    var all = steps(form);
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (step, i) { step.hidden = i !== index; });
    var text = summary(form);
    form.querySelectorAll("[data-summary]").forEach(function (el) { el.textContent = text; el.hidden = !text; });
    if (focus) {
      var heading = all[index].querySelector("h2");
      window.scrollTo(0, form.getBoundingClientRect().top + window.scrollY - 8);
      if (heading) heading.focus({ preventScroll: true });
    }
  }

  function setUp(form) {
    form.classList.add("stepped");
    form.querySelectorAll(".step-nav").forEach(function (nav) { nav.hidden = false; });
    if (form.hasAttribute("data-errors")) {  // every step, and the first refused field
      form.classList.remove("stepped");
      form.querySelectorAll(".step-nav").forEach(function (nav) { nav.hidden = true; });
      var summary = document.getElementById("error-summary");
      if (summary && window.FieldappFieldErrors) window.FieldappFieldErrors.inView(summary);
      return;
    }
    show(form, 0, false);
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-next], [data-back]");
      if (!button) return;
      show(form, current(form) + (button.hasAttribute("data-next") ? 1 : -1), true);
    });
    form.addEventListener("change", function (event) {
      var input = event.target;
      var rule = ADVANCE[input.name];
      // only the user's own tap moves on (not a record put back into the form: outbox-list.js restore)
      if (event.isTrusted && input.type === "radio" && input.checked && rule && rule(input) && form.classList.contains("stepped")) {
        setTimeout(function () { show(form, current(form) + 1, true); }, 150);  // the tap shows first
      }
      if (event.isTrusted && input.name === "outcome" && input.value === "referred" && form.classList.contains("stepped")) {
        setTimeout(function () {  // the service picker, shown under the outcomes, to the top of the screen
          var picker = form.querySelector(".referral");
          if (picker && !picker.hidden) picker.scrollIntoView({ block: "start" });
        }, 0);
      }
      if (input.name === "age_band") {  // an age alone means the name is not known
        var named = form.querySelector("input[name=person_mode]:checked");
        if (!named || named.value === "known") {
          var unidentified = form.querySelector("input[name=person_mode][value=unidentified]");
          if (unidentified) { unidentified.checked = true; unidentified.dispatchEvent(new Event("change", { bubbles: true })); }
        }
      }
    });
    // A summary link, or the browser's own check, may point into a hidden step: show that step.
    function reveal(event) {
      var step = event.target.closest("[data-step]");
      if (step && step.hidden) show(form, steps(form).indexOf(step), false);
    }
    form.addEventListener("invalid", reveal, true);
    form.addEventListener("fieldapp:reveal", reveal);
  }

  function filterList(input) {
    var list = document.querySelector(input.getAttribute("data-filter"));
    if (!list) return;
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.querySelectorAll("label").forEach(function (label) {
      if (label.hasAttribute("data-filter-keep")) return;
      var text = (label.getAttribute("data-filter-text") || label.textContent).toLowerCase();
      label.hidden = !words.every(function (word) { return text.indexOf(word) >= 0; });
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("input[data-filter]")) filterList(event.target);
  });
  // Enter in the filter box filters; it does not send the form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("input[data-filter]")) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-steps]").forEach(setUp);
  });
})();
