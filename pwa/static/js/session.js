// Signing out: the device forgets the member (data caches, IndexedDB, queued writes).
import { ApiError, send } from "./api.js";
import { dropDatabase } from "./db.js";
import { prefs, setPrefs } from "./prefs.js";

/** Remove every copy of member data on this device; the app shell stays for the next sign-in. */
export async function forgetDevice() {
  const keep = prefs();
  if ("caches" in window) {
    for (const name of await caches.keys()) {
      if (!name.startsWith("sotay-shell-")) await caches.delete(name);
    }
  }
  await dropDatabase();
  // Text size, theme and language are the device's, not the member's: an older reader
  // who signs out should not lose large text. The push subscription is the member's.
  setPrefs({ text: keep.text, theme: keep.theme, lang: keep.lang, push: false, pushId: null, pushEndpoint: null });
}

/** End the session on the server (which also sends Clear-Site-Data) and forget the device. */
export async function signOut() {
  const keep = prefs();
  if (keep.push && "serviceWorker" in navigator) {
    try {
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.getSubscription();
      if (keep.pushId) await send("DELETE", `/push/subscriptions/${keep.pushId}`).catch(() => null);
      if (sub) await sub.unsubscribe();
    } catch {
      // Push is best effort here; the server drops dead subscriptions on its own.
    }
  }
  await forgetDevice();
  let reached = true;
  try {
    await send("POST", "/auth/logout", null);
  } catch (err) {
    reached = !(err && err.offline);
  }
  // Clear-Site-Data also empties localStorage: put the device preferences back.
  setPrefs({ text: keep.text, theme: keep.theme, lang: keep.lang });
  if (!reached) setPrefs({ logoutPending: true });
  return reached;
}

/** A sign-out made offline: end the server session as soon as the network is back. */
export async function finishPendingLogout() {
  if (!prefs().logoutPending || !navigator.onLine) return;
  try {
    await send("POST", "/auth/logout", null);
  } catch (err) {
    // Unreachable or failing: try again next time. Any other answer means the server no
    // longer holds that session (e.g. it expired), which is what sign-out wanted.
    if (!(err instanceof ApiError) || err.offline || err.status >= 500) return;
  }
  setPrefs({ logoutPending: false });
}
