// Web Push on the page side: permission only after a tap, VAPID subscribe, re-check at start.
import { ApiError, get, send } from "./api.js";
import { prefs, setPrefs } from "./prefs.js";

/** Whether this browser can receive Web Push at all (iOS only once installed). */
export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function keyBytes(b64) {
  const pad = "=".repeat((4 - (b64.length % 4)) % 4);
  const raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function subscribeAndRegister(reg) {
  const vapid = await get("/push/vapid-public-key");
  const key = vapid.public_key;
  let sub = await reg.pushManager.getSubscription();
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const json = sub.toJSON();
  const saved = await send("POST", "/push/subscriptions", { kind: "webpush", endpoint: json.endpoint, keys: json.keys });
  setPrefs({ push: true, pushId: saved && saved.id, pushEndpoint: json.endpoint, pushCheckedAt: Date.now() });
  return true;
}

/** Turn push on: must run inside a tap's handler (browsers refuse a permission prompt otherwise). */
export async function enablePush() {
  if (!pushSupported()) return "unsupported";
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    setPrefs({ push: false });
    return permission;
  }
  const reg = await navigator.serviceWorker.ready;
  await subscribeAndRegister(reg);
  return "granted";
}

/** Turn push off on this device and tell the server to forget the subscription. */
export async function disablePush() {
  const p = prefs();
  if (pushSupported()) {
    const reg = await navigator.serviceWorker.ready;
    const sub = await reg.pushManager.getSubscription();
    if (sub) await sub.unsubscribe();
  }
  if (p.pushId) await send("DELETE", `/push/subscriptions/${p.pushId}`).catch(() => null);
  setPrefs({ push: false, pushId: null, pushEndpoint: null });
}

/** At each start: a subscription the browser dropped (iOS does, silently) is made again. */
export async function recheckPush() {
  const p = prefs();
  if (!p.push || !pushSupported() || Notification.permission !== "granted") return;
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.getSubscription();
  const stale = !sub || sub.endpoint !== p.pushEndpoint || Date.now() - (p.pushCheckedAt || 0) > 24 * 3600 * 1000;
  if (!stale) return;
  try {
    await subscribeAndRegister(reg);
  } catch (err) {
    if (!(err instanceof ApiError) || !err.offline) setPrefs({ pushCheckedAt: 0 });
  }
}
