// Đọc văn bản: the document, "Đã học tập, quán triệt", bookmark, private note, save offline.
import { ApiError, get, send, write } from "../js/api.js";
import { idb } from "../js/db.js";
import { busy, field, h, pageTitle, pill, toast } from "../js/dom.js";
import { fmtBytes, fmtDate, fmtDateTime } from "../js/fmt.js";
import { problemText, t } from "../js/i18n.js";
import { asksAgain } from "../js/ui.js";

const FILES = "sotay-files";

async function saveOffline(doc) {
  const cache = await caches.open(FILES);
  // The document itself and every attachment (the PDF), kept until the member unsaves it.
  const urls = [`/api/v1/documents/${doc.id}`, ...doc.attachments.map((a) => a.url || `/api/v1/attachments/${a.id}`)];
  for (const url of urls) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new ApiError(response.status, null);
    await cache.put(url, response);
  }
  await idb.put("saved", { id: doc.id, symbol: doc.symbol, title: doc.title, urls, at: Date.now() });
}

async function unsave(id) {
  const saved = await idb.get("saved", id);
  const cache = await caches.open(FILES);
  for (const url of (saved && saved.urls) || []) await cache.delete(url);
  await idb.del("saved", id);
}

function header(doc) {
  return h(
    "header",
    { class: "doc-head" },
    h("p", {}, h("span", { class: "symbol" }, doc.kind_label), " · ", h("span", { class: "symbol" }, doc.symbol)),
    pageTitle(doc.title),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("pwa.doc.issuer")),
      h("dd", {}, doc.issuer.name),
      h("dt", {}, t("pwa.doc.issued_on")),
      h("dd", {}, fmtDate(doc.issued_on)),
      doc.effective_on ? [h("dt", {}, t("pwa.doc.effective_on")), h("dd", {}, fmtDate(doc.effective_on))] : null,
      doc.version > 1 ? [h("dt", {}, t("pwa.doc.version")), h("dd", {}, String(doc.version))] : null,
      doc.topics && doc.topics.length ? [h("dt", {}, t("pwa.doc.topics")), h("dd", {}, doc.topics.join(", "))] : null,
    ),
    doc.archived ? h("p", { class: "notice" }, t("pwa.doc.archived")) : null,
    links(t("pwa.doc.replaced_by"), doc.replaced_by),
    links(t("pwa.doc.replaces"), doc.replaces),
  );
}

function links(label, items) {
  if (!items || !items.length) return null;
  return h("p", { class: "notice" }, `${label}: `, items.map((d, i) => [i ? ", " : "", h("a", { href: `/documents/${d.id}` }, `${d.symbol} ${d.title}`)]));
}

function ackBlock(doc, mark) {
  const box = h("div", { class: "card", id: "ack" });
  const r = doc.receipt || {};
  const paint = (state) => {
    box.replaceChildren();
    if (state === "done") {
      box.append(h("p", { class: "success ack-done", role: "status" }, t("pwa.doc.ack_done", { when: fmtDateTime(r.acknowledged_at) })));
    } else if (state === "queued") {
      box.append(h("p", { class: "notice ack-done", role: "status" }, t("pwa.doc.ack_queued")));
    } else {
      if (asksAgain(r)) box.append(h("p", { class: "notice" }, t("pwa.doc.ack_again_detail")));
      const button = h("button", { type: "button", class: "button primary block", id: "ack-button" }, t("pwa.doc.ack_button"));
      button.addEventListener("click", () =>
        busy(button, async () => {
          try {
            const result = await write("POST", `/documents/${doc.id}/acknowledge`, { version: doc.version }, {
              label: t("pwa.doc.ack_label", { symbol: doc.symbol }),
              mark: { key: `ack:${doc.id}`, value: { document_id: doc.id, acknowledged: true } },
            });
            if (!result.queued) r.acknowledged_at = (result.data && result.data.acknowledged_at) || new Date().toISOString();
            paint(result.queued ? "queued" : "done");
            box.querySelector("p").focus?.();
          } catch (err) {
            toast(problemText(err.problem));
          }
        }),
      );
      box.append(h("p", { class: "hint" }, t("pwa.doc.ack_hint")), button);
    }
  };
  paint(mark ? "queued" : r.acknowledged ? "done" : "todo");
  return box;
}

