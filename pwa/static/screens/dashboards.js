// Thống kê: a unit's completion (ring, bars per child, 12-month trend), its members at a
// cell, document study, exports, drill-down to a cell and a member. Works offline with the
// last figures loaded for the same unit and period (kept in IndexedDB, shown with their time).
import { ApiError, BASE, emit } from "../js/api.js";
import { bar, ring, trendLine } from "../js/charts.js";
import { idb } from "../js/db.js";
import { empty, h, pageTitle, pill } from "../js/dom.js";
import { fmtDateTime, fmtNumber } from "../js/fmt.js";
import { lang, t } from "../js/i18n.js";

const KEEP = 30; // unit+period copies kept on the device (oldest dropped first)
const STUDY_LIMIT = 20;
const RATE = new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 0.875 → "87,5%", rounded half up on the decimal value like the exports; null → "chưa có". */
export function fmtRate(value) {
  if (value === null || value === undefined) return t("pwa.dash.no_rate");
  const tenths = Math.floor((Math.round(value * 10000) + 5) / 10);
  return `${RATE.format(tenths / 10)}%`;
}

const n = (v) => fmtNumber(v || 0);
const base = (totals) => (totals.assigned_records || 0) - (totals.cancelled || 0);

// --- data: network first, the device's copy when there is none ---------------------------

/** GET an API path; `stale` is set when the service worker answered from its cache. */
async function fetchJson(path) {
  let response;
  try {
    response = await fetch(BASE + path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, null);
  }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401) emit("unauthorized", body);
    throw new ApiError(response.status, body);
  }
  return { body, stale: Boolean(response.headers.get("x-sotay-cached-at")) };
}

async function remember(key, parts) {
  await idb.put("kv", { at: Date.now(), parts }, key);
  const index = ((await idb.get("kv", "dash:index")) || []).filter((k) => k !== key);
  index.push(key);
  for (const old of index.splice(0, Math.max(0, index.length - KEEP))) await idb.del("kv", old);
  await idb.put("kv", index, "dash:index");
}

/**
 * Load several paths together. Fresh answers are kept on the device under `key`; with no
 * network the kept copy is returned ({stale: true}); with neither, the offline error.
 */
async function load(key, paths) {
  try {
    const got = await Promise.all(paths.map(fetchJson));
    const parts = got.map((g) => g.body);
    const stale = got.some((g) => g.stale);
    if (!stale) await remember(key, parts).catch(() => null);
    else {
      // The service worker's copy: prefer the device's own if it is newer.
      const kept = await idb.get("kv", key).catch(() => null);
      if (kept && newer(kept.parts[0], parts[0])) return { parts: kept.parts, stale: true };
    }
    return { parts, stale };
  } catch (err) {
    if (!(err instanceof ApiError) || !err.offline) throw err;
    const kept = await idb.get("kv", key).catch(() => null);
    if (!kept) throw err;
    return { parts: kept.parts, stale: true };
  }
}

const newer = (a, b) => a && b && String(a.generated_at) > String(b.generated_at);

// --- pieces ------------------------------------------------------------------------------

/** The period part of a link: the same from/to follow the member down the drill-down. */
function periodQuery(query) {
  const q = new URLSearchParams();
  for (const k of ["from", "to"]) if (query.get(k)) q.set(k, query.get(k));
  return q;
}

function withQuery(path, q) {
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

function crumbs(list, current, q) {
  // At the top of the caller's reach the only crumb would repeat the heading.
  if (list.length + (current ? 1 : 0) < 2) return null;
  const items = list.map((u, i) => {
    const last = i === list.length - 1 && !current;
    return h("li", {}, last ? h("span", { "aria-current": "page" }, u.name) : h("a", { href: withQuery(`/dashboards/${u.id}`, q) }, u.name));
  });
  if (current) items.push(h("li", {}, h("span", { "aria-current": "page" }, current)));
  return h("nav", { class: "dash-crumbs", "aria-label": t("pwa.dash.breadcrumbs") }, h("ol", {}, items));
}

function asOf(at, stale) {
  const when = fmtDateTime(at);
  return stale ? h("p", { class: "notice dash-asof", role: "status" }, t("pwa.dash.offline_copy", { when })) : h("p", { class: "hint dash-asof" }, t("pwa.dash.generated", { when }));
}

function periodPicker(period, q, path, go) {
  const from = h("input", { type: "date", id: "dash-from", name: "from", value: period.from_date, required: true });
  const to = h("input", { type: "date", id: "dash-to", name: "to", value: period.to_date, required: true });
  const form = h(
    "form",
    {
      class: "dash-period-form",
      onsubmit: (event) => {
        event.preventDefault();
        const next = new URLSearchParams(q);
        next.set("from", from.value);
        next.set("to", to.value);
        go(withQuery(path, next));
      },
    },
    h("div", { class: "field" }, h("label", { for: "dash-from" }, t("pwa.dash.from")), from),
    h("div", { class: "field" }, h("label", { for: "dash-to" }, t("pwa.dash.to")), to),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("pwa.dash.show")), h("a", { class: "button secondary", href: path }, t("pwa.dash.this_month"))),
  );
  return h("details", { class: "card dash-period" }, h("summary", {}, t("pwa.dash.period", { label: period.label })), form);
}

