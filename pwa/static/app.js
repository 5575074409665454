// The app: router, session state, network/sync bar, service worker and update prompt.
import { ApiError, get, on } from "./js/api.js";
import { idb } from "./js/db.js";
import { h, mount, toast } from "./js/dom.js";
import { fmtDateTime } from "./js/fmt.js";
import { lang, relabel, t } from "./js/i18n.js";
import { applyPrefs, prefs, setPrefs } from "./js/prefs.js";
import { recheckPush } from "./js/push.js";
import { finishPendingLogout } from "./js/session.js";
import { syncNow, warmUp } from "./js/sync.js";

const main = document.getElementById("main");
const tabs = document.getElementById("tabs");
export const state = { me: null, cachedAt: null };

// path pattern → [module, export, tab, needs sign-in]
const ROUTES = [
  [/^\/$/, "home", "render", "home", true],
  [/^\/sign-in$/, "auth", "signIn", null, false],
  [/^\/password$/, "auth", "password", "me", true],
  [/^\/documents$/, "library", "render", "documents", true],
  [/^\/search$/, "library", "search", "documents", true],
  [/^\/documents\/(?<id>\d+)$/, "reader", "render", "documents", true],
  [/^\/study-sets$/, "study", "list", "documents", true],
  [/^\/study-sets\/(?<id>\d+)$/, "study", "detail", "documents", true],
  [/^\/assignments$/, "tasks", "list", "assignments", true],
  [/^\/assignments\/new$/, "cell", "newTask", "assignments", true],
  [/^\/assignments\/(?<id>\d+)$/, "tasks", "detail", "assignments", true],
  [/^\/cell$/, "cell", "list", "assignments", true],
  [/^\/notifications$/, "notifications", "render", "notifications", true],
  [/^\/me$/, "me", "render", "me", true],
  [/^\/dashboards(?:\/(?<id>\d+))?$/, "dashboards", "render", "home", true],
  // Meetings (issue 10)
  [/^\/meetings$/, "meetings", "list", "home", true],
  [/^\/meetings\/(?<id>\d+)$/, "meetings", "detail", "home", true],
  [/^\/meetings\/(?<id>\d+)\/check-in$/, "meetings", "checkIn", "home", true],
  [/^\/meetings\/(?<id>\d+)\/attendance$/, "meetings", "attendance", "home", true],
];

let current = 0;

/** Go to a PWA path (pushes history unless replace). */
export function go(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  return route();
}

function match(pathname) {
  for (const [re, mod, fn, tab, auth] of ROUTES) {
    const m = re.exec(pathname);
    if (m) return { mod, fn, tab, auth, params: m.groups || {} };
  }
  return null;
}

async function route() {
  const token = ++current;
  const url = new URL(location.href);
  if (state.cachedAt) {
    state.cachedAt = null;
    renderNetbar();
  }
  const found = match(url.pathname) || match("/");
  if (found.auth && !state.me) {
    const ok = await loadMe();
    if (token !== current) return;
    if (!ok) {
      const next = url.pathname === "/" ? "" : `?next=${encodeURIComponent(url.pathname + url.search)}`;
      history.replaceState(null, "", `/sign-in${next}`);
      return route();
    }
  }
  if (state.me && state.me.must_change_password && found.fn !== "password" && found.auth) {
    history.replaceState(null, "", "/password");
    return route();
  }
  markTab(found.tab);
  tabs.hidden = !state.me || state.me.must_change_password;
  document.body.classList.toggle("signed-out", !state.me);
  let shown = false;
  const ctx = {
    main,
    params: found.params,
    query: url.searchParams,
    me: state.me,
    go,
    alive: () => token === current,
    show: (...nodes) => {
      if (token !== current) return false;
      const first = !shown;
      shown = true;
      mount(main, ...nodes);
      // A new screen: move focus to its heading (screen readers announce it), top of page.
      if (first && route.moved) {
        window.scrollTo(0, 0);
        const heading = main.querySelector("h1");
        if (heading) heading.focus();
      }
      return true;
    },
  };
  try {
    const module = await import(`./screens/${found.mod}.js`);
    if (token !== current) return;
    await module[found.fn](ctx);
  } catch (err) {
    if (token !== current) return;
    showError(ctx, err);
  }
  route.moved = true;
}

function showError(ctx, err) {
  if (err instanceof ApiError && err.status === 401) return;
  const offline = err instanceof ApiError && err.offline;
  const text = offline ? t("pwa.offline.no_copy") : err instanceof ApiError && err.status === 404 ? t("pwa.error.not_found") : t("pwa.error.generic");
  ctx.show(
    h("h1", { class: "page-title", tabindex: "-1" }, offline ? t("pwa.offline.title") : t("pwa.error.title")),
    h("p", { class: "alert", role: "alert" }, text),
    h("p", {}, h("a", { href: "/", class: "button secondary" }, t("pwa.nav.home"))),
  );
  if (!(err instanceof ApiError)) console.error(err);
}

