// Văn bản: the library with filters and search as you type (with or without diacritics).
import { state } from "../app.js";
import { ApiError, get, send } from "../js/api.js";
import { idb } from "../js/db.js";
import { empty, field, h, pageTitle, pill } from "../js/dom.js";
import { fmtNumber } from "../js/fmt.js";
import { t } from "../js/i18n.js";
import { docItem, moreButton } from "../js/ui.js";
import { LISTS } from "../js/lists.js";

const KINDS = ["resolution", "directive", "conclusion", "decision", "regulation", "statute", "guidance", "plan", "notice", "letter", "circular", "report", "programme", "project", "study_material"];
const LEVELS = ["central", "province", "commune", "grassroots", "cell"];

function select(name, label, options, value) {
  const el = h("select", { name }, h("option", { value: "" }, t("pwa.filter.all")), options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  return field(`f-${name}`, label, el);
}

function years() {
  const now = new Date().getFullYear();
  return Array.from({ length: 12 }, (_, i) => String(now - i)).map((y) => [y, y]);
}

/** A study set in a list: a link to its screen, with the member's own progress. */
export function setItem(s) {
  const p = s.progress;
  return h(
    "li",
    {},
    h(
      "a",
      { class: "item", href: `/study-sets/${s.id}` },
      h("span", { class: "item-title" }, s.title),
      h("span", { class: "item-meta" }, t("pwa.library.set_progress", { done: fmtNumber(p.acknowledged), total: fmtNumber(p.total), rate: p.rate_text })),
      h("progress", { class: "progress", max: p.total || 1, value: p.acknowledged, "aria-label": s.title }),
    ),
  );
}

async function studySets() {
  let page;
  try {
    page = await get("/study-sets?limit=5");
  } catch {
    return null; // no study sets on this server (or offline without a copy)
  }
  if (!page.items || !page.items.length) return null;
  return h(
    "section",
    { "aria-labelledby": "sets-h" },
    h("div", { class: "section-head" }, h("h2", { id: "sets-h" }, t("pwa.library.study_sets")), page.next_cursor ? h("a", { href: "/study-sets" }, t("pwa.home.see_all")) : null),
    h("ul", { class: "list" }, page.items.map(setItem)),
  );
}

/** "Mới" on a document that arrived since the member last looked (a word, not colour alone). */
export function newBadge(li, doc) {
  const link = li.querySelector("a");
  if (doc.is_new && link) link.insertBefore(pill(t("pwa.library.new"), "new"), link.querySelector(".pill"));
  return li;
}

function queryString(form) {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (String(v).trim()) params.set(k, String(v).trim());
  return params;
}

/** The library; `focusSearch` puts the cursor in the search box (the Tìm kiếm screen). */
export async function render(ctx, focusSearch = false) {
  const q = ctx.query;
  const input = h("input", { type: "search", name: "q", value: q.get("q") || "", autocomplete: "off", enterkeyhint: "search", maxlength: 200 });
  const form = h(
    "form",
    { role: "search", class: "search-box", "aria-label": t("pwa.nav.search") },
    field("q", t("pwa.library.search_label"), input, t("pwa.library.search_hint")),
    h(
      "details",
      { open: q.get("kind") || q.get("level") || q.get("topic") || q.get("year") ? true : null },
      h("summary", { class: "button secondary" }, t("pwa.library.filters")),
      h(
        "div",
        { class: "filters" },
        select("kind", t("pwa.filter.kind"), KINDS.map((k) => [k, t(`pwa.kind.${k}`)]), q.get("kind") || ""),
        select("level", t("pwa.filter.level"), LEVELS.map((k) => [k, t(`pwa.level.${k}`)]), q.get("level") || ""),
        field("f-topic", t("pwa.filter.topic"), h("input", { type: "text", name: "topic", value: q.get("topic") || "", maxlength: 80 })),
        select("year", t("pwa.filter.year"), years(), q.get("year") || ""),
      ),
    ),
  );
  const status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
  const ul = h("ul", { class: "list" });
  const marks = await idb.all("marks").catch(() => []);
  const item = (d) => newBadge(docItem(d, marks.find((m) => m.document_id === d.id)), d);
  let params = queryString(form);
  const more = moreButton((cursor) => get(`/documents?${new URLSearchParams({ ...Object.fromEntries(params), cursor, limit: 20 })}`), ul, item);
  let controller = null;
  let seenSent = false; // once per visit to the library, never per render

  async function load() {
    params = queryString(form);
    const qs = params.toString();
    history.replaceState(null, "", `${location.pathname}${qs ? `?${qs}` : ""}`);
    if (controller) controller.abort();
    controller = new AbortController();
    status.textContent = t("pwa.loading");
    try {
      const page = await get(qs ? `/documents?${new URLSearchParams({ ...Object.fromEntries(params), limit: 20 })}` : LISTS.documents, { signal: controller.signal });
      ul.replaceChildren(...page.items.map(item));
      more.set(page.next_cursor);
      status.textContent = page.items.length ? (params.get("q") ? t("pwa.library.results", { n: fmtNumber(page.items.length) + (page.next_cursor ? "+" : "") }) : "") : "";
      if (!page.items.length) ul.replaceChildren(h("li", {}, empty(params.get("q") ? t("pwa.library.no_results") : t("pwa.library.empty"))));
      // The member has now seen the unfiltered first page fresh from the network, so what
      // was new is no longer new. Not worth a queued write: skipped offline or on a saved copy.
      if (!seenSent && !qs && !focusSearch && navigator.onLine && !state.cachedAt && ctx.alive()) {
        seenSent = true;
        send("POST", "/library/seen", null).catch(() => null);
      }
    } catch (err) {
      if (err && err.name === "AbortError") return;
      status.textContent = err instanceof ApiError && err.offline ? t("pwa.library.offline_search") : t("pwa.error.generic");
    }
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 350); // search as you type, without a request per keystroke
  });
  form.addEventListener("change", (e) => e.target !== input && load());
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    load();
  });
  ctx.show(pageTitle(focusSearch ? t("pwa.nav.search") : t("pwa.nav.documents")), form, status, ul, more.button);
  if (focusSearch) input.focus();
  await load();
  if (!focusSearch && !params.toString()) {
    const sets = await studySets();
    if (sets && ctx.alive()) form.after(sets);
  }
}

/** Tìm kiếm: the library with the search box focused. */
export function search(ctx) {
  return render(ctx, true);
}
