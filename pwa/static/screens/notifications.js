// Thông báo: the inbox; opening one marks it read (queued when offline) and lands on its screen.
import { refreshBadge } from "../app.js";
import { get, write } from "../js/api.js";
import { busy, empty, h, pageTitle, pill, toast } from "../js/dom.js";
import { fmtDateTime } from "../js/fmt.js";
import { problemText, t } from "../js/i18n.js";
import { prefs } from "../js/prefs.js";
import { pushSupported } from "../js/push.js";
import { moreButton } from "../js/ui.js";
import { LISTS } from "../js/lists.js";

const isRead = (n) => Boolean(n.read_at || n.read);

function item(n, ctx) {
  const link = h(
    "a",
    { class: "item", href: n.url || "/notifications" },
    h("span", { class: "item-title" }, n.title),
    n.body ? h("span", { class: "item-meta" }, n.body) : null,
    h("span", { class: "item-meta" }, fmtDateTime(n.created_at)),
    isRead(n) ? null : pill(t("pwa.notifications.new"), "info"),
  );
  link.addEventListener("click", (event) => {
    if (isRead(n)) return;
    event.preventDefault();
    write("POST", `/notifications/${n.id}/read`, null, { label: t("pwa.notifications.read_label") })
      .catch(() => null)
      .finally(() => {
        refreshBadge();
        ctx.go(n.url && n.url.startsWith("/") ? n.url : "/notifications");
      });
  });
  return h("li", {}, link);
}

/** The inbox. */
export async function render(ctx) {
  const page = await get(LISTS.notifications);
  const ul = h("ul", { class: "list" }, page.items.map((n) => item(n, ctx)));
  const more = moreButton((cursor) => get(`/notifications?limit=30&cursor=${encodeURIComponent(cursor)}`), ul, (n) => item(n, ctx));
  more.set(page.next_cursor);
  const unread = page.items.filter((n) => !isRead(n)).length;
  const all = h("button", { type: "button", class: "button secondary" }, t("pwa.notifications.read_all"));
  all.addEventListener("click", () =>
    busy(all, async () => {
      try {
        const result = await write("POST", "/notifications/read-all", null, { label: t("pwa.notifications.read_all") });
        toast(result.queued ? t("pwa.queued") : t("pwa.saved"));
        refreshBadge();
        if (!result.queued) render(ctx);
      } catch (err) {
        toast(problemText(err.problem));
      }
    }),
  );
  const invite = pushSupported() && !prefs().push && Notification.permission !== "denied" ? h("p", { class: "notice" }, t("pwa.notifications.push_invite"), " ", h("a", { href: "/me#push-h" }, t("pwa.push.enable"))) : null;
  ctx.show(pageTitle(t("pwa.nav.notifications")), invite, unread ? h("div", { class: "actions" }, all) : null, page.items.length ? ul : empty(t("pwa.notifications.empty")), more.button);
}