// Cell meetings (issue 10): held versus planned, attendance rate, absences.
const MEETING_FACTS = ["meetings_planned", "meetings_held", "attendance_present", "attendance_late", "absent_excused", "absent_unexcused"];

function meetingsCard(totals) {
  if (!totals.meetings_planned) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "dash-meetings" },
    h("h2", { id: "dash-meetings" }, t("pwa.meet.dash_heading")),
    h("p", { class: "dash-rate" }, t("pwa.meet.dash_rate"), ": ", h("strong", { "data-rate": "attendance", "data-value": String(totals.attendance_rate ?? "") }, fmtRate(totals.attendance_rate))),
    h("dl", { class: "facts dash-facts" }, MEETING_FACTS.map((k) => [h("dt", {}, t(`pwa.meet.dash_${k}`)), h("dd", { "data-fact": k }, n(totals[k]))])),
  );
}

const FACTS = ["assigned_records", "approved", "approved_on_time", "approved_late", "open", "overdue", "cancelled"];

/** The ring with its numbers as text beside it (the caption is what a screen reader hears). */
function summary(totals, id) {
  const rate = fmtRate(totals.completion_rate);
  return h(
    "figure",
    { class: "dash-summary", "aria-labelledby": `${id}-cap` },
    ring(totals.completion_rate, totals.completion_rate === null || totals.completion_rate === undefined ? "–" : rate),
    h(
      "figcaption",
      { id: `${id}-cap` },
      h("span", { class: "dash-rate" }, t("pwa.dash.completion_rate"), ": ", h("strong", { "data-rate": "" }, rate)),
      h("span", { class: "hint" }, t("pwa.dash.ring_caption", { approved: n(totals.approved), base: n(base(totals)) })),
    ),
    h("dl", { class: "facts dash-facts" }, FACTS.map((k) => [h("dt", {}, t(`pwa.dash.${k}`)), h("dd", { "data-fact": k }, n(totals[k]))])),
  );
}

function childLine(totals) {
  return t("pwa.dash.child_line", { rate: fmtRate(totals.completion_rate), approved: n(totals.approved), base: n(base(totals)), overdue: n(totals.overdue) });
}

function childrenChart(children, q) {
  if (!children.length) return null;
  return h(
    "section",
    { "aria-labelledby": "dash-children" },
    h("h2", { id: "dash-children" }, t("pwa.dash.children_heading")),
    h("p", { class: "hint" }, t("pwa.dash.children_hint")),
    h(
      "ul",
      { class: "list dash-bars" },
      children.map((c) =>
        h(
          "li",
          {},
          h("a", { class: "item", href: withQuery(`/dashboards/${c.unit.id}`, q), dataset: { unit: c.unit.id } }, h("span", { class: "item-title" }, c.unit.name), bar(c.totals.completion_rate), h("span", { class: "item-meta" }, childLine(c.totals))),
        ),
      ),
    ),
  );
}

function membersTable(members, unitId, q) {
  if (!members) return null;
  const head = ["member", "done", "overdue", "rate"].map((k) => h("th", { scope: "col" }, t(`pwa.dash.col.${k}`)));
  const rows = members.map((m) => {
    const link = new URLSearchParams(q);
    link.set("member", m.member.id);
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, h("a", { href: withQuery(`/dashboards/${unitId}`, link) }, m.member.full_name), m.in_cell ? null : h("span", { class: "hint" }, ` ${t("pwa.dash.former")}`)),
      h("td", { "data-label": t("pwa.dash.col.done") }, `${n(m.totals.approved)}/${n(base(m.totals))}`),
      h("td", { "data-label": t("pwa.dash.col.overdue") }, n(m.totals.overdue)),
      h("td", { "data-label": t("pwa.dash.col.rate") }, fmtRate(m.totals.completion_rate)),
    );
  });
  return h(
    "section",
    { "aria-labelledby": "dash-members" },
    h("h2", { id: "dash-members" }, t("pwa.dash.members_heading")),
    members.length ? h("div", { class: "dash-table-wrap" }, h("table", { class: "dash-table" }, h("thead", {}, h("tr", {}, head)), h("tbody", {}, rows))) : empty(t("pwa.dash.no_members")),
  );
}

