// Dropyard's page behaviour, in one static file so the Content-Security-Policy can forbid inline
// script. Pages ask for behaviour with data- attributes; everything works without this file too
// (forms submit, links open), it only makes pages nicer.
(function () {
  "use strict";

  // Sidebar: shrink to icons on wide screens; remembered in a cookie so the server draws the
  // page already shrunk (no flash of the wide menu).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-sidebar-toggle]");
    if (!toggle) return;
    var collapsed = document.body.classList.toggle("sidebar-collapsed");
    document.cookie = "dy_sidebar=" + (collapsed ? "collapsed" : "open") + "; path=/; max-age=31536000; SameSite=Lax";
  });

  // <form data-confirm="Question?">: ask before submitting; a submit button's own
  // data-confirm wins (one form, several actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    // <input type=checkbox data-select-all="parcel">: tick every box of that name in the table.
    var all = event.target.closest("[data-select-all]");
    if (all) {
      var scope = all.closest("table") || document;
      scope.querySelectorAll('input[name="' + all.dataset.selectAll + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    }
  });

  document.addEventListener("click", function (event) {
    // <button data-print>: the browser's print dialog.
    if (event.target.closest("[data-print]")) window.print();
    // <button data-copy="#input-id" data-copied="Copied">: copy that input's value, then say
    // so in the button (data-copied: the page's translated word).
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var input = document.querySelector(copy.dataset.copy);
      if (!input) return;
      input.select();
      var done = function () { copy.textContent = copy.dataset.copied || "Copied"; };
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done);
      else { document.execCommand("copy"); done(); }
    }
  });

  // htmx form with data-reset-on-success: cleared after a 200 answer; data-remove-on-success
  // names an element (an empty-state note) to drop at the same time.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-reset-on-success]")) return;
    if (event.detail.xhr && event.detail.xhr.status === 200) {
      form.reset();
      var gone = form.dataset.removeOnSuccess && document.querySelector(form.dataset.removeOnSuccess);
      if (gone) gone.remove();
    }
  });

  // Sign-up: the business name is asked of merchants only.
  function syncAccountType() {
    var group = document.getElementById("business-name-group");
    if (!group) return;
    var checked = document.querySelector("[data-account-type]:checked");
    group.hidden = !!checked && checked.value === "supplier";
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-account-type]")) syncAccountType();
  });

  // Searchable selects (Tom Select) for <select data-searchable>: countries, SKUs, merchants,
  // and multiple selects as removable tags instead of Ctrl-click lists.
  // Tom Select points the select's <label for> at its own control, which leaves the original
  // <select> (still in the form, hidden visually) without a name: copy the label's words onto it
  // first; Tom Select passes them on to its inputs (and its control is labelled by the label).
  function labelText(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) return "";
    var copy = label.cloneNode(true);
    copy.querySelectorAll(".form-required").forEach(function (mark) { mark.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function enhanceSelects(root) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.tomselect) return;
      var name = labelText(select);
      if (name && !select.hasAttribute("aria-label") && !select.hasAttribute("aria-labelledby")) {
        select.setAttribute("aria-label", name);
      }
      var multiple = select.multiple;
      var settings = {
        maxOptions: null,
        allowEmptyOption: !multiple,
        plugins: multiple ? ["remove_button"] : [],
        render: {
          no_results: function () { return '<div class="no-results">No match</div>'; },
        },
      };
      if (!multiple) settings.controlInput = null;
      if (!multiple) settings.plugins = ["dropdown_input"];
      var control = new window.TomSelect(select, settings);
      // The original select stays in the page (ts-hidden-accessible, for form validation) but
      // out of the tab order; hidden from screen readers too, or they meet the field twice.
      select.setAttribute("aria-hidden", "true");
      // The search box (inside the dropdown for single selects) is named like the select.
      var label = select.getAttribute("aria-label");
      if (label && !control.control_input.hasAttribute("aria-label")) {
        control.control_input.setAttribute("aria-label", label);
      }
    });
  }

  // A table box that scrolls sideways (.table-responsive on a phone) must be reachable by
  // keyboard to be scrolled: focusable while it overflows, and named after its table's caption
  // or the heading before it so a screen reader says what the focused region is.
  function regionName(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
    }
    return "";
  }

  function markScrollables(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.dyScrollable = "";
        var name = regionName(box);
        if (name) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
      } else if (!scrolls && "dyScrollable" in box.dataset) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.dyScrollable;
      }
    });
  }
  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollables(document); }, 150);
  });

  // <div data-scroll-end>: start scrolled to the bottom (message threads: the newest message).
  function scrollToEnd(root) {
    root.querySelectorAll("[data-scroll-end]").forEach(function (el) { el.scrollTop = el.scrollHeight; });
  }

  function init(root) {
    enhanceSelects(root);
    scrollToEnd(root);
    markScrollables(document); // swapped rows can make a table start or stop overflowing
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    syncAccountType();
  });
  // Content swapped in by htmx gets the same treatment.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
