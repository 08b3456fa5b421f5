// The generic list page (core/lists.py): "select all" rows and bulk buttons that open a GET
// page. Buttons with data-confirm ask first through app.js's submit handler (asking here too
// put the question twice). Delegated from the document so that rows swapped in by
// htmx work too; no inline script (CSP).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-list-select-all]");
    if (!all) return;
    all.closest("form").querySelectorAll("[data-list-select]").forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // A GET bulk button (a printable list) must not put the CSRF token or "next" into the
  // address: they are disabled for that one submit.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[formmethod=get]");
    if (!button || event.defaultPrevented) return;
    var hidden = button.form.querySelectorAll("input[name=csrfmiddlewaretoken], input[name=next]");
    hidden.forEach(function (input) { input.disabled = true; });
    window.setTimeout(function () {
      hidden.forEach(function (input) { input.disabled = false; });
    }, 0);
  });
})();
