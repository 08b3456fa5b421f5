// The Dropyard developer API (CJ API 2.0 contract) as the extension uses it.
//
// Settings and the token pair live in chrome.storage.local (never sync: the API key must not
// leave this browser profile) and are never logged. getAccessToken may be called once every
// 5 minutes per key, so the pair is cached with its expiry and renewed with the refresh token;
// a new pair is asked for only when the refresh token is gone, expired or refused.

const API_PREFIX = "/api2.0/v1/";
const RECENT_LIMIT = 20;
const EXPIRY_MARGIN_MS = 60 * 1000; // renew a minute early: clocks drift, requests take time
// Contract codes meaning "this access token is unknown, expired or revoked" / "no token".
const TOKEN_REFUSED = new Set([1600001, 1600002]);

export class ApiError extends Error {
  constructor(message, code = 0) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/** The server's origin + path without a trailing slash, or "" when ``value`` is no http(s) URL. */
export function serverBase(value) {
  let url;
  try {
    url = new URL(String(value || "").trim());
  } catch {
    return "";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "";
  return (url.origin + url.pathname).replace(/\/+$/, "");
}

/** The host-permission pattern for the server (its origin, any path). */
export function originPattern(base) {
  return `${new URL(base).origin}/*`;
}

export async function settingsGet() {
  const { serverUrl = "", apiKey = "" } = await chrome.storage.local.get(["serverUrl", "apiKey"]);
  return { serverUrl, apiKey };
}

/** Save the settings; a changed server or key forgets the cached token pair. */
export async function settingsSave({ serverUrl, apiKey }) {
  const old = await settingsGet();
  const changed = old.serverUrl !== serverUrl || old.apiKey !== apiKey;
  await chrome.storage.local.set({ serverUrl, apiKey });
  if (changed) await chrome.storage.local.remove(["token", "recent"]);
}

function requireSettings(settings) {
  if (!serverBase(settings.serverUrl) || !settings.apiKey) {
    throw new ApiError("Set your Dropyard server and API key in the extension's options first.");
  }
  return serverBase(settings.serverUrl);
}

async function call(base, path, { method = "GET", body, token, headers = {} } = {}) {
  const init = {
    method,
    headers: { Accept: "application/json", ...headers },
    credentials: "omit", // the API authenticates by token; never send the site's cookies
    cache: "no-store",
  };
  if (token) init.headers["CJ-Access-Token"] = token;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(base + API_PREFIX + path, init);
  } catch {
    throw new ApiError(`Cannot reach ${base}. Check the server address and your connection.`);
  }
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    // not JSON: a proxy's error page, or not a Dropyard server at all
  }
  if (!envelope || typeof envelope !== "object") {
    throw new ApiError(`The server answered HTTP ${response.status}, not a Dropyard API reply.`);
  }
  if (envelope.result === false || envelope.success === false || !response.ok) {
    throw new ApiError(envelope.message || `HTTP ${response.status}`, envelope.code || 0);
  }
  return envelope.data;
}

function alive(dateText) {
  const time = Date.parse(dateText || "");
  return Number.isFinite(time) && time - EXPIRY_MARGIN_MS > Date.now();
}

async function tokenStore(base, data) {
  const token = {
    base,
    accessToken: data.accessToken,
    accessTokenExpiryDate: data.accessTokenExpiryDate,
    refreshToken: data.refreshToken,
    refreshTokenExpiryDate: data.refreshTokenExpiryDate,
  };
  await chrome.storage.local.set({ token });
  return token.accessToken;
}

