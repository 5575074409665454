// The service worker. The server prepends VERSION, PRECACHE and SECTIONS (api/pwa.py), so
// every deploy is a byte-different worker and the browser installs it as an update.
/* global VERSION, PRECACHE, SECTIONS */
"use strict";

const SHELL = `sotay-shell-${VERSION}`;
const DATA = "sotay-data"; // API answers: kept across app versions so offline reading survives an update
const FILES = "sotay-files"; // attachments saved for offline reading
const API = "/api/v1/";
const NETWORK_TIMEOUT_MS = 4000; // weak 3G: fall back to the saved copy rather than spin
const DATA_MAX_ENTRIES = 400;
// Answers that must never be replayed from a cache (sessions, one-off files, live counters).
const NO_CACHE = [/^\/api\/v1\/auth\//, /^\/api\/v1\/push\//, /^\/api\/v1\/attachments\//, /^\/api\/v1\/sync/, /\/export/];
const TEXT = {
  vi: { title: "Sổ tay đảng viên", body: "Bạn có thông báo mới.", offline: "Đang ngoại tuyến", offlineDetail: "Chưa có bản lưu trên máy cho nội dung này. Vui lòng kết nối mạng." },
  en: { title: "Party-member handbook", body: "You have a new notification.", offline: "Offline", offlineDetail: "Nothing saved on this device for this yet. Please connect to the network." },
};

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      // Bypass the HTTP cache so a new version never precaches yesterday's files.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
      // The first install takes over at once; an update waits for the member's "Tải lại".
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("sotay-shell-") && name !== SHELL) await caches.delete(name);
      }
      if (self.registration.navigationPreload) await self.registration.navigationPreload.disable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") self.skipWaiting();
  if (data.type === "VERSION" && event.ports[0]) event.ports[0].postMessage(VERSION);
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (url.pathname.startsWith(API)) {
    if (url.pathname.startsWith(`${API}attachments/`)) event.respondWith(savedFileFirst(request));
    else if (!NO_CACHE.some((re) => re.test(url.pathname))) event.respondWith(networkFirst(event, request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(appShell(request));
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(cacheThenRefresh(event, request));
  }
});

// Every screen is the same server-rendered shell: serve it from the cache at once.
async function appShell(request) {
  const section = new URL(request.url).pathname.split("/")[1];
  if (section !== "" && !SECTIONS.includes(section)) return fetch(request);
  const cached = await caches.match("/", { cacheName: SHELL });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch {
    return offlineProblem();
  }
}

// Static files come from this version's cache; the background revalidation only decides
// whether a new deploy exists (then the worker updates as a whole, never file by file, so
// one screen never mixes two versions).
async function cacheThenRefresh(event, request) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (!cached) {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  }
  event.waitUntil(
    (async () => {
      try {
        const fresh = await fetch(request, { cache: "no-cache" });
        const before = cached.headers.get("etag");
        const after = fresh.headers.get("etag");
        if (fresh.ok && before && after && before !== after) await self.registration.update();
      } catch {
        // Offline: the cached copy is all there is, and it is enough.
      }
    })(),
  );
  return cached;
}

// API reads: the network when it answers within the timeout, else the last saved answer.
async function networkFirst(event, request) {
  const cache = await caches.open(DATA);
  const network = fetch(request).then(async (response) => {
    if (response.status === 200) {
      const stamped = await stamp(response.clone());
      await cache.put(request, stamped);
      event.waitUntil(trim(cache));
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_TIMEOUT_MS, "timeout");
  });
  const first = await Promise.race([network.catch(() => "error"), timeout]);
  clearTimeout(timer);
  if (first instanceof Response) return first;
  // A document the member saved is also kept in FILES, which is never trimmed: a long
  // offline week of searches must not push it out of reach.
  const cached = (await cache.match(request)) || (await caches.match(request, { cacheName: FILES }));
  if (cached) return cached;
  if (first === "timeout") {
    try {
      return await network;
    } catch {
      return offlineProblem();
    }
  }
  return offlineProblem();
}

// Attachments the member saved for offline reading are served from the device.
async function savedFileFirst(request) {
  const cached = await caches.match(request, { cacheName: FILES, ignoreSearch: true });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch {
    return offlineProblem();
  }
}

// The time a copy was saved travels with it, so the screen can say how old it is.
async function stamp(response) {
  const headers = new Headers(response.headers);
  headers.set("x-sotay-cached-at", new Date().toISOString());
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

async function trim(cache) {
  const keys = await cache.keys();
  // Oldest first: search queries pile up; lists and documents are fetched again anyway.
  for (const request of keys.slice(0, Math.max(0, keys.length - DATA_MAX_ENTRIES))) await cache.delete(request);
}

function offlineProblem() {
  const t = TEXT.vi;
  const body = {
    type: "/problems/offline",
    title: t.offline,
    title_en: TEXT.en.offline,
    status: 503,
    detail: t.offlineDetail,
    detail_en: TEXT.en.offlineDetail,
  };
  return new Response(JSON.stringify(body), { status: 503, headers: { "Content-Type": "application/problem+json" } });
}

// --- Push ------------------------------------------------------------------------------

function safePath(url) {
  // Only our own screens: a payload can never send the member to another site.
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "/notifications";
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const t = TEXT.vi;
  const title = String(data.title || t.title).slice(0, 120);
  const options = {
    body: String(data.body || (data.title ? "" : t.body)).slice(0, 240),
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/badge-72.png",
    lang: "vi",
    dir: "ltr",
    tag: data.tag || (data.notification_id ? `n-${data.notification_id}` : undefined),
    renotify: Boolean(data.tag || data.notification_id),
    timestamp: Date.now(),
    data: { url: safePath(data.url), id: data.notification_id || null, delivery: data.delivery_id || null },
  };
  event.waitUntil(
    (async () => {
      await self.registration.showNotification(title, options);
      for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage({ type: "PUSH", data });
    })(),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const target = safePath(data.url);
  event.waitUntil(
    (async () => {
      if (data.id) await reportOpened(data.id, data.delivery);
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin) {
          await client.focus();
          client.postMessage({ type: "OPEN", url: target });
          return;
        }
      }
      await self.clients.openWindow(target);
    })(),
  );
});

// The tap is what the delivery log calls "opened" (and it marks the inbox row read).
async function reportOpened(id, delivery) {
  try {
    await fetch(`${API}notifications/${encodeURIComponent(id)}/opened`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Idempotency-Key": `opened-${id}` },
      body: JSON.stringify(delivery ? { delivery_id: delivery } : {}),
    });
  } catch {
    // Offline: opening the screen matters more than the statistic.
  }
}

// The push service rotated the subscription: register the new one with the server at once.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(
    (async () => {
      const keyResponse = await fetch(`${API}push/vapid-public-key`, { credentials: "same-origin" });
      if (!keyResponse.ok) return;
      const { public_key: publicKey } = await keyResponse.json();
      const sub = await self.registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: urlB64ToBytes(publicKey),
      });
      const json = sub.toJSON();
      await fetch(`${API}push/subscriptions`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: JSON.stringify({ kind: "webpush", endpoint: json.endpoint, keys: json.keys }),
      });
    })(),
  );
});

function urlB64ToBytes(b64) {
  const pad = "=".repeat((4 - (b64.length % 4)) % 4);
  const raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}