function markTab(tab) {
  for (const a of tabs.querySelectorAll("a")) {
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

/** Load the signed-in member (from the network, or the device's copy when offline). */
export async function loadMe() {
  // Signed out while offline: the server session still lives (its cookie too), so end it
  // before asking who is here, or opening the app would sign the member straight back in.
  await finishPendingLogout();
  if (prefs().logoutPending) {
    state.me = null;
    return false;
  }
  try {
    state.me = await get("/me");
    return true;
  } catch (err) {
    state.me = null;
    if (err instanceof ApiError && err.offline) toast(t("pwa.offline.sign_in_needed"));
    return false;
  }
}

/** After sign-in or password change: remember the member and warm the offline copies. */
export function signedIn(me) {
  state.me = me;
  // A new sign-in: a sign-out still waiting for the network is about the old session
  // only, and must never end this one.
  if (prefs().logoutPending) setPrefs({ logoutPending: false });
  // A temporary password opens nothing else: sync after it is changed.
  if (me.must_change_password) return;
  refreshBadge();
  syncNow().catch(() => null);
  recheckPush().catch(() => null);
}

// --- the network / sync bar ----------------------------------------------------------------

const netbar = document.getElementById("netbar");

export async function renderNetbar() {
  const waiting = state.me ? await idb.count("queue").catch(() => 0) : 0;
  const syncedAt = state.me ? await idb.get("kv", "synced_at").catch(() => null) : null;
  const parts = [];
  let kind = "ok";
  if (!navigator.onLine) {
    parts.push(t("pwa.net.offline"));
    kind = "offline";
  }
  if (waiting) {
    parts.push(t("pwa.net.waiting", { n: waiting }));
    kind = kind === "offline" ? kind : "waiting";
  } else if (syncedAt && state.me && navigator.onLine) parts.push(t("pwa.net.synced", { when: fmtDateTime(new Date(syncedAt)) }));
  // The network did not answer in time: say how old the copy on screen is.
  if (state.cachedAt && state.me) parts.push(t("pwa.offline.copy_from", { when: fmtDateTime(state.cachedAt) }));
  netbar.dataset.kind = kind;
  netbar.textContent = parts.join(" · ");
  netbar.hidden = parts.length === 0;
}

on("queue", renderNetbar);
on("cached", (at) => {
  state.cachedAt = at;
  renderNetbar();
});
on("unauthorized", () => {
  if (state.me) {
    state.me = null;
    go("/sign-in", { replace: true });
  }
});
on("password", () => {
  if (state.me) state.me.must_change_password = true;
  if (location.pathname !== "/password") go("/password", { replace: true });
});
on("failed", (items) => {
  toast(t("pwa.sync.failed", { n: items.length, what: items.map((i) => i.label).join(", ") }));
});
on("replayed", (n) => toast(t("pwa.sync.replayed", { n })));
on("unread", (n) => paintBadge(n));
window.addEventListener("online", () => {
  finishPendingLogout().catch(() => null);
  state.cachedAt = null;
  renderNetbar();
  syncNow().catch(() => null);
});
window.addEventListener("offline", renderNetbar);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.me) syncNow().then(refreshBadge).catch(() => null);
});

/** The unread count on the Thông báo tab. */
export async function refreshBadge() {
  const badge = document.getElementById("unread-badge");
  try {
    paintBadge((await get("/notifications/unread-count")).count || 0);
  } catch {
    badge.hidden = true;
  }
}

function paintBadge(n) {
  const badge = document.getElementById("unread-badge");
  badge.textContent = n > 99 ? "99+" : String(n);
  badge.hidden = !n;
  badge.setAttribute("aria-label", t("pwa.notifications.unread", { n }));
}

// --- links, history, service worker ------------------------------------------------------------

document.addEventListener("click", (event) => {
  const a = event.target.closest && event.target.closest("a[href]");
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || a.target || a.hasAttribute("download")) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/static/")) return;
  event.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) go(url.pathname + url.search);
  else route();
});
window.addEventListener("popstate", route);

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const box = document.getElementById("update");
  let accepted = false;
  const prompt = (worker) => {
    box.hidden = false;
    document.getElementById("update-reload").onclick = () => {
      accepted = true;
      if (worker && worker.state === "installed") worker.postMessage({ type: "SKIP_WAITING" });
      else location.reload();
    };
  };
  if (reg.waiting && navigator.serviceWorker.controller) prompt(reg.waiting);
  reg.addEventListener("updatefound", () => {
    const worker = reg.installing;
    worker.addEventListener("statechange", () => {
      // Installed while another version controls the page: ask, never reload on our own.
      if (worker.state === "installed" && navigator.serviceWorker.controller) prompt(worker);
    });
  });
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!controlled) {
      // The very first install took over: nothing to update, but what was fetched before
      // it controlled the page is not on the device yet. Fetch it again through it.
      controlled = true;
      if (state.me && !state.me.must_change_password) warmUp().catch(() => null);
      return;
    }
    // The member tapped "Tải lại": reload into the new version. Another tab did it: this
    // page still runs the old code, so offer the reload rather than losing what is typed.
    if (accepted) location.reload();
    else prompt(null);
  });
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type === "OPEN" && typeof data.url === "string" && data.url.startsWith("/")) go(data.url);
    if (data.type === "PUSH") refreshBadge();
  });
}

async function start() {
  applyPrefs();
  if (lang !== "vi") relabel(document);
  registerWorker().catch(() => null);
  await route();
  renderNetbar();
  if (state.me) signedIn(state.me);
  setInterval(() => {
    if (state.me && document.visibilityState === "visible") syncNow().catch(() => null);
  }, 5 * 60 * 1000);
}

start();
