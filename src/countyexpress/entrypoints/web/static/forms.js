// Form behaviour without inline handlers (the Content-Security-Policy runs scripts from
// /static only): data-autosubmit sends a form when a field changes ("clear-run" also forgets
// the chosen plan and vehicle, for a new day); data-reset-after="FIELD" clears an htmx form
// after each answer and puts the cursor in FIELD; data-reset-on-success clears it after a
// successful answer only.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLElement) || !field.hasAttribute("data-autosubmit")) return;
    var form = field.form;
    if (!form) return;
    if (field.getAttribute("data-autosubmit") === "clear-run") {
      ["plan", "vehicle"].forEach(function (name) {
        var other = form.elements.namedItem(name);
        if (other instanceof HTMLSelectElement) other.selectedIndex = -1;
      });
    }
    form.submit();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.hasAttribute("data-reset-after")) {
      form.reset();
      var next = form.elements.namedItem(form.getAttribute("data-reset-after") || "");
      if (next instanceof HTMLElement) next.focus();
    } else if (form.hasAttribute("data-reset-on-success") && event.detail.successful) {
      form.reset();
    }
  });
})();
