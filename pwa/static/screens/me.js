// Cá nhân: profile, text size, theme, language, push, storage used offline, sign out.
import { go, state } from "../app.js";
import { ApiError, get, send } from "../js/api.js";
import { idb } from "../js/db.js";
import { busy, h, pageTitle, pill, toast } from "../js/dom.js";
import { fmtBytes } from "../js/fmt.js";
import { lang, problemText, setLang, t } from "../js/i18n.js";
import { prefs, setPrefs, TEXT_STEPS } from "../js/prefs.js";
import { disablePush, enablePush, pushSupported } from "../js/push.js";
import { pending } from "../js/sync.js";
import { signOut } from "../js/session.js";

const ROLE_KEYS = { secretary: "pwa.role.secretary", deputy: "pwa.role.deputy", committee: "pwa.role.committee", publisher: "pwa.role.publisher", admin: "pwa.role.admin" };
const CATEGORIES = ["documents", "assignments", "reminders", "meetings"];

function radioGroup(name, legend, options, value, onChange) {
  return h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, legend),
    options.map(([v, label, cls]) => {
      const id = `${name}-${v}`;
      const input = h("input", { type: "radio", name, id, value: String(v), checked: String(v) === String(value) });
      input.addEventListener("change", () => onChange(v));
      return h("div", { class: "choice" }, input, h("label", { for: id, class: cls || null }, label));
    }),
  );
}

function profile(me) {
  const roles = (me.roles || []).map((r) => t(ROLE_KEYS[r.role] || r.role));
  return h(
    "section",
    { class: "card", "aria-labelledby": "me-name" },
    h("h2", { id: "me-name" }, me.full_name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("pwa.me.card")),
      h("dd", {}, me.party_card_number),
      me.cell ? [h("dt", {}, t("pwa.me.cell")), h("dd", {}, me.cell.name)] : null,
      me.phone ? [h("dt", {}, t("pwa.me.phone")), h("dd", {}, me.phone)] : null,
      roles.length ? [h("dt", {}, t("pwa.me.roles")), h("dd", {}, roles.join(", "))] : null,
    ),
    h("a", { href: "/password", class: "button secondary" }, t("pwa.me.change_password")),
  );
}

function display(ctx) {
  const p = prefs();
  const sizes = TEXT_STEPS.map((n) => [n, t(`pwa.me.text_${n}`), `size-sample s${n}`]);
  return h(
    "section",
    { class: "card", "aria-labelledby": "display-h" },
    h("h2", { id: "display-h" }, t("pwa.me.display")),
    radioGroup("text", t("pwa.me.text_size"), sizes, p.text || 1, (v) => setPrefs({ text: v })),
    radioGroup("theme", t("pwa.me.theme"), [["auto", t("pwa.me.theme_auto")], ["light", t("pwa.me.theme_light")], ["dark", t("pwa.me.theme_dark")]], p.theme || "auto", (v) => setPrefs({ theme: v })),
    radioGroup("lang", t("pwa.me.language"), [["vi", "Tiếng Việt"], ["en", "English"]], lang, (v) => {
      setPrefs({ lang: v });
      setLang(v);
      render(ctx);
    }),
  );
}

async function pushSection() {
  const section = h("section", { class: "card", "aria-labelledby": "push-h" }, h("h2", { id: "push-h" }, t("pwa.push.title")));
  if (!pushSupported()) {
    section.append(h("p", {}, t("pwa.push.unsupported")));
    return section;
  }
  const on = prefs().push && Notification.permission === "granted";
  const status = h("p", { role: "status" }, on ? t("pwa.push.on") : Notification.permission === "denied" ? t("pwa.push.denied") : t("pwa.push.off"));
  const button = h("button", { type: "button", class: on ? "button secondary" : "button primary" }, on ? t("pwa.push.disable") : t("pwa.push.enable"));
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        if (on) await disablePush();
        else {
          const result = await enablePush();
          if (result !== "granted") toast(t(result === "unsupported" ? "pwa.push.unsupported" : "pwa.push.denied"));
        }
      } catch (err) {
        toast(err instanceof ApiError ? problemText(err.problem) : t("pwa.push.failed"));
      }
      section.replaceWith(await pushSection());
    }),
  );
  section.append(h("p", { class: "hint" }, t("pwa.push.why")), status, Notification.permission === "denied" ? null : button);
  section.append(await categories());
  return section;
}

async function categories() {
  let current;
  try {
    current = await get("/me/notification-preferences");
  } catch {
    return h("div");
  }
  const box = h("fieldset", { class: "choices" }, h("legend", {}, t("pwa.push.categories")));
  for (const cat of CATEGORIES) {
    const choice = current.categories && current.categories[cat];
    if (!choice) continue;
    const input = h("input", { type: "checkbox", id: `cat-${cat}`, checked: choice.push !== false });
    input.addEventListener("change", async () => {
      try {
        // Categories left out stay as they were on the server.
        await send("PUT", "/me/notification-preferences", { categories: { [cat]: { push: input.checked } } });
        toast(t("pwa.saved"));
      } catch (err) {
        input.checked = !input.checked;
        toast(problemText(err.problem));
      }
    });
    box.append(h("div", { class: "check" }, input, h("label", { for: `cat-${cat}` }, t(`pwa.push.cat_${cat}`))));
  }
  return box;
}

async function storage() {
  const estimate = navigator.storage && navigator.storage.estimate ? await navigator.storage.estimate() : null;
  const waiting = await pending().catch(() => []);
  const saved = await idb.count("saved").catch(() => 0);
  return h(
    "section",
    { class: "card", "aria-labelledby": "storage-h" },
    h("h2", { id: "storage-h" }, t("pwa.me.offline")),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("pwa.me.storage_used")),
      h("dd", {}, estimate ? fmtBytes(estimate.usage || 0) : "—"),
      h("dt", {}, t("pwa.me.saved_docs")),
      h("dd", {}, String(saved)),
      h("dt", {}, t("pwa.me.waiting")),
      h("dd", {}, waiting.length ? pill(t("pwa.net.waiting", { n: waiting.length }), "warn") : t("pwa.me.nothing_waiting")),
    ),
    waiting.length ? h("ul", { class: "plain" }, waiting.map((w) => h("li", {}, w.label))) : null,
  );
}

/** The Cá nhân screen. */
export async function render(ctx) {
  const me = state.me;
  const out = h("button", { type: "button", class: "button danger block" }, t("pwa.auth.sign_out"));
  out.addEventListener("click", async () => {
    const waiting = await pending().catch(() => []);
    if (waiting.length && !window.confirm(t("pwa.auth.sign_out_confirm", { n: waiting.length }))) return;
    await busy(out, async () => {
      const reached = await signOut();
      state.me = null;
      toast(reached ? t("pwa.auth.signed_out") : t("pwa.auth.signed_out_offline"));
      go("/sign-in", { replace: true });
    });
  });
  ctx.show(
    pageTitle(t("pwa.nav.me")),
    profile(me),
    display(ctx),
    await pushSection(),
    await storage(),
    out,
    h("p", { class: "hint center" }, t("pwa.me.version", { v: document.documentElement.dataset.version })),
  );
}