function trendFigure(trends) {
  if (!trends || !trends.months || !trends.months.length) return null;
  const months = trends.months;
  const points = months.map((m) => ({ label: `${m.month.slice(5, 7)}/${m.month.slice(2, 4)}`, value: m.totals.completion_rate }));
  const rows = months.map((m) => h("tr", {}, h("th", { scope: "row" }, m.label), h("td", {}, n(m.totals.assigned_records)), h("td", {}, n(m.totals.approved)), h("td", {}, fmtRate(m.totals.completion_rate))));
  return h(
    "section",
    { "aria-labelledby": "dash-trend" },
    h("h2", { id: "dash-trend" }, t("pwa.dash.trend_heading")),
    h(
      "figure",
      { class: "card dash-trend" },
      trendLine(points),
      h("figcaption", { class: "hint" }, t("pwa.dash.trend_caption")),
      // A table ignores width: 1px, so the visually hidden box is a wrapper around it.
      h(
        "div",
        { class: "sr-only" },
        h(
          "table",
          {},
        h("caption", {}, t("pwa.dash.trend_heading")),
        h("thead", {}, h("tr", {}, ["month", "assigned", "approved", "rate"].map((k) => h("th", { scope: "col" }, t(`pwa.dash.col.${k}`))))),
        h("tbody", {}, rows),
        ),
      ),
    ),
  );
}

function studyItem(item, q) {
  const s = item.totals;
  const d = item.document;
  const pending = item.not_acknowledged;
  return h(
    "li",
    { class: "card dash-doc" },
    h("h3", {}, h("a", { href: `/documents/${d.id}` }, [d.symbol, d.title].filter(Boolean).join(" · "))),
    bar(s.acknowledgement_rate),
    h("p", { class: "dash-doc-line" }, t("pwa.dash.study_line", { ack: n(s.acknowledged), audience: n(s.audience), rate: fmtRate(s.acknowledgement_rate), read: n(s.read) })),
    item.children.length
      ? h(
          "ul",
          { class: "dash-doc-children" },
          item.children.map((c) => h("li", {}, h("a", { href: withQuery(`/dashboards/${c.unit.id}`, q) }, c.unit.name), `: ${n(c.totals.acknowledged)}/${n(c.totals.audience)} (${fmtRate(c.totals.acknowledgement_rate)})`)),
        )
      : null,
    pending
      ? pending.length
        ? h(
            "details",
            { class: "dash-pending" },
            h("summary", {}, t("pwa.dash.pending", { n: n(pending.length) })),
            h("ul", { class: "plain" }, pending.map((p) => h("li", {}, p.full_name, p.read ? h("span", { class: "hint" }, ` (${t("pwa.dash.pending_read")})`) : null))),
          )
        : h("p", { class: "success" }, t("pwa.dash.all_done"))
      : null,
  );
}

function studySection(studied, q) {
  if (!studied) return null;
  return h(
    "section",
    { "aria-labelledby": "dash-study" },
    h("h2", { id: "dash-study" }, t("pwa.dash.study_heading")),
    studied.items.length ? h("ul", { class: "list" }, studied.items.map((i) => studyItem(i, q))) : empty(t("pwa.dash.no_documents")),
    studied.next_cursor ? h("p", { class: "hint" }, t("pwa.dash.more_documents", { n: STUDY_LIMIT })) : null,
  );
}

function exports(unitId, period) {
  const q = new URLSearchParams({ from: period.from_date, to: period.to_date });
  const link = (format, label) => {
    q.set("format", format);
    return h("a", { class: "button secondary", href: `${BASE}/dashboards/units/${unitId}/export?${q}`, download: "", dataset: { format } }, label);
  };
  return h(
    "section",
    { "aria-labelledby": "dash-export" },
    h("h2", { id: "dash-export" }, t("pwa.dash.export_heading")),
    h("p", { class: "hint" }, t("pwa.dash.export_hint")),
    h("div", { class: "actions" }, link("xlsx", t("pwa.dash.export_xlsx")), link("csv", t("pwa.dash.export_csv"))),
  );
}

