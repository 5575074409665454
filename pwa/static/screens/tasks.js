// Nhiệm vụ: my tasks by state; a task's detail with history, comments, start and report.
import { ApiError, get, send, write } from "../js/api.js";
import { idb } from "../js/db.js";
import { busy, empty, field, h, pageTitle, toast } from "../js/dom.js";
import { fmtDateTime } from "../js/fmt.js";
import { problemText, t } from "../js/i18n.js";
import { givenFiles, leaderCells, moreButton, ownRecord, statePills, taskItem } from "../js/ui.js";
import { leaderView } from "./cell.js";
import { LISTS } from "../js/lists.js";

const GROUPS = [
  ["todo", ["assigned", "in_progress", "returned"]],
  ["waiting", ["submitted"]],
  ["done", ["approved"]],
  ["cancelled", ["cancelled"]],
];

/** My tasks, grouped by state (to do, waiting for approval, done, cancelled). */
export async function list(ctx) {
  const me = ctx.me;
  const page = await get(LISTS.tasks);
  const rows = page.items.map((a) => [a, ownRecord(a, me) || (a.records || [])[0]]).filter(([, r]) => r);
  const sections = GROUPS.map(([key, states]) => {
    const mine = rows.filter(([, r]) => states.includes(r.state));
    if (!mine.length && key !== "todo") return null;
    return h(
      "section",
      { "aria-labelledby": `g-${key}` },
      h("h2", { id: `g-${key}` }, t(`pwa.task.group.${key}`), " ", h("span", { class: "hint" }, `(${mine.length})`)),
      mine.length ? h("ul", { class: "list" }, mine.map(([a, r]) => taskItem(a, r))) : empty(t("pwa.task.none_todo")),
    );
  });
  const leader = leaderCells(me).length
    ? h("div", { class: "actions" }, h("a", { href: "/assignments/new", class: "button primary" }, t("pwa.cell.new_task")), h("a", { href: "/cell", class: "button secondary" }, t("pwa.cell.title")))
    : null;
  const ul = h("ul", { class: "list" });
  const more = moreButton((cursor) => get(`/assignments?scope=mine&limit=50&cursor=${encodeURIComponent(cursor)}`), ul, (a) => taskItem(a, ownRecord(a, me)));
  more.set(page.next_cursor);
  ctx.show(pageTitle(t("pwa.nav.assignments")), leader, sections, ul, more.button);
}

function historyList(events) {
  if (!events.length) return empty(t("pwa.task.no_history"));
  return h(
    "ol",
    { class: "timeline" },
    events.map((e) =>
      h(
        "li",
        {},
        h("time", { datetime: e.at }, e.at_local || fmtDateTime(e.at)),
        h("strong", {}, e.label),
        e.actor ? h("span", { class: "hint" }, ` — ${e.actor.full_name}`) : null,
        e.note ? h("p", {}, e.note) : null,
      ),
    ),
  );
}

async function upload(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  return send("POST", "/uploads", form);
}

function queuedMark(id, action) {
  return { key: `task:${id}`, value: { assignment_id: id, action } };
}

function reportForm(a, record, rerender) {
  const text = h("textarea", { maxlength: 10000, rows: 5, name: "report" }, record.state === "returned" ? record.report || "" : "");
  const file = h("input", { type: "file", name: "file", accept: "image/*,application/pdf", capture: null });
  const status = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button primary block" }, record.state === "returned" ? t("pwa.task.resubmit") : t("pwa.task.submit"));
  const form = h(
    "form",
    { class: "card form", novalidate: true, "aria-labelledby": "report-h" },
    h("h2", { id: "report-h" }, t("pwa.task.report")),
    record.state === "returned" && record.return_reason ? h("p", { class: "alert" }, t("pwa.task.returned_because", { reason: record.return_reason })) : null,
    field("report-text", t("pwa.task.report_text"), text, t("pwa.task.report_hint")),
    field("report-file", t("pwa.task.report_file"), file, t("pwa.task.report_file_hint")),
    status,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.replaceChildren();
    if (!text.value.trim() && !file.files.length) {
      status.append(h("p", { class: "alert", role: "alert" }, t("pwa.task.report_empty")));
      text.focus();
      return;
    }
    busy(submit, async () => {
      try {
        const ids = [];
        if (file.files.length) {
          if (!navigator.onLine) throw new ApiError(0, null);
          ids.push((await upload(file.files[0])).id);
        }
        const result = await write("POST", `/assignments/${a.id}/submit`, { report: text.value, attachment_ids: ids }, { label: t("pwa.task.submit_label", { title: a.title }), mark: queuedMark(a.id, "submit") });
        toast(result.queued ? t("pwa.queued") : t("pwa.task.submitted"));
        rerender(result.queued ? null : result.data);
      } catch (err) {
        const offlineFile = err instanceof ApiError && err.offline;
        status.append(h("p", { class: "alert", role: "alert" }, offlineFile ? t("pwa.task.file_needs_network") : problemText(err.problem)));
      }
    });
  });
  return form;
}

