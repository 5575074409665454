// For a cell's secretary or deputy: give a task, the cell's tasks, approve or return, remind.
import { get, send } from "../js/api.js";
import { alertBox, busy, empty, field, h, pageTitle, pill, showFieldErrors, toast } from "../js/dom.js";
import { fmtDateTime, isoToLocalInput, localInputToIso } from "../js/fmt.js";
import { problemText, t } from "../js/i18n.js";
import { givenFiles, leaderCells, moreButton, statePills } from "../js/ui.js";
import { LISTS } from "../js/lists.js";

function fileForm(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  return form;
}

async function allMembers(cellId) {
  const out = [];
  let cursor = "";
  for (let i = 0; i < 10; i += 1) {
    const page = await get(`/units/${cellId}/members?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    out.push(...page.items.filter((m) => m.is_active !== false));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

function defaultDue() {
  // One week from now at 17:00 Vietnam time: a typical deadline, easy to change.
  const d = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  return `${isoToLocalInput(d.toISOString()).slice(0, 10)}T17:00`;
}

function memberPicker(members) {
  const whole = h("input", { type: "radio", name: "who", id: "who-all", value: "all", checked: true });
  const some = h("input", { type: "radio", name: "who", id: "who-some", value: "some" });
  const boxes = members.map((m) => h("div", { class: "check" }, h("input", { type: "checkbox", name: "assignee", id: `m-${m.id}`, value: String(m.id) }), h("label", { for: `m-${m.id}` }, m.full_name)));
  const list = h("fieldset", { class: "choices", id: "assignees", hidden: true }, h("legend", {}, t("pwa.cell.pick_members")), boxes);
  const toggle = () => (list.hidden = !some.checked);
  whole.addEventListener("change", toggle);
  some.addEventListener("change", toggle);
  return h(
    "div",
    {},
    h("fieldset", { class: "choices" }, h("legend", {}, t("pwa.cell.who")), h("div", { class: "choice" }, whole, h("label", { for: "who-all" }, t("pwa.cell.whole_cell", { n: members.length }))), h("div", { class: "choice" }, some, h("label", { for: "who-some" }, t("pwa.cell.some_members")))),
    list,
  );
}

async function documentPicker() {
  let page;
  try {
    page = await get(LISTS.documents);
  } catch {
    return null;
  }
  if (!page.items.length) return null;
  return h(
    "details",
    { class: "card" },
    h("summary", {}, t("pwa.cell.link_documents")),
    h("fieldset", { class: "choices" }, h("legend", {}, t("pwa.cell.documents")), page.items.map((d) => h("div", { class: "check" }, h("input", { type: "checkbox", name: "document", id: `d-${d.id}`, value: String(d.id) }), h("label", { for: `d-${d.id}` }, `${d.symbol} — ${d.title}`)))),
  );
}

/** Giao nhiệm vụ: one, several or all members of the cell, a due time, linked documents. */
export async function newTask(ctx) {
  const cells = leaderCells(ctx.me);
  if (!cells.length) return ctx.show(pageTitle(t("pwa.cell.new_task")), alertBox(t("pwa.cell.not_leader")));
  const cellId = cells.includes(ctx.me.cell && ctx.me.cell.id) ? ctx.me.cell.id : cells[0];
  const [members, docs] = await Promise.all([allMembers(cellId), documentPicker()]);
  const title = h("input", { type: "text", name: "title", required: true, maxlength: 300 });
  const description = h("textarea", { name: "description", maxlength: 5000, rows: 4 });
  const due = h("input", { type: "datetime-local", name: "due", required: true, value: defaultDue() });
  // The phone's picker follows the phone's language; say the chosen time the Vietnamese way.
  const echo = h("p", { class: "hint", id: "t-due-echo", "aria-live": "polite" });
  const sayDue = () => (echo.textContent = due.value ? t("pwa.cell.due_echo", { when: fmtDateTime(localInputToIso(due.value)) }) : "");
  due.addEventListener("input", sayDue);
  sayDue();
  const file = h("input", { type: "file", name: "file", accept: "application/pdf,image/*,.doc,.docx,.xls,.xlsx" });
  const repeat = h("select", { name: "repeat" }, ["", "weekly", "monthly", "quarterly"].map((v) => h("option", { value: v }, t(`pwa.cell.repeat_${v || "none"}`))));
  const status = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button primary block" }, t("pwa.cell.give"));
  const form = h(
    "form",
    { class: "form", novalidate: true },
    field("t-title", t("pwa.cell.task_title"), title),
    field("t-description", t("pwa.cell.task_description"), description),
    field("t-due", t("pwa.cell.due"), due, t("pwa.cell.due_hint")),
    echo,
    memberPicker(members),
    field("t-repeat", t("pwa.cell.repeat"), repeat),
    docs,
    field("t-file", t("pwa.doc.attachments"), file),
    status,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.replaceChildren();
    const data = new FormData(form);
    const body = {
      cell_id: cellId,
      title: title.value,
      description: description.value,
      due_at: localInputToIso(due.value),
      document_ids: data.getAll("document").map(Number),
    };
    if (data.get("who") === "all") body.all_members = true;
    else body.assignee_ids = data.getAll("assignee").map(Number);
    if (repeat.value) body.recurrence = { frequency: repeat.value };
    if (body.assignee_ids && !body.assignee_ids.length) {
      status.append(alertBox(t("pwa.cell.pick_someone")));
      return;
    }
    busy(submit, async () => {
      try {
        // The file goes up first; the task then claims it (both or neither, server side).
        if (file.files.length) body.attachment_ids = [(await send("POST", "/uploads", fileForm(file.files[0]))).id];
        const created = await send("POST", "/assignments", body);
        toast(t("pwa.cell.given", { n: created.records.length }));
        ctx.go(`/assignments/${created.id}`, { replace: true });
      } catch (err) {
        const rest = showFieldErrors(form, err.problem, { title: "t-title", description: "t-description", due_at: "t-due" });
        status.append(alertBox([problemText(err.problem), ...rest].join(" ")));
      }
    });
  });
  ctx.show(pageTitle(t("pwa.cell.new_task")), h("p", { class: "hint" }, ctx.me.cell && ctx.me.cell.id === cellId ? ctx.me.cell.name : ""), form);
}

function countsLine(a) {
  const c = a.counts || {};
  return t("pwa.cell.counts", { done: c.approved || 0, total: c.total || (a.records || []).length, waiting: c.submitted || 0, overdue: c.overdue || 0 });
}

function cellItem(a) {
  const c = a.counts || {};
  return h(
    "li",
    {},
    h(
      "a",
      { class: "item", href: `/assignments/${a.id}` },
      h("span", { class: "item-title" }, a.title),
      h("span", { class: "item-meta" }, t("pwa.task.due", { when: a.due_at_local || fmtDateTime(a.due_at) })),
      h("span", { class: "item-meta" }, countsLine(a)),
      a.status === "cancelled" ? pill(t("pwa.task.state.cancelled"), "neutral") : c.submitted ? pill(t("pwa.cell.to_review", { n: c.submitted }), "warn") : null,
    ),
  );
}

/** Nhiệm vụ của chi bộ: every assignment of the leader's cell with its progress. */
export async function list(ctx) {
  const cells = leaderCells(ctx.me);
  if (!cells.length) return ctx.show(pageTitle(t("pwa.cell.title")), alertBox(t("pwa.cell.not_leader")));
  const cellId = cells.includes(ctx.me.cell && ctx.me.cell.id) ? ctx.me.cell.id : cells[0];
  const page = await get(`/assignments?scope=cell&cell_id=${cellId}&limit=30`);
  const ul = h("ul", { class: "list" }, page.items.map(cellItem));
  const more = moreButton((cursor) => get(`/assignments?scope=cell&cell_id=${cellId}&limit=30&cursor=${encodeURIComponent(cursor)}`), ul, cellItem);
  more.set(page.next_cursor);
  ctx.show(pageTitle(t("pwa.cell.title")), h("div", { class: "actions" }, h("a", { href: "/assignments/new", class: "button primary" }, t("pwa.cell.new_task"))), page.items.length ? ul : empty(t("pwa.cell.none")), more.button);
}

function reviewBox(a, r, rerender) {
  const approve = h("button", { type: "button", class: "button primary", dataset: { approve: r.user_id } }, t("pwa.cell.approve"));
  approve.addEventListener("click", () =>
    busy(approve, async () => {
      try {
        await send("POST", `/assignments/${a.id}/assignees/${r.user_id}/approve`, {});
        toast(t("pwa.cell.approved", { name: r.full_name }));
        rerender();
      } catch (err) {
        toast(problemText(err.problem));
      }
    }),
  );
  const reason = h("textarea", { maxlength: 2000, rows: 3 });
  const back = h("button", { type: "submit", class: "button danger" }, t("pwa.cell.return"));
  const form = h("form", { class: "form" }, field(`reason-${r.user_id}`, t("pwa.cell.return_reason"), reason), back);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      showFieldErrors(form, { errors: [{ field: "reason", message: t("pwa.cell.reason_needed") }] }, { reason: `reason-${r.user_id}` });
      return;
    }
    busy(back, async () => {
      try {
        await send("POST", `/assignments/${a.id}/assignees/${r.user_id}/return`, { reason: reason.value });
        toast(t("pwa.cell.returned", { name: r.full_name }));
        rerender();
      } catch (err) {
        toast(problemText(err.problem));
      }
    });
  });
  return h("div", {}, h("div", { class: "actions" }, approve), h("details", {}, h("summary", { class: "button secondary" }, t("pwa.cell.return")), form));
}

function recordCard(a, r, rerender) {
  return h(
    "li",
    { class: "card" },
    h("h3", {}, r.full_name),
    h("p", { class: "pills" }, statePills(r)),
    r.submitted_at ? h("p", { class: "hint" }, t("pwa.cell.submitted_at", { when: fmtDateTime(r.submitted_at) })) : null,
    r.report ? h("p", { class: "prewrap" }, r.report) : null,
    (r.attachment_ids || []).length ? h("p", {}, r.attachment_ids.map((id, i) => h("a", { href: `/api/v1/attachments/${id}`, target: "_blank", rel: "noopener", class: "button secondary" }, t("pwa.cell.attachment", { n: i + 1 })))) : null,
    r.return_reason && r.state === "returned" ? h("p", { class: "hint" }, t("pwa.task.returned_because", { reason: r.return_reason })) : null,
    r.state === "submitted" ? reviewBox(a, r, rerender) : null,
  );
}

/** A leader's view of one task: every member's record, approve/return, remind, cancel. */
export async function leaderView(ctx, a) {
  const rerender = async () => leaderView(ctx, await get(`/assignments/${a.id}`));
  const owing = (a.records || []).filter((r) => ["assigned", "in_progress", "returned"].includes(r.state));
  const remind = h("button", { type: "button", class: "button secondary" }, t("pwa.cell.remind", { n: owing.length }));
  remind.addEventListener("click", () =>
    busy(remind, async () => {
      try {
        const result = await send("POST", `/assignments/${a.id}/remind`, {});
        toast(t("pwa.cell.reminded", { n: result.reminded }));
      } catch (err) {
        toast(problemText(err.problem));
      }
    }),
  );
  const cancel = h("button", { type: "button", class: "button danger" }, t("pwa.cell.cancel"));
  cancel.addEventListener("click", () => {
    if (!window.confirm(t("pwa.cell.cancel_confirm"))) return;
    busy(cancel, async () => {
      try {
        await send("POST", `/assignments/${a.id}/cancel`, {});
        toast(t("pwa.cell.cancelled"));
        rerender();
      } catch (err) {
        toast(problemText(err.problem));
      }
    });
  });
  const order = { submitted: 0, returned: 1, in_progress: 2, assigned: 3, approved: 4, cancelled: 5 };
  const records = [...(a.records || [])].sort((x, y) => order[x.state] - order[y.state]);
  ctx.show(
    pageTitle(a.title),
    h("p", { class: "hint" }, `${a.cell_name} · ${t("pwa.task.due", { when: a.due_at_local || fmtDateTime(a.due_at) })}`),
    a.status === "cancelled" ? h("p", { class: "notice" }, t("pwa.task.state.cancelled")) : null,
    a.description ? h("p", { class: "prewrap" }, a.description) : null,
    givenFiles(a),
    h("p", { class: "notice" }, countsLine(a)),
    a.status === "open" ? h("div", { class: "actions" }, owing.length ? remind : null, cancel) : null,
    h("h2", {}, t("pwa.cell.records")),
    h("ul", { class: "list" }, records.map((r) => recordCard(a, r, rerender))),
  );
}
