// Sinh hoạt chi bộ: the cell's meetings, a meeting (materials kept offline, reply, minutes,
// rating), the member's QR check-in and the secretary's attendance screen.
import { ApiError, get, send, write } from "../js/api.js";
import { idb } from "../js/db.js";
import { busy, empty, field, h, pageTitle, pill, toast } from "../js/dom.js";
import { fmtDateTime } from "../js/fmt.js";
import { problemText, t } from "../js/i18n.js";
import { leaderCells } from "../js/ui.js";

const FILES = "sotay-files";
const STATE_KIND = { planned: "info", held: "ok", minutes_approved: "ok", cancelled: "neutral", postponed: "warn" };
const CODE_REFRESH_MS = 10000;

function statePill(m) {
  if (!m.published) return pill(t("pwa.meet.draft"), "neutral");
  return pill(m.state_label, STATE_KIND[m.state] || "neutral");
}

function where(m) {
  return m.place || (m.online_url ? t("pwa.meet.online") : "");
}

function item(m) {
  return h(
    "li",
    {},
    h(
      "a",
      { class: "item", href: `/meetings/${m.id}` },
      h("span", { class: "item-title" }, m.title),
      h("span", { class: "item-meta" }, [m.starts_at_local || fmtDateTime(m.starts_at), where(m)].filter(Boolean).join(" · ")),
      statePill(m),
    ),
  );
}