function commentForm(a, onDone) {
  const text = h("textarea", { maxlength: 2000, rows: 3 });
  const button = h("button", { type: "submit", class: "button secondary" }, t("pwa.task.comment_send"));
  const form = h("form", { class: "form" }, field(`comment-${a.id}`, t("pwa.task.comment"), text), button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!text.value.trim()) return text.focus();
    busy(button, async () => {
      try {
        const result = await write("POST", `/assignments/${a.id}/comments`, { text: text.value }, { label: t("pwa.task.comment_label", { title: a.title }) });
        text.value = "";
        toast(result.queued ? t("pwa.queued") : t("pwa.saved"));
        onDone();
      } catch (err) {
        toast(problemText(err.problem));
      }
    });
  });
  return form;
}

function facts(a) {
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, t("pwa.task.due_label")),
    h("dd", {}, a.due_at_local || fmtDateTime(a.due_at)),
    h("dt", {}, t("pwa.task.from")),
    h("dd", {}, a.created_by.full_name),
    h("dt", {}, t("pwa.me.cell")),
    h("dd", {}, a.cell_name),
    a.period_label ? [h("dt", {}, t("pwa.task.period")), h("dd", {}, a.period_label)] : null,
  );
}

/** One task: what, when, state, history, and the member's next step. */
export async function detail(ctx) {
  const id = Number(ctx.params.id);
  const me = ctx.me;
  const a = await get(`/assignments/${id}`);
  if (leaderCells(me).includes(a.cell_id)) return leaderView(ctx, a);
  const record = ownRecord(a, me);
  const events = await get(`/assignments/${id}/history?limit=100`).then((p) => p.items).catch(() => []);
  const rerender = () => detail(ctx);
  // A step taken offline waits on this device: show it, and do not offer the same step
  // again (a second "start" would only be refused by the server when it is replayed).
  const queued = await idb.get("marks", `task:${id}`).catch(() => null);
  const next = [];
  if (queued) next.push(h("p", { class: "alert", role: "status", id: "task-queued" }, t(`pwa.task.queued_${queued.action}`)));
  else if (record && record.state === "assigned") {
    const start = h("button", { type: "button", class: "button primary block", id: "start" }, t("pwa.task.start"));
    start.addEventListener("click", () =>
      busy(start, async () => {
        try {
          const result = await write("POST", `/assignments/${id}/start`, null, { label: t("pwa.task.start_label", { title: a.title }), mark: queuedMark(id, "start") });
          toast(result.queued ? t("pwa.queued") : t("pwa.task.started"));
          rerender();
        } catch (err) {
          toast(problemText(err.problem));
        }
      }),
    );
    next.push(start);
  }
  if (!(queued && queued.action === "submit") && record && ["assigned", "in_progress", "returned"].includes(record.state)) next.push(reportForm(a, record, rerender));
  ctx.show(
    pageTitle(a.title),
    h("p", { class: "pills" }, statePills(record)),
    facts(a),
    a.description ? h("p", { class: "prewrap" }, a.description) : null,
    a.documents.length ? h("p", {}, `${t("pwa.task.documents")}: `, a.documents.map((d, i) => [i ? ", " : "", h("a", { href: `/documents/${d.id}` }, d.symbol || d.title)])) : null,
    givenFiles(a),
    record && record.report && record.state !== "returned" ? h("section", { class: "card" }, h("h2", {}, t("pwa.task.my_report")), h("p", { class: "prewrap" }, record.report)) : null,
    next,
    h("section", { "aria-labelledby": "hist-h" }, h("h2", { id: "hist-h" }, t("pwa.task.history")), historyList(events), a.status === "open" ? commentForm(a, rerender) : null),
  );
}