function recordItem(r) {
  const kind = r.state === "approved" ? "ok" : r.overdue ? "bad" : r.state === "cancelled" ? "neutral" : "info";
  return h(
    "li",
    {},
    h(
      "a",
      { class: "item", href: `/assignments/${r.assignment_id}` },
      h("span", { class: "item-title" }, r.title),
      h("span", { class: "item-meta" }, [r.cell && r.cell.name, t("pwa.dash.due", { when: fmtDateTime(r.due_at) })].filter(Boolean).join(" · ")),
      h("span", { class: "pills" }, pill(r.state_label, kind), r.overdue ? pill(t("pwa.dash.overdue"), "bad") : null, r.completed_late ? pill(t("pwa.dash.approved_late"), "warn") : null),
    ),
  );
}

// --- screens ------------------------------------------------------------------------------

async function chooseRoot(ctx) {
  const { parts, stale } = await load("dash:roots", ["/dashboards"]);
  const units = parts[0].units || [];
  if (units.length === 1) return units[0].id;
  const title = pageTitle(t("pwa.nav.dashboards"));
  if (!units.length) ctx.show(title, h("p", { class: "notice" }, t("pwa.dash.no_reach")));
  else {
    ctx.show(
      title,
      stale ? h("p", { class: "notice" }, t("pwa.offline.title")) : null,
      h("p", {}, t("pwa.dash.choose_unit")),
      h("ul", { class: "list" }, units.map((u) => h("li", {}, h("a", { class: "item", href: `/dashboards/${u.id}` }, h("span", { class: "item-title" }, u.name))))),
    );
  }
  return null;
}

async function unitScreen(ctx, unitId) {
  const q = periodQuery(ctx.query);
  const qs = q.toString() ? `?${q}` : "";
  const key = `dash:${unitId}:${q.get("from") || ""}:${q.get("to") || ""}`;
  const { parts, stale } = await load(key, [`/dashboards/units/${unitId}${qs}`, `/dashboards/units/${unitId}/trends`, `/dashboards/units/${unitId}/documents?limit=${STUDY_LIMIT}`]);
  const [board, trends, studied] = parts;
  const path = ctx.params.id ? `/dashboards/${unitId}` : "/dashboards";
  ctx.show(
    crumbs(board.breadcrumbs || [], null, q),
    pageTitle(board.unit.name),
    asOf(board.generated_at, stale),
    periodPicker(board.period, q, path, ctx.go),
    h("section", { class: "card", "aria-labelledby": "dash-tasks" }, h("h2", { id: "dash-tasks" }, t("pwa.dash.tasks_heading")), summary(board.totals, "dash-total")),
    meetingsCard(board.totals),
    childrenChart(board.children || [], q),
    membersTable(board.members, board.unit.id, q),
    trendFigure(trends),
    studySection(studied, q),
    exports(board.unit.id, board.period),
  );
}

async function memberScreen(ctx, unitId, memberId) {
  const q = periodQuery(ctx.query);
  const qs = q.toString() ? `?${q}` : "";
  const key = `dash:${unitId}:${q.get("from") || ""}:${q.get("to") || ""}:m${memberId}`;
  const { parts, stale } = await load(key, [`/dashboards/units/${unitId}/members/${memberId}${qs}`]);
  const [m] = parts;
  ctx.show(
    crumbs(m.breadcrumbs || [], m.member.full_name, q),
    pageTitle(m.member.full_name),
    asOf(m.generated_at, stale),
    h("p", { class: "hint" }, t("pwa.dash.period", { label: m.period.label })),
    h("section", { class: "card", "aria-labelledby": "dash-tasks" }, h("h2", { id: "dash-tasks" }, t("pwa.dash.tasks_heading")), summary(m.totals, "dash-member")),
    h("section", { "aria-labelledby": "dash-records" }, h("h2", { id: "dash-records" }, t("pwa.dash.member_records")), m.records.length ? h("ul", { class: "list" }, m.records.map(recordItem)) : empty(t("pwa.dash.no_records"))),
  );
}

/** /dashboards (the caller's top unit), /dashboards/<unit>, /dashboards/<cell>?member=<id>. */
export async function render(ctx) {
  const unitId = ctx.params.id ? Number(ctx.params.id) : await chooseRoot(ctx);
  if (!unitId || !ctx.alive()) return;
  const member = Number(ctx.query.get("member"));
  if (member) return memberScreen(ctx, unitId, member);
  return unitScreen(ctx, unitId);
}
