// Options page: server URL and API key, saved locally; "Test connection" gets a token.
import { ApiError, connectionTest, originPattern, serverBase, settingsGet, settingsSave } from "./lib/api.js";

const form = document.getElementById("options");
const serverInput = document.getElementById("server-url");
const keyInput = document.getElementById("api-key");
const message = document.getElementById("message");

function say(text, state = "") {
  message.textContent = text;
  message.className = `message ${state}`;
}

function readForm() {
  return { serverUrl: serverBase(serverInput.value), apiKey: keyInput.value.trim() };
}

// Permission to reach the server is asked on Save (a user gesture, which the browser requires
// before it shows the prompt). chrome.permissions.request must be the first await in the click.
async function save() {
  const settings = readForm();
  if (!settings.serverUrl) return say("Enter the server's address, starting with https://.", "error");
  if (!settings.apiKey) return say("Paste an API key.", "error");
  const granted = await chrome.permissions.request({ origins: [originPattern(settings.serverUrl)] });
  if (!granted) return say("The browser did not allow the extension to reach this server.", "error");
  await settingsSave(settings);
  serverInput.value = settings.serverUrl;
  say("Saved.", "ok");
  return true;
}

async function test() {
  say("Testing…");
  try {
    await connectionTest();
    say("Connection OK.", "ok");
  } catch (error) {
    say(error instanceof ApiError ? error.message : String(error), "error");
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  save().catch((error) => say(String(error.message || error), "error"));
});

document.getElementById("test").addEventListener("click", async () => {
  const saved = await settingsGet();
  const current = readForm();
  if (current.serverUrl !== saved.serverUrl || current.apiKey !== saved.apiKey) {
    return say("Save the settings first.", "error");
  }
  return test();
});

settingsGet().then(({ serverUrl, apiKey }) => {
  serverInput.value = serverUrl;
  keyInput.value = apiKey;
});
