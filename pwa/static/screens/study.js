// Chuyên đề: a study set's documents in order, the member's own progress, what to study next.
import { get } from "../js/api.js";
import { idb } from "../js/db.js";
import { empty, h, pageTitle, pill } from "../js/dom.js";
import { fmtNumber } from "../js/fmt.js";
import { t } from "../js/i18n.js";
import { asksAgain, moreButton } from "../js/ui.js";
import { setItem } from "./library.js";

// The member's own state of one document: [text key, pill kind, counts as studied].
const STATES = {
  acknowledged: ["pwa.doc.acknowledged", "ok", true],
  queued: ["pwa.doc.ack_waiting", "warn", true], // acknowledged offline, waiting to sync
  again: ["pwa.doc.ack_again", "warn", false],
  read: ["pwa.study.read", "neutral", false],
  unread: ["pwa.doc.unread", "info", false],
};

// The server's rate_text format ("33,3%"), for a count that includes queued acknowledgements.
const PERCENT = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function stateOf(doc, mark) {
  const r = doc.receipt;
  if (r && r.acknowledged) return "acknowledged";
  if (mark && mark.acknowledged) return "queued";
  if (asksAgain(r)) return "again";
  return r && r.read ? "read" : "unread";
}

function docLine(doc) {
  return [doc.kind_label, doc.symbol].filter(Boolean).join(" · ");
}

/** Chuyên đề học tập: every study set the member may see. */
export async function list(ctx) {
  const page = await get("/study-sets?limit=20");
  const ul = h("ul", { class: "list" }, page.items.map(setItem));
  const more = moreButton((cursor) => get(`/study-sets?limit=20&cursor=${encodeURIComponent(cursor)}`), ul, setItem);
  more.set(page.next_cursor);
  ctx.show(pageTitle(t("pwa.library.study_sets")), page.items.length ? ul : empty(t("pwa.study.none")), more.button);
}

/** One study set. Fetched with get() so the service worker keeps a copy for offline use. */
export async function detail(ctx) {
  const set = await get(`/study-sets/${Number(ctx.params.id)}`);
  const marks = await idb.all("marks").catch(() => []);
  const items = (set.items || []).map(({ document: doc }, i) => ({
    doc,
    n: i + 1, // shown in order; positions may skip documents this member cannot read
    state: stateOf(doc, marks.find((m) => m.document_id === doc.id)),
  }));
  // An acknowledgement still waiting on this device counts already (as the reader says).
  const queued = items.filter((i) => i.state === "queued").length;
  const total = set.progress.total;
  const done = Math.min(total, set.progress.acknowledged + queued);
  const rate = queued ? PERCENT.format(total ? (done / total) * 100 : 0) + "%" : set.progress.rate_text;
  const next = items.find((i) => !STATES[i.state][2]);

  // Compact, so that the "next" button is on the first screen of a small phone.
  const progress = h(
    "div",
    { class: "study-progress" },
    h("p", { id: "study-progress-text" }, h("strong", {}, t("pwa.library.set_progress", { done: fmtNumber(done), total: fmtNumber(total), rate }))),
    h("progress", { class: "progress", max: total || 1, value: done, "aria-label": t("pwa.study.progress"), "aria-describedby": "study-progress-text" }),
  );
  let hint = null;
  if (next) {
    hint = h(
      "section",
      { class: "card", id: "study-next", "aria-labelledby": "study-next-h" },
      h("h2", { id: "study-next-h" }, t("pwa.study.next")),
      h("p", {}, h("strong", {}, `${fmtNumber(next.n)}. ${next.doc.title}`), h("br"), h("span", { class: "hint" }, docLine(next.doc))),
      h("a", { class: "button primary block", href: `/documents/${next.doc.id}` }, t("pwa.study.next_open", { symbol: next.doc.symbol })),
    );
  } else if (items.length) {
    hint = h("p", { class: "success", id: "study-next" }, t("pwa.study.all_done"));
  }
  const docs = items.length
    ? h(
        "ol",
        { class: "list" },
        items.map(({ doc, n, state }) =>
          h(
            "li",
            {},
            h(
              "a",
              { class: "item", href: `/documents/${doc.id}` },
              h("span", { class: "item-title" }, `${fmtNumber(n)}. ${doc.title}`),
              h("span", { class: "item-meta" }, docLine(doc)),
              pill(t(STATES[state][0]), STATES[state][1]),
            ),
          ),
        ),
      )
    : empty(t("pwa.study.empty"));

  ctx.show(
    h("p", { class: "study-back" }, h("a", { href: "/study-sets" }, t("pwa.study.all"))),
    pageTitle(set.title),
    h("p", { class: "hint" }, set.issuer.name),
    set.description ? h("p", { class: "prewrap" }, set.description) : null,
    progress,
    hint,
    h("section", { "aria-labelledby": "study-docs-h" }, h("h2", { id: "study-docs-h" }, t("pwa.study.documents")), docs),
  );
}