/** Keep a meeting's documents on the device, like documents the member saved. */
export async function keepMaterials(m) {
  const docs = (m.materials || []).filter((x) => x.kind === "document" && x.title);
  if (!docs.length || !("caches" in window)) return 0;
  const cache = await caches.open(FILES);
  let kept = 0;
  for (const d of docs) {
    try {
      const url = `/api/v1/documents/${d.id}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) continue;
      const doc = await response.clone().json();
      await cache.put(url, response);
      const urls = [url];
      for (const a of doc.attachments || []) {
        const aurl = a.url || `/api/v1/attachments/${a.id}`;
        const file = await fetch(aurl, { credentials: "same-origin" });
        if (file.ok) {
          await cache.put(aurl, file);
          urls.push(aurl);
        }
      }
      await idb.put("saved", { id: d.id, symbol: doc.symbol, title: doc.title, urls, at: Date.now(), meeting: m.id });
      kept += 1;
    } catch {
      // Offline or refused: the copy already on the device (if any) stays.
    }
  }
  return kept;
}

function materialsList(m) {
  if (!m.materials.length) return empty(t("pwa.meet.no_materials"));
  return h(
    "ul",
    { class: "list meet-materials" },
    m.materials.map((x) =>
      h(
        "li",
        {},
        x.kind === "document" && x.title
          ? h("a", { class: "item", href: `/documents/${x.id}` }, h("span", { class: "item-title" }, x.title), h("span", { class: "item-meta" }, x.symbol || ""))
          : h("span", { class: "item" }, h("span", { class: "item-title" }, x.title || t("pwa.meet.material_hidden"))),
      ),
    ),
  );
}

/** Attend / excused buttons (excused asks the reason); queued on the device when offline. */
export function replyBlock(m, onDone) {
  const box = h("div", { class: "meet-reply", role: "group", "aria-label": t("pwa.meet.reply_label") });
  const mine = m.me && m.me.reply;
  const status = h("p", { class: "hint", "aria-live": "polite" }, mine ? t(`pwa.meet.replied_${mine}`) : t("pwa.meet.not_replied"));
  const reason = h("input", { type: "text", maxlength: "1000", autocomplete: "off" });
  const reasonField = field(`reason-${m.id}`, t("pwa.meet.reason"), reason);
  reasonField.hidden = mine !== "excused";
  if (m.me && m.me.reply_reason) reason.value = m.me.reply_reason;
  async function answer(kind, button) {
    if (kind === "excused" && !reason.value.trim()) {
      reasonField.hidden = false;
      reason.focus();
      toast(t("pwa.meet.reason_needed"));
      return;
    }
    await busy(button, async () => {
      try {
        const body = kind === "excused" ? { answer: kind, reason: reason.value.trim() } : { answer: kind };
        const result = await write("POST", `/meetings/${m.id}/reply`, body, { label: m.title });
        status.textContent = result.queued ? t("pwa.queued") : t(`pwa.meet.replied_${kind}`);
        attend.setAttribute("aria-pressed", String(kind === "attend"));
        excused.setAttribute("aria-pressed", String(kind === "excused"));
        if (onDone && !result.queued) onDone(result.data);
      } catch (err) {
        toast(err instanceof ApiError ? problemText(err.problem) : t("pwa.error.generic"));
      }
    });
  }
  const attend = h("button", { type: "button", class: "button primary", "aria-pressed": String(mine === "attend"), onclick: (e) => answer("attend", e.currentTarget) }, t("pwa.meet.attend"));
  const excused = h(
    "button",
    {
      type: "button",
      class: "button secondary",
      "aria-pressed": String(mine === "excused"),
      onclick: (e) => {
        if (reasonField.hidden) {
          reasonField.hidden = false;
          reason.focus();
          return;
        }
        answer("excused", e.currentTarget);
      },
    },
    t("pwa.meet.excused"),
  );
  box.append(h("div", { class: "actions" }, attend, excused), reasonField, status);
  return box;
}

/** The next meeting of the member's cell, for the home screen (null when none). */
export async function nextMeeting() {
  const page = await get("/meetings?scope=mine&upcoming=true&limit=3");
  const m = page.items.find((x) => x.published && x.state !== "cancelled");
  if (!m) return null;
  keepMaterials(m); // in the background: the materials are there on the bus tomorrow
  const card = h(
    "div",
    { class: "card meet-next" },
    h("p", { class: "meet-when" }, h("a", { href: `/meetings/${m.id}` }, m.title)),
    h("p", { class: "item-meta" }, [m.starts_at_local, where(m)].filter(Boolean).join(" · ")),
    statePill(m),
    h("h3", {}, t("pwa.meet.materials")),
    materialsList(m),
  );
  if (m.state === "planned") card.append(replyBlock(m));
  if (m.me && m.state !== "minutes_approved") card.append(h("p", {}, h("a", { href: `/meetings/${m.id}/check-in`, class: "button secondary" }, t("pwa.meet.check_in"))));
  return card;
}

/** The cell's meetings: upcoming first, then the past ones. */
export async function list(ctx) {
  const cellId = ctx.query.get("cell");
  const base = cellId ? `/meetings?scope=cell&cell_id=${encodeURIComponent(cellId)}` : "/meetings?scope=mine";
  const [upcoming, past] = await Promise.all([get(`${base}&upcoming=true&limit=20`), get(`${base}&limit=20`)]);
  const soon = new Set(upcoming.items.map((m) => m.id));
  const earlier = past.items.filter((m) => !soon.has(m.id));
  ctx.show(
    pageTitle(t("pwa.meet.title")),
    h("section", { "aria-labelledby": "meet-up" }, h("h2", { id: "meet-up" }, t("pwa.meet.upcoming")), upcoming.items.length ? h("ul", { class: "list" }, upcoming.items.map(item)) : empty(t("pwa.meet.none"))),
    h("section", { "aria-labelledby": "meet-past" }, h("h2", { id: "meet-past" }, t("pwa.meet.past")), earlier.length ? h("ul", { class: "list" }, earlier.map(item)) : empty(t("pwa.meet.none_past"))),
  );
}

function facts(m) {
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, t("pwa.meet.when")),
    h("dd", {}, m.starts_at_local || fmtDateTime(m.starts_at)),
    h("dt", {}, t("pwa.meet.where")),
    h("dd", {}, m.place || "", m.online_url ? h("a", { href: m.online_url, rel: "noopener noreferrer", target: "_blank" }, t("pwa.meet.online_link")) : null),
    h("dt", {}, t("pwa.meet.cell")),
    h("dd", {}, m.cell_name),
  );
}

function minutesBlock(m) {
  if (!m.minutes) return null;
  const mm = m.minutes;
  return h(
    "section",
    { "aria-labelledby": "meet-minutes", class: "meet-minutes" },
    h("h2", { id: "meet-minutes" }, t("pwa.meet.minutes")),
    m.state !== "minutes_approved" ? pill(t("pwa.meet.minutes_draft"), "warn") : null,
    h("h3", {}, t("pwa.meet.minutes_content")),
    h("p", { class: "prewrap" }, mm.content || ""),
    h("h3", {}, t("pwa.meet.minutes_conclusions")),
    h("p", { class: "prewrap" }, mm.conclusions || ""),
    mm.attachments.length
      ? h("ul", { class: "list" }, mm.attachments.map((a) => h("li", {}, h("a", { class: "item", href: a.url }, h("span", { class: "item-title" }, a.filename)))))
      : null,
    mm.assignment_ids.length
      ? h("p", {}, t("pwa.meet.minutes_tasks"), " ", mm.assignment_ids.map((id, i) => [i ? ", " : "", h("a", { href: `/assignments/${id}` }, `#${id}`)]))
      : null,
  );
}

function ratingBlock(m) {
  if (!m.me || !m.me.present || !["held", "minutes_approved"].includes(m.state)) return null;
  if (m.me.has_rated) return h("p", { class: "hint" }, t("pwa.meet.rated"));
  const score = h("select", {}, [5, 4, 3, 2, 1].map((n) => h("option", { value: String(n) }, t(`pwa.meet.score_${n}`))));
  const comment = h("textarea", { rows: "3", maxlength: "1000" });
  const button = h("button", { type: "submit", class: "button primary" }, t("pwa.meet.rate_send"));
  const form = h(
    "form",
    { class: "card" },
    h("h2", { id: "meet-rate" }, t("pwa.meet.rate")),
    h("p", { class: "hint" }, t("pwa.meet.rate_anonymous")),
    field(`score-${m.id}`, t("pwa.meet.score"), score),
    field(`comment-${m.id}`, t("pwa.meet.comment"), comment),
    button,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(button, async () => {
      try {
        await send("POST", `/meetings/${m.id}/rating`, { score: Number(score.value), comment: comment.value.trim() || null });
        form.replaceWith(h("p", { class: "hint" }, t("pwa.meet.rated")));
      } catch (err) {
        toast(err instanceof ApiError ? problemText(err.problem) : t("pwa.error.generic"));
      }
    });
  });
  return form;
}

