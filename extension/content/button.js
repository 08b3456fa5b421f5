// The "Source with Dropyard" button on a product page.
//
// It lives in a shadow root so the shop's CSS cannot restyle or hide it (and ours cannot leak
// into the shop). The root is "open" only so automated tests can reach the button; the page
// gains nothing from it that it could not already read. The request itself is sent by the
// background service worker: a content script's fetch would run under the shop's origin and
// be stopped by CORS, while the extension's own origin has host permission for the server.
"use strict";

(function () {
  if (document.getElementById("dropyard-source-host")) return; // injected once per page

  var STYLE = [
    ":host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; }",
    ".box { font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f2937;",
    "  background: #fff; border: 1px solid #d1d5db; border-radius: 8px; padding: 8px;",
    "  box-shadow: 0 4px 16px rgba(0,0,0,.15); max-width: 280px; }",
    "button { font: inherit; font-weight: 600; color: #fff; background: #206bc4; border: 0;",
    "  border-radius: 6px; padding: 8px 14px; cursor: pointer; width: 100%; }",
    "button:disabled { opacity: .7; cursor: progress; }",
    "button:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }",
    ".status { margin: 6px 2px 0; overflow-wrap: anywhere; }",
    ".status:empty { display: none; }",
    ".sent { color: #2f7d32; } .error { color: #b42318; }",
    "a { color: inherit; }",
  ].join("\n");

  // A custom element, not a div: the shop's element selectors (div, span…) cannot match it.
  var host = document.createElement("dropyard-source");
  host.id = "dropyard-source-host";
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = STYLE;
  var box = document.createElement("div");
  box.className = "box";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Source with Dropyard";
  button.setAttribute("data-testid", "dropyard-source");
  var status = document.createElement("p");
  status.className = "status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("data-testid", "dropyard-status");
  box.append(button, status);
  root.append(style, box);
  document.documentElement.append(host);

  function show(state, text, link) {
    status.className = "status " + state;
    status.setAttribute("role", state === "error" ? "alert" : "status");
    status.textContent = text;
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link;
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
      anchor.textContent = "Open";
      status.append(" ", anchor);
    }
  }

  button.addEventListener("click", function () {
    var product = DropyardExtract.extract(document, window.location);
    if (!product.title) {
      show("error", "No product title found on this page.");
      return;
    }
    button.disabled = true;
    button.textContent = "Sending…";
    show("", "");
    chrome.runtime
      .sendMessage({ type: "dropyard:source", product: product })
      .then(function (answer) {
        if (answer && answer.ok) {
          button.textContent = "Sent";
          // A duplicate creates nothing: the server answers with the request already made.
          show("sent", (answer.duplicate ? "Already requested: " : "Sent: ") + answer.code, answer.link);
        } else {
          button.disabled = false;
          button.textContent = "Source with Dropyard";
          show("error", (answer && answer.message) || "The extension did not answer.");
        }
      })
      .catch(function (error) {
        button.disabled = false;
        button.textContent = "Source with Dropyard";
        show("error", String((error && error.message) || error));
      });
  });
})();
