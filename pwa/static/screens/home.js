// Trang chủ: new documents, my tasks due soon or overdue, unread notifications.
import { get } from "../js/api.js";
import { idb } from "../js/db.js";
import { empty, h, pageTitle } from "../js/dom.js";
import { fmtDateTime } from "../js/fmt.js";
import { t } from "../js/i18n.js";
import { docItem, leaderCells, ownRecord, seesDashboards, taskItem } from "../js/ui.js";
import { newBadge } from "./library.js";
import { nextMeeting } from "./meetings.js";
import { LISTS } from "../js/lists.js";

const OPEN = new Set(["assigned", "in_progress", "returned", "submitted"]);

function section(id, title, moreHref, body) {
  return h(
    "section",
    { "aria-labelledby": id },
    h("div", { class: "section-head" }, h("h2", { id }, title), moreHref ? h("a", { href: moreHref }, t("pwa.home.see_all")) : null),
    body,
  );
}

async function newDocuments() {
  const page = await get(LISTS.documents);
  const marks = await idb.all("marks").catch(() => []);
  const todo = page.items.filter((d) => !d.receipt || !d.receipt.acknowledged);
  const list = (todo.length ? todo : page.items).slice(0, 3);
  if (!list.length) return empty(t("pwa.home.no_documents"));
  return h("ul", { class: "list" }, list.map((d) => newBadge(docItem(d, marks.find((m) => m.document_id === d.id)), d)));
}

async function dueTasks(me) {
  const page = await get(LISTS.tasks);
  const open = page.items
    .map((a) => [a, ownRecord(a, me) || (a.records || [])[0]])
    .filter(([, r]) => r && OPEN.has(r.state))
    .sort(([a, ra], [b, rb]) => Number(rb.overdue) - Number(ra.overdue) || String(a.due_at).localeCompare(String(b.due_at)));
  if (!open.length) return empty(t("pwa.home.no_tasks"));
  return h("ul", { class: "list" }, open.slice(0, 3).map(([a, r]) => taskItem(a, r)));
}

async function unread() {
  const page = await get(LISTS.notifications);
  const items = page.items.filter((n) => !n.read_at && !n.read).slice(0, 3);
  if (!items.length) return empty(t("pwa.home.no_notifications"));
  return h(
    "ul",
    { class: "list" },
    items.map((n) =>
      h("li", {}, h("a", { class: "item", href: n.url || "/notifications" }, h("span", { class: "item-title" }, n.title), h("span", { class: "item-meta" }, fmtDateTime(n.created_at)))),
    ),
  );
}

async function settle(promise) {
  try {
    return await promise;
  } catch {
    return h("p", { class: "empty" }, t("pwa.home.unavailable"));
  }
}

function shortcuts(me) {
  const links = [];
  if (leaderCells(me).length) {
    links.push(h("a", { href: "/assignments/new", class: "button primary" }, t("pwa.cell.new_task")));
    links.push(h("a", { href: "/cell", class: "button secondary" }, t("pwa.cell.title")));
  }
  if (seesDashboards(me)) links.push(h("a", { href: "/dashboards", class: "button secondary" }, t("pwa.nav.dashboards")));
  return links.length ? h("div", { class: "actions" }, links) : null;
}

/** The home screen. */
export async function render(ctx) {
  const me = ctx.me;
  const given = me.full_name.trim().split(/\s+/).pop();
  // Show the frame at once; each section fills in as its data arrives (network or device).
  const docs = h("div", {}, h("p", { class: "hint" }, t("pwa.loading")));
  const tasks = h("div", {}, h("p", { class: "hint" }, t("pwa.loading")));
  const inbox = h("div", {}, h("p", { class: "hint" }, t("pwa.loading")));
  const meeting = h("div", {}); // the next cell meeting (screens/meetings.js), when there is one
  ctx.show(
    pageTitle(t("pwa.home.hello", { name: given })),
    me.cell ? h("p", { class: "hint" }, me.cell.name) : null,
    shortcuts(me),
    meeting,
    section("home-docs", t("pwa.home.new_documents"), "/documents", docs),
    section("home-tasks", t("pwa.home.my_tasks"), "/assignments", tasks),
    section("home-inbox", t("pwa.home.unread"), "/notifications", inbox),
  );
  const next = me.cell ? settle(nextMeeting()) : Promise.resolve(null);
  const [d, k, n, mt] = await Promise.all([settle(newDocuments()), settle(dueTasks(me)), settle(unread()), next]);
  if (!ctx.alive()) return;
  if (mt) meeting.replaceChildren(section("home-meeting", t("pwa.meet.next"), "/meetings", mt));
  docs.replaceChildren(d);
  tasks.replaceChildren(k);
  inbox.replaceChildren(n);
}
