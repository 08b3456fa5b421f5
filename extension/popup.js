// Popup: the requests sent from this browser (ids remembered when created), newest first, with
// their current status from product/sourcing/queryList and a link to each on the server.
import { ApiError, recentList, requestLink, sourcingStatuses } from "./lib/api.js";

const list = document.getElementById("requests");
const message = document.getElementById("message");

function say(text, state = "") {
  message.textContent = text;
  message.className = `message ${state}`;
}

async function row(entry, status) {
  const item = document.createElement("li");
  item.dataset.id = entry.id;
  item.setAttribute("data-testid", "popup-request");
  if (entry.image) {
    const picture = document.createElement("img");
    picture.src = entry.image;
    picture.alt = "";
    picture.referrerPolicy = "no-referrer";
    item.append(picture);
  }
  const text = document.createElement("div");
  const link = document.createElement("a");
  link.href = await requestLink(entry.id);
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = (status && status.productName) || entry.title;
  const meta = document.createElement("div");
  meta.className = "muted small";
  const code = document.createElement("span");
  code.textContent = (status && status.sourceNumber) || `SR${entry.id}`;
  const state = document.createElement("span");
  state.className = "status";
  state.setAttribute("data-testid", "popup-status");
  state.textContent = status ? status.sourceStatusLabel || status.sourceStatusStr : "Not found";
  meta.append(code, " · ", state);
  if (status && status.failReason) meta.append(` · ${status.failReason}`);
  text.append(link, meta);
  item.append(text);
  return item;
}

async function render() {
  const recent = await recentList();
  if (!recent.length) {
    say("No requests yet. Open a product page on 1688, Taobao, AliExpress or Amazon and click “Source with Dropyard”.");
    return;
  }
  let statuses = {};
  try {
    statuses = await sourcingStatuses(recent.map((entry) => entry.id));
  } catch (error) {
    say(error instanceof ApiError ? error.message : String(error), "error");
  }
  list.replaceChildren(...(await Promise.all(recent.map((entry) => row(entry, statuses[entry.id])))));
}

render();
