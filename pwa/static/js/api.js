// The API client: JSON in and out, problem+json errors, writes that queue when offline.
import { idb } from "./db.js";

export const BASE = "/api/v1";
const listeners = new Map();

/** Subscribe to app-wide events: "unauthorized", "password", "queue", "cached". */
export function on(name, fn) {
  if (!listeners.has(name)) listeners.set(name, new Set());
  listeners.get(name).add(fn);
}

export function emit(name, detail) {
  for (const fn of listeners.get(name) || []) fn(detail);
}

/** An API failure: status 0 means the network (or the server) could not be reached. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.title) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || null;
  }
  get offline() {
    return this.status === 0 || (this.problem && this.problem.type === "/problems/offline");
  }
}

async function parse(response) {
  const type = response.headers.get("content-type") || "";
  if (response.status === 204) return null;
  if (type.includes("json")) return response.json();
  return response.text();
}

async function handle(response) {
  const body = await parse(response);
  if (response.ok) return body;
  const problem = body && typeof body === "object" ? body : null;
  if (response.status === 401) emit("unauthorized", problem);
  if (response.status === 403 && problem && problem.type === "/problems/password-change-required") emit("password", problem);
  throw new ApiError(response.status, problem);
}

/** GET a path under /api/v1; the service worker answers from its cache when offline. */
export async function get(path, { signal } = {}) {
  let response;
  try {
    response = await fetch(BASE + path, { headers: { Accept: "application/json" }, credentials: "same-origin", signal });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, null);
  }
  const cachedAt = response.headers.get("x-sotay-cached-at");
  if (cachedAt) emit("cached", cachedAt);
  return handle(response);
}

/** A new Idempotency-Key: the same key travels with every retry of one write. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Send one write now; throws ApiError(0) when the network is down. */
export async function send(method, path, body, key) {
  const headers = { Accept: "application/json", "Idempotency-Key": key || newKey() };
  const init = { method, headers, credentials: "same-origin" };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined && body !== null) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, null);
  }
  return handle(response);
}

/**
 * A write that may wait: tried at once when online; queued on the device (with its
 * Idempotency-Key) when there is no network, and replayed later by sync.js.
 * Returns {queued: false, data} or {queued: true}.
 */
export async function write(method, path, body, { label, mark } = {}) {
  const key = newKey();
  if (navigator.onLine) {
    try {
      return { queued: false, data: await send(method, path, body, key) };
    } catch (err) {
      if (!(err instanceof ApiError) || !err.offline) throw err;
    }
  }
  await idb.put("queue", { key, method, path, body: body ?? null, label: label || path, mark: mark || null, at: Date.now() });
  if (mark) await idb.put("marks", { ...mark.value, queued: true }, mark.key);
  emit("queue");
  return { queued: true };
}
