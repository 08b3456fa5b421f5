// The one-time API key page: warn before the page is left while the key has not been
// confirmed as saved (the key cannot be shown again; app.js's data-copy copies it). A static
// file, not an inline script, so the page works under a Content-Security-Policy.
(function () {
  "use strict";
  var card = document.querySelector("[data-leave-warning]");
  if (!card) { return; }
  var saved = false;

  // "I have saved the key" leaves the page on purpose: no warning for that link.
  var confirm = document.querySelector("[data-key-saved]");
  if (confirm) {
    confirm.addEventListener("click", function () { saved = true; });
  }

  window.addEventListener("beforeunload", function (event) {
    if (saved) { return; }
    event.preventDefault();
    // Browsers show their own wording; older ones need returnValue set.
    event.returnValue = card.getAttribute("data-leave-warning");
    return event.returnValue;
  });
})();