/** A live access token for the configured server: cached, refreshed, or newly issued. */
export async function accessToken({ renew = false } = {}) {
  const settings = await settingsGet();
  const base = requireSettings(settings);
  const { token } = await chrome.storage.local.get("token");
  const cached = token && token.base === base ? token : null;
  if (cached && !renew && alive(cached.accessTokenExpiryDate)) return cached.accessToken;
  if (cached && alive(cached.refreshTokenExpiryDate)) {
    try {
      const data = await call(base, "authentication/refreshAccessToken", {
        method: "POST",
        body: { refreshToken: cached.refreshToken },
      });
      return tokenStore(base, { ...cached, ...data });
    } catch (error) {
      if (!(error instanceof ApiError) || !error.code) throw error; // unreachable: say so
    }
  }
  await chrome.storage.local.remove("token");
  const data = await call(base, "authentication/getAccessToken", {
    method: "POST",
    body: { apiKey: settings.apiKey },
  });
  return tokenStore(base, data);
}

/** An authenticated call; a refused token is renewed once and the call repeated. */
async function authed(path, options = {}) {
  const base = requireSettings(await settingsGet());
  try {
    return await call(base, path, { ...options, token: await accessToken() });
  } catch (error) {
    if (!(error instanceof ApiError) || !TOKEN_REFUSED.has(error.code)) throw error;
    return call(base, path, { ...options, token: await accessToken({ renew: true }) });
  }
}

/** Options page check: a token, then one authenticated read that proves it works. */
export async function connectionTest() {
  await authed("setting/get");
  return true;
}

/** The currencies the server takes a target price in (docs/api-sourcing.md). */
const TARGET_CURRENCIES = ["USD", "CNY", "EUR", "GBP", "CAD", "AUD", "HKD"];

/** The note sent with a request: where it came from and the price as the page showed it. */
export function sourcingRemark(product) {
  const shown = [product.price, product.currency].filter(Boolean).join(" ");
  return shown
    ? `Sent from the browser extension. Price on the page: ${shown}.`
    : "Sent from the browser extension.";
}

/** Send ``product`` (from content/extract.js) as a sourcing request; remember its id.
 *
 * The page's price goes as the target price in the page's own currency (``currency``: 1688 and
 * Taobao show yuan), never converted at a rate the extension would have to invent; a currency
 * the server does not take stays in the remark only, as the page showed it.
 */
export async function sourcingCreate(product) {
  const body = {
    productName: product.title,
    productUrl: product.url,
    remark: sourcingRemark(product),
  };
  if (product.image) body.productImage = product.image;
  if (product.price && TARGET_CURRENCIES.includes(product.currency)) {
    body.price = product.price;
    body.currency = product.currency;
  }
  const data = await authed("product/sourcing/create", {
    method: "POST",
    body,
    headers: { "X-Dropyard-Client": "extension" },
  });
  const id = String(data.cjSourcingId);
  await recentAdd({
    id,
    title: product.title,
    image: product.image || "",
    url: product.url,
    createdAt: new Date().toISOString(),
  });
  return {
    id,
    code: data.sourceNumber || `SR${id}`,
    duplicate: Boolean(data.duplicate),
    link: await requestLink(id),
  };
}

/** The merchant's page of request ``id`` on the configured server. */
export async function requestLink(id) {
  const base = serverBase((await settingsGet()).serverUrl);
  return base ? `${base}/sourcing/${encodeURIComponent(id)}/` : "";
}

/** Statuses of the given request ids (``product/sourcing/queryList``), keyed by id. */
export async function sourcingStatuses(ids) {
  if (!ids.length) return {};
  const query = ids.map((id) => `sourceIds=${encodeURIComponent(id)}`).join("&");
  const data = await authed(`product/sourcing/queryList?${query}`);
  const byId = {};
  for (const row of Array.isArray(data) ? data : []) byId[String(row.sourceId)] = row;
  return byId;
}

export async function recentList() {
  const { recent = [] } = await chrome.storage.local.get("recent");
  return recent;
}

async function recentAdd(entry) {
  const recent = (await recentList()).filter((row) => row.id !== entry.id);
  recent.unshift(entry);
  await chrome.storage.local.set({ recent: recent.slice(0, RECENT_LIMIT) });
}