/** One meeting: facts, agenda, materials (kept offline), reply, check-in, minutes, rating. */
export async function detail(ctx) {
  const m = await get(`/meetings/${ctx.params.id}`);
  const lead = m.can_manage;
  const actions = h("div", { class: "actions" });
  if (lead && !m.published && m.state === "planned") {
    const publish = h("button", { type: "button", class: "button primary" }, t("pwa.meet.publish"));
    publish.addEventListener("click", () =>
      busy(publish, async () => {
        try {
          await send("POST", `/meetings/${m.id}/publish`);
          toast(t("pwa.meet.published"));
          ctx.go(`/meetings/${m.id}`, { replace: true });
        } catch (err) {
          toast(err instanceof ApiError ? problemText(err.problem) : t("pwa.error.generic"));
        }
      }),
    );
    actions.append(publish);
  }
  if (lead && m.published && ["planned", "held"].includes(m.state)) actions.append(h("a", { href: `/meetings/${m.id}/attendance`, class: "button primary" }, t("pwa.meet.attendance")));
  if (m.me && m.published && ["planned", "held"].includes(m.state)) actions.append(h("a", { href: `/meetings/${m.id}/check-in`, class: "button secondary" }, t("pwa.meet.check_in")));
  const offline = h("p", { class: "hint", "aria-live": "polite" });
  ctx.show(
    pageTitle(m.title),
    statePill(m),
    m.state_reason ? h("p", { class: "alert" }, m.state_reason) : null,
    facts(m),
    actions.childElementCount ? actions : null,
    m.me && m.published && m.state === "planned" ? replyBlock(m) : null,
    h("section", { "aria-labelledby": "meet-agenda" }, h("h2", { id: "meet-agenda" }, t("pwa.meet.agenda")), h("p", { class: "prewrap" }, m.agenda || "—")),
    h("section", { "aria-labelledby": "meet-mat" }, h("h2", { id: "meet-mat" }, t("pwa.meet.materials")), materialsList(m), offline),
    m.counts ? countsBlock(m) : null,
    minutesBlock(m),
    ratingBlock(m),
  );
  if (m.published) {
    const kept = await keepMaterials(m);
    if (kept && ctx.alive()) offline.textContent = t("pwa.meet.kept_offline", { n: kept });
  }
}

function countsBlock(m) {
  const c = m.counts;
  const rows = [
    ["invited", c.invited],
    ["attend", c.attend],
    ["excused_reply", c.excused],
    ["no_reply", c.no_reply],
    ["present", c.present],
    ["late", c.late],
  ];
  return h(
    "section",
    { "aria-labelledby": "meet-counts" },
    h("h2", { id: "meet-counts" }, t("pwa.meet.counts")),
    h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, t(`pwa.meet.count_${k}`)), h("dd", {}, String(v))])),
  );
}

