// Sign in, and the first-sign-in password change.
import { go, signedIn, state } from "../app.js";
import { ApiError, send } from "../js/api.js";
import { alertBox, busy, field, h, pageTitle, showFieldErrors } from "../js/dom.js";
import { problemText, t } from "../js/i18n.js";
import { finishPendingLogout, forgetDevice } from "../js/session.js";

function passwordInput(autocomplete) {
  return h("input", { type: "password", name: autocomplete, autocomplete, required: true, maxlength: 1024, spellcheck: "false" });
}

function revealToggle(inputs) {
  const box = h("input", { type: "checkbox", id: "reveal" });
  box.addEventListener("change", () => {
    for (const input of inputs) input.type = box.checked ? "text" : "password";
  });
  return h("div", { class: "check" }, box, h("label", { for: "reveal" }, t("pwa.auth.show_password")));
}

function safeNext(next) {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/";
}

/** The sign-in screen. */
export async function signIn(ctx) {
  await finishPendingLogout();
  if (state.me) return go(safeNext(ctx.query.get("next")), { replace: true });
  const username = h("input", { type: "text", name: "username", autocomplete: "username", required: true, maxlength: 254, autocapitalize: "none", spellcheck: "false" });
  const password = passwordInput("current-password");
  const status = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button primary block" }, t("pwa.auth.sign_in"));
  const form = h(
    "form",
    { class: "card form", novalidate: true },
    field("username", t("pwa.auth.username"), username, t("pwa.auth.username_hint")),
    field("password", t("pwa.auth.password"), password),
    revealToggle([password]),
    status,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    if (!username.value.trim() || !password.value) {
      status.append(alertBox(t("pwa.auth.fill_both")));
      (username.value.trim() ? password : username).focus();
      return;
    }
    if (!navigator.onLine) {
      status.append(alertBox(t("pwa.auth.offline")));
      return;
    }
    await busy(submit, async () => {
      try {
        // Another member may have used this device: start from a clean copy.
        await forgetDevice();
        const me = await send("POST", "/auth/login", { username: username.value.trim(), password: password.value });
        signedIn(me);
        go(me.must_change_password ? "/password" : safeNext(ctx.query.get("next")), { replace: true });
      } catch (err) {
        const rest = err instanceof ApiError ? showFieldErrors(form, err.problem, { username: "username", password: "password" }) : [];
        const text = err instanceof ApiError && err.offline ? t("pwa.auth.offline") : problemText(err.problem);
        status.append(alertBox([text, ...rest].join(" ")));
        password.select();
      }
    });
  });
  ctx.show(
    h("div", { class: "hero" }, h("img", { src: "/static/icons/icon-192.png", alt: "", width: 72, height: 72 }), h("p", { class: "hero-name" }, t("pwa.manifest.name"))),
    pageTitle(t("pwa.auth.sign_in")),
    form,
    h("p", { class: "hint" }, t("pwa.auth.help")),
  );
}

/** Change the password (forced on first sign-in with a temporary one). */
export async function password(ctx) {
  const forced = Boolean(state.me && state.me.must_change_password);
  const current = passwordInput("current-password");
  const next = passwordInput("new-password");
  const again = passwordInput("new-password");
  next.minLength = 8;
  const status = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button primary block" }, t("pwa.password.save"));
  // Password managers pair the new password with this account.
  const account = h("input", { type: "text", autocomplete: "username", value: (state.me && state.me.party_card_number) || "", hidden: true, readonly: true, tabindex: "-1" });
  const form = h(
    "form",
    { class: "card form", novalidate: true },
    account,
    field("current_password", t("pwa.password.current"), current),
    field("new_password", t("pwa.password.new"), next, t("pwa.password.rules")),
    field("new_password_again", t("pwa.password.again"), again),
    revealToggle([current, next, again]),
    status,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    if (next.value !== again.value) {
      showFieldErrors(form, { errors: [{ field: "new_password_again", message: t("pwa.password.mismatch") }] }, { new_password_again: "new_password_again" });
      return;
    }
    await busy(submit, async () => {
      try {
        await send("POST", "/me/password", { current_password: current.value, new_password: next.value });
        state.me = { ...state.me, must_change_password: false };
        signedIn(state.me);
        status.append(h("p", { class: "notice", role: "status" }, t("pwa.password.done")));
        go("/", { replace: true });
      } catch (err) {
        const rest = err instanceof ApiError ? showFieldErrors(form, err.problem, { current_password: "current_password", new_password: "new_password" }) : [];
        if (rest.length || !(err.problem && err.problem.errors)) status.append(alertBox([problemText(err.problem), ...rest].join(" ")));
      }
    });
  });
  ctx.show(
    pageTitle(t("pwa.password.title")),
    forced ? h("p", { class: "notice" }, t("pwa.password.forced")) : null,
    form,
  );
}
