// Pieces several screens share: document and task list items, state pills, "load more".
import { h, pill } from "./dom.js";
import { fmtBytes, fmtDate, fmtDateTime } from "./fmt.js";
import { t } from "./i18n.js";

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Undo the server's HTML escaping (html.escape) to get plain text back. */
export function unescape(text) {
  return String(text).replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, code) => {
    if (code[0] !== "#") return ENTITIES[code.toLowerCase()] ?? m;
    const n = code[1].toLowerCase() === "x" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
    return Number.isFinite(n) ? String.fromCodePoint(n) : m;
  });
}

/** Text with the server's <mark> highlights, built as nodes (never innerHTML). */
export function marked(escapedHtml) {
  // The server escapes everything but <mark>: split on it, each piece becomes plain text.
  return String(escapedHtml)
    .split(/<\/?mark>/)
    .map((part, i) => (i % 2 ? h("mark", {}, unescape(part)) : unescape(part)));
}

/** A revision asks again: an older version was acknowledged, the current one not yet. */
export function asksAgain(r) {
  return Boolean(r && !r.acknowledged && (r.acknowledged_versions || []).length);
}

/** The member's own reading state of a document as a pill. */
export function receiptPill(doc, localMark) {
  const r = doc.receipt;
  if (localMark && localMark.acknowledged) return pill(t("pwa.doc.ack_waiting"), "warn");
  if (!r) return null;
  if (r.acknowledged) return pill(t("pwa.doc.acknowledged"), "ok");
  if (asksAgain(r)) return pill(t("pwa.doc.ack_again"), "warn");
  if (!r.read) return pill(t("pwa.doc.unread"), "info");
  return pill(t("pwa.doc.not_acknowledged"), "neutral");
}

/** A document in a list: symbol, title, issuer and date, the member's state. */
export function docItem(doc, localMark) {
  const title = doc.title_highlight ? marked(doc.title_highlight) : doc.title;
  return h(
    "li",
    {},
    h(
      "a",
      { class: "item", href: `/documents/${doc.id}` },
      h("span", { class: "item-title" }, title),
      h("span", { class: "item-meta" }, [doc.kind_label, doc.symbol].filter(Boolean).join(" · ")),
      h("span", { class: "item-meta" }, [doc.issuer && doc.issuer.name, fmtDate(doc.issued_on)].filter(Boolean).join(" · ")),
      doc.snippet ? h("span", { class: "item-meta snippet" }, marked(doc.snippet)) : null,
      receiptPill(doc, localMark),
    ),
  );
}

const STATE_KIND = { assigned: "info", in_progress: "info", submitted: "warn", approved: "ok", returned: "bad", cancelled: "neutral" };

/** A task record's state (and overdue) as pills with words, never colour alone. */
export function statePills(record) {
  if (!record) return null;
  return [
    pill(t(`pwa.task.state.${record.state}`), STATE_KIND[record.state]),
    record.overdue ? pill(t("pwa.task.overdue"), "bad") : null,
  ];
}

/** A task in a list. */
export function taskItem(a, record) {
  return h(
    "li",
    {},
    h(
      "a",
      { class: "item", href: `/assignments/${a.id}` },
      h("span", { class: "item-title" }, a.title),
      h("span", { class: "item-meta" }, t("pwa.task.due", { when: a.due_at_local || fmtDateTime(a.due_at) })),
      a.period_label ? h("span", { class: "item-meta" }, a.period_label) : null,
      h("span", { class: "pills" }, statePills(record)),
    ),
  );
}

/** The caller's own record of an assignment, if any. */
export function ownRecord(a, me) {
  return (a.records || []).find((r) => r.user_id === me.id) || null;
}

/** A "Xem thêm" button that loads the next page of a cursor list into ul. */
export function moreButton(load, ul, renderItem) {
  const button = h("button", { type: "button", class: "button secondary block" }, t("pwa.more"));
  let cursor = null;
  button.addEventListener("click", async () => {
    button.disabled = true;
    const page = await load(cursor);
    for (const item of page.items) ul.append(renderItem(item));
    cursor = page.next_cursor;
    button.hidden = !cursor;
    button.disabled = false;
  });
  return {
    button,
    set(next) {
      cursor = next;
      button.hidden = !cursor;
    },
  };
}

/** The caller's leader cells (secretary or deputy grants). */
export function leaderCells(me) {
  return (me.roles || []).filter((r) => r.role === "secretary" || r.role === "deputy").map((r) => r.unit_id);
}

/** Whether the caller sees dashboards (a committee, or a cell leader). */
export function seesDashboards(me) {
  return (me.roles || []).some((r) => ["committee", "secretary", "deputy"].includes(r.role));
}

/** The files a leader gave with a task (a form to fill in, a photo), as links to open. */
export function givenFiles(a) {
  if (!a.attachments || !a.attachments.length) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "given-h" },
    h("h2", { id: "given-h" }, t("pwa.doc.attachments")),
    h(
      "ul",
      { class: "list" },
      a.attachments.map((f) => h("li", {}, h("a", { href: f.url, target: "_blank", rel: "noopener", class: "button secondary" }, f.filename), " ", h("span", { class: "hint" }, `(${fmtBytes(f.size)})`))),
    ),
  );
}