/** The member's check-in: scan the QR with the camera, or type the six digits. */
export async function checkIn(ctx) {
  const m = await get(`/meetings/${ctx.params.id}`);
  const input = h("input", { type: "text", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]*", maxlength: "6" });
  const result = h("p", { "aria-live": "polite", class: "hint" });
  const button = h("button", { type: "submit", class: "button primary" }, t("pwa.meet.check_in_send"));
  const form = h("form", { class: "card" }, field("checkin-code", t("pwa.meet.code"), input, t("pwa.meet.code_hint")), button);
  let stream = null;
  async function submit(code) {
    await busy(button, async () => {
      try {
        const done = await send("POST", `/meetings/${m.id}/check-in`, { code });
        stop();
        result.textContent = done.me && done.me.late ? t("pwa.meet.checked_in_late") : t("pwa.meet.checked_in");
        result.className = "alert ok";
      } catch (err) {
        result.textContent = err instanceof ApiError ? problemText(err.problem) : t("pwa.error.generic");
        result.className = "alert";
      }
    });
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(input.value.trim());
  });
  const video = h("video", { class: "meet-video", playsinline: true, muted: true, hidden: true, "aria-label": t("pwa.meet.camera") });
  const scan = h("button", { type: "button", class: "button secondary" }, t("pwa.meet.scan"));
  function stop() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.hidden = true;
  }
  scan.addEventListener("click", async () => {
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const tick = async () => {
        if (!stream || !ctx.alive()) return stop();
        const codes = await detector.detect(video).catch(() => []);
        const hit = codes.find((c) => String(c.rawValue).startsWith("SOTAY-MEET:"));
        if (hit) return submit(hit.rawValue);
        setTimeout(tick, 300);
      };
      tick();
    } catch {
      stop();
      toast(t("pwa.meet.camera_failed"));
      input.focus();
    }
  });
  const hasDetector = "BarcodeDetector" in window && navigator.mediaDevices;
  ctx.show(
    pageTitle(t("pwa.meet.check_in_title")),
    h("p", {}, m.title, " · ", m.starts_at_local),
    hasDetector ? h("div", { class: "actions" }, scan) : h("p", { class: "hint" }, t("pwa.meet.no_camera")),
    video,
    form,
    result,
  );
}

/** The secretary's attendance: the rotating QR, and a tick box per member (queued offline). */
export async function attendance(ctx) {
  const m = await get(`/meetings/${ctx.params.id}`);
  if (!m.can_manage) throw new ApiError(404, null);
  const qr = h("div", { class: "meet-qr", "aria-live": "off" });
  const digits = h("p", { class: "meet-code", "aria-live": "polite" });
  async function refresh() {
    if (!ctx.alive()) return;
    try {
      const code = await send("POST", `/meetings/${m.id}/check-in-code`);
      const img = h("img", { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.qr_svg)}`, alt: t("pwa.meet.qr_alt"), width: "240", height: "240" });
      qr.replaceChildren(img);
      digits.textContent = t("pwa.meet.code_now", { code: code.code });
    } catch (err) {
      qr.replaceChildren();
      digits.textContent = err instanceof ApiError && !err.offline ? problemText(err.problem) : t("pwa.meet.qr_offline");
    }
    setTimeout(refresh, CODE_REFRESH_MS);
  }
  const rows = (m.attendees || []).map((a) => {
    const present = h("input", { type: "checkbox", id: `p-${a.user_id}`, checked: a.present === true });
    const late = h("input", { type: "checkbox", id: `l-${a.user_id}`, checked: a.late === true });
    const note = h("span", { class: "hint", "aria-live": "polite" });
    async function save() {
      if (!present.checked) late.checked = false;
      const body = { user_id: a.user_id, present: present.checked, late: late.checked };
      try {
        const r = await write("POST", `/meetings/${m.id}/attendance`, body, { label: a.full_name });
        note.textContent = r.queued ? t("pwa.queued") : t("pwa.saved");
      } catch (err) {
        note.textContent = err instanceof ApiError ? problemText(err.problem) : t("pwa.error.generic");
      }
    }
    present.addEventListener("change", save);
    late.addEventListener("change", save);
    const reply = a.reply ? t(`pwa.meet.replied_${a.reply}`) + (a.reply_reason ? ` (${a.reply_reason})` : "") : t("pwa.meet.not_replied");
    return h(
      "li",
      { class: "meet-person" },
      h("span", { class: "item-title" }, a.full_name),
      h("span", { class: "item-meta" }, reply, a.check_in_method === "qr" ? ` · ${t("pwa.meet.by_qr")}` : ""),
      h("label", { for: `p-${a.user_id}`, class: "meet-tick" }, present, " ", t("pwa.meet.present")),
      h("label", { for: `l-${a.user_id}`, class: "meet-tick" }, late, " ", t("pwa.meet.late")),
      note,
    );
  });
  ctx.show(
    pageTitle(t("pwa.meet.attendance_title")),
    h("p", {}, m.title, " · ", m.starts_at_local),
    h("section", { "aria-labelledby": "meet-qr-h", class: "card" }, h("h2", { id: "meet-qr-h" }, t("pwa.meet.qr_title")), qr, digits, h("p", { class: "hint" }, t("pwa.meet.qr_hint"))),
    h("section", { "aria-labelledby": "meet-list-h" }, h("h2", { id: "meet-list-h" }, t("pwa.meet.members")), h("ul", { class: "list meet-people" }, rows)),
    h("p", {}, h("a", { href: `/meetings/${m.id}`, class: "button secondary" }, t("pwa.meet.back"))),
  );
  refresh();
}

/** Whether the member leads a cell (the list links to its meetings). */
export function leads(me) {
  return leaderCells(me).length > 0;
}
