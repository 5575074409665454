// Keeping the device current: replays queued writes, pulls the delta feed, warms caches.
import { ApiError, emit, get, send } from "./api.js";
import { idb } from "./db.js";
import { LISTS } from "./lists.js";

let running = null;
let noFeed = false; // this server has no delta feed: do not ask again in this visit
// The service worker's caches (pwa/sw.js): API answers, and what the member saved.
const DATA = "sotay-data";
const FILES = "sotay-files";

/** Replay every queued write in order, each with its own Idempotency-Key. */
export function replayQueue() {
  // One replay at a time, across tabs too when the Web Locks API exists.
  if (running) return running;
  const job = () => replayAll().finally(() => (running = null));
  running = navigator.locks ? navigator.locks.request("sotay-sync", job) : job();
  return running;
}

async function replayAll() {
  const items = (await idb.all("queue")).sort((a, b) => a.id - b.id);
  const failed = [];
  for (const item of items) {
    try {
      await send(item.method, item.path, item.body, item.key);
    } catch (err) {
      // Network gone, server busy, session expired, or this very write still running on
      // the server (its first try lost its answer): stop, keep the rest for later. Any
      // other 409 (the task moved on meanwhile) is final, as a 422 is.
      if (!(err instanceof ApiError) || err.offline || err.status >= 500 || [401, 408, 429].includes(err.status) || stillRunning(err)) {
        emit("queue");
        return { done: false };
      }
      // The server refused it for good (e.g. the task was cancelled meanwhile): tell the member.
      failed.push({ label: item.label, problem: err.problem });
    }
    await idb.del("queue", item.id);
    if (item.mark) await idb.del("marks", item.mark.key);
  }
  await idb.put("kv", Date.now(), "synced_at");
  emit("queue");
  // Count only what applied; the refusal comes last so its toast is the one that stays.
  if (items.length > failed.length) emit("replayed", items.length - failed.length);
  if (failed.length) emit("failed", failed);
  return { done: true };
}

function stillRunning(err) {
  return err.status === 409 && Boolean(err.problem) && err.problem.type === "/problems/idempotency-in-progress";
}

/** The writes still waiting on this device. */
export function pending() {
  return idb.all("queue");
}

/** Pull the delta feed (`GET /sync?since=`); refreshes the cached lists that changed. */
export async function pullChanges() {
  if (noFeed) return warmUp();
  const first = await idb.get("kv", "sync_cursor");
  let cursor = first;
  let changed = false;
  for (let page = 0; page < 20; page += 1) {
    let feed;
    try {
      feed = await get(`/sync${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`);
    } catch (err) {
      // 404: this server has no delta feed; the warm-up still refreshes the lists.
      if (err instanceof ApiError && err.status === 404) {
        noFeed = true;
        return warmUp();
      }
      return false;
    }
    changed = changed || feed.full || hasChanges(feed);
    // Before the cursor moves on: a removal or a full answer is told once.
    const removed = (feed.removals || []).filter((r) => r.kind === "document").map((r) => r.id);
    if (removed.length) await forget(removed);
    if (feed.full) await dropDocumentCopies(new Set((feed.documents || []).map((d) => d.id)));
    if (typeof feed.unread_notifications === "number") emit("unread", feed.unread_notifications);
    if (!feed.cursor || feed.cursor === cursor) break;
    cursor = feed.cursor;
    await idb.put("kv", cursor, "sync_cursor");
    if (!feed.more) break;
  }
  // Something changed (or this device never synced): refresh the copies it keeps.
  if (changed || !first) await warmUp();
  await idb.put("kv", Date.now(), "synced_at");
  emit("queue");
  return changed;
}

function hasChanges(feed) {
  return ["documents", "assignments", "notifications", "removals"].some((k) => Array.isArray(feed[k]) && feed[k].length > 0);
}

// A document's copies are its detail and everything under it (versions); query ignored.
function documentId(url) {
  const m = /^\/api\/v1\/documents\/(\d+)(\/|$)/.exec(new URL(url).pathname);
  return m ? Number(m[1]) : null;
}

// A cached search or filtered library page may still carry a removed title and summary;
// the plain first page is kept (warmUp fetches it again at once).
function isSearchCopy(url) {
  const u = new URL(url);
  return u.pathname === "/api/v1/documents" && `/documents${u.search}` !== LISTS.documents;
}

function isLibraryCopy(url) {
  return new URL(url).pathname === "/api/v1/documents";
}

// The kept first page is fetched again by warmUp, but on a weak network that answer may come
// late or never: take the removed titles out of the copy now, so offline never shows them.
async function scrubList(cache, request, gone) {
  const response = await cache.match(request);
  if (!response) return;
  let page;
  try {
    page = await response.clone().json();
  } catch {
    return;
  }
  if (!Array.isArray(page.items) || !page.items.some((d) => gone.has(d.id))) return;
  page.items = page.items.filter((d) => !gone.has(d.id));
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  await cache.put(request, new Response(JSON.stringify(page), { status: 200, headers }));
}

/**
 * Drop every copy of documents the member may no longer read: cached answers, the saved
 * copy with its attachments, local marks. Queued writes stay: the server refuses them and
 * the replay reports it.
 */
async function forget(ids) {
  const gone = new Set(ids);
  const saved = await Promise.all(ids.map((id) => idb.get("saved", id)));
  for (const name of [DATA, FILES]) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (gone.has(documentId(request.url)) || isSearchCopy(request.url)) await cache.delete(request);
      else if (isLibraryCopy(request.url)) await scrubList(cache, request, gone);
    }
  }
  // Attachments live under /attachments/, so only the saved entry knows which are its own.
  const files = await caches.open(FILES);
  for (const s of saved) for (const url of (s && s.urls) || []) await files.delete(url);
  for (const id of ids) {
    await idb.del("saved", id);
    await idb.del("marks", `ack:${id}`);
  }
}

// A full answer: the member's reach changed, so any document copy may be one they can no
// longer read. Keep those the answer lists; saved ones are checked again by warmUp.
async function dropDocumentCopies(keep) {
  const cache = await caches.open(DATA);
  for (const request of await cache.keys()) {
    const id = documentId(request.url);
    if (id !== null && !keep.has(id)) await cache.delete(request);
  }
}

// The lists a member needs offline, at the very URLs the screens ask for (the service
// worker keys its copies by URL): fetching them through it stores them.
const WARM = ["/me", ...Object.values(LISTS), "/notifications/unread-count"];

/** Fetch what the member needs offline (lists, inbox, saved documents). */
export async function warmUp() {
  await Promise.allSettled(WARM.map((p) => get(p)));
  // Saved documents: refresh the device copy that is kept until the member unsaves it.
  const saved = await idb.all("saved");
  const files = await caches.open(FILES);
  const gone = [];
  await Promise.allSettled(
    saved.map(async (s) => {
      const url = `/api/v1/documents/${s.id}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) await files.put(url, response);
      // No longer theirs to read (reach narrowed, draft discarded); offline or a 5xx keeps it.
      else if (response.status === 404) gone.push(s.id);
    }),
  );
  if (gone.length) await forget(gone);
  await idb.put("kv", Date.now(), "synced_at");
  emit("queue");
  return true;
}

/** Replay, then pull: what runs on start, on `online` and every few minutes. */
export async function syncNow() {
  if (!navigator.onLine) return;
  const result = await replayQueue();
  if (result && result.done) await pullChanges();
}