function tools(doc, saved) {
  const r = doc.receipt || {};
  let bookmarked = Boolean(r.bookmarked);
  const bookmark = h("button", { type: "button", class: "button secondary", "aria-pressed": String(bookmarked) }, bookmarked ? t("pwa.doc.bookmarked") : t("pwa.doc.bookmark"));
  bookmark.addEventListener("click", () =>
    busy(bookmark, async () => {
      const next = !bookmarked;
      try {
        const result = await write(next ? "PUT" : "DELETE", `/documents/${doc.id}/bookmark`, null, { label: t("pwa.doc.bookmark_label", { symbol: doc.symbol }) });
        bookmarked = next;
        bookmark.setAttribute("aria-pressed", String(next));
        bookmark.textContent = next ? t("pwa.doc.bookmarked") : t("pwa.doc.bookmark");
        if (result.queued) toast(t("pwa.queued"));
      } catch (err) {
        toast(problemText(err.problem));
      }
    }),
  );
  let isSaved = Boolean(saved);
  const save = h("button", { type: "button", class: "button secondary", "aria-pressed": String(isSaved), id: "save-offline" }, isSaved ? t("pwa.doc.saved") : t("pwa.doc.save"));
  save.addEventListener("click", () =>
    busy(save, async () => {
      try {
        if (isSaved) await unsave(doc.id);
        else await saveOffline(doc);
        isSaved = !isSaved;
        save.setAttribute("aria-pressed", String(isSaved));
        save.textContent = isSaved ? t("pwa.doc.saved") : t("pwa.doc.save");
        toast(isSaved ? t("pwa.doc.saved_toast") : t("pwa.doc.unsaved_toast"));
      } catch {
        toast(t("pwa.doc.save_failed"));
      }
    }),
  );
  return h("div", { class: "actions" }, bookmark, save);
}

function attachments(doc) {
  if (!doc.attachments || !doc.attachments.length) return null;
  return h(
    "section",
    { "aria-labelledby": "att-h", class: "card" },
    h("h2", { id: "att-h" }, t("pwa.doc.attachments")),
    h(
      "ul",
      { class: "list" },
      doc.attachments.map((a) => {
        const url = a.url || `/api/v1/attachments/${a.id}`;
        return h(
          "li",
          {},
          h("p", {}, a.filename, " ", h("span", { class: "hint" }, `(${fmtBytes(a.size)})`)),
          h(
            "div",
            { class: "actions" },
            h("a", { class: "button secondary", href: url, target: "_blank", rel: "noopener" }, t("pwa.doc.open_file")),
            h("a", { class: "button secondary", href: `${url}${url.includes("?") ? "&" : "?"}download=1`, download: a.filename }, t("pwa.doc.download")),
          ),
        );
      }),
    ),
  );
}

function note(doc) {
  const r = doc.receipt || {};
  const area = h("textarea", { maxlength: 10000, rows: 4 }, r.note || "");
  const button = h("button", { type: "button", class: "button secondary" }, t("pwa.doc.note_save"));
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        const result = await write("PUT", `/documents/${doc.id}/note`, { note: area.value }, { label: t("pwa.doc.note_label", { symbol: doc.symbol }) });
        toast(result.queued ? t("pwa.queued") : t("pwa.saved"));
      } catch (err) {
        toast(problemText(err.problem));
      }
    }),
  );
  return h("section", { class: "card", "aria-labelledby": "note-h" }, h("h2", { id: "note-h" }, t("pwa.doc.note")), field("doc-note", t("pwa.doc.note_label_field"), area, t("pwa.doc.note_hint")), button);
}

/** The reader. */
export async function render(ctx) {
  const id = Number(ctx.params.id);
  const doc = await get(`/documents/${id}`);
  const mark = await idb.get("marks", `ack:${id}`).catch(() => null);
  const saved = await idb.get("saved", id).catch(() => null);
  const body = h("div", { class: "doc-body" });
  // body_html is the server's sanitized HTML (allow-listed tags, no scripts or styles).
  body.innerHTML = doc.body_html || "";
  ctx.show(
    h("article", {}, header(doc), doc.summary ? h("p", { class: "lead" }, h("strong", {}, t("pwa.doc.summary")), " ", doc.summary) : null, ackBlock(doc, mark), tools(doc, saved), body, attachments(doc), note(doc)),
  );
  // "Opened" is a statistic, not the member's act: sent when online, never queued.
  if (navigator.onLine && (!doc.receipt || !doc.receipt.read)) send("POST", `/documents/${id}/read`, null).catch(() => null);
}

