// Keeping the device current: replays queued writes, pulls the delta feed, warms caches.
import { ApiError, emit, get, send } from "./api.js";
import { idb } from "./db.js";
import { LISTS } from "./lists.js";

let running = null;
let noFeed = false; // this server has no delta feed: do not ask again in this visit

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
  return ["documents", "assignments", "notifications"].some((k) => Array.isArray(feed[k]) && feed[k].length > 0);
}

// The lists a member needs offline, at the very URLs the screens ask for (the service
// worker keys its copies by URL): fetching them through it stores them.
const WARM = ["/me", ...Object.values(LISTS), "/notifications/unread-count"];

/** Fetch what the member needs offline (lists, inbox, saved documents). */
export async function warmUp() {
  await Promise.allSettled(WARM.map((p) => get(p)));
  // Saved documents: refresh the device copy that is kept until the member unsaves it.
  const saved = await idb.all("saved");
  const files = await caches.open("sotay-files");
  await Promise.allSettled(
    saved.map(async (s) => {
      const url = `/api/v1/documents/${s.id}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) await files.put(url, response);
    }),
  );
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
