// Service worker: sends the content scripts' requests to the merchant's Dropyard server.
//
// Fetches happen here, under the extension's origin, where the host permission for the server
// lifts CORS; a content script's fetch would be the shop page's and be refused.
import { ApiError, sourcingCreate } from "./lib/api.js";

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only our own content scripts talk to us (no externally_connectable), and only from a tab.
  if (sender.id !== chrome.runtime.id || !sender.tab || message?.type !== "dropyard:source") {
    return false;
  }
  sourcingCreate(message.product || {})
    .then((created) => sendResponse({ ok: true, ...created }))
    .catch((error) =>
      sendResponse({
        ok: false,
        message: error instanceof ApiError ? error.message : "Unexpected error: " + error,
      }),
    );
  return true; // the answer comes asynchronously
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === "install") chrome.runtime.openOptionsPage();
});
