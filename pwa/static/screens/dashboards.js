// Thống kê: a unit's completion and study rates, drill-down to cells and members.
import { get } from "../js/api.js";
import { alertBox, empty, h, pageTitle } from "../js/dom.js";
import { fmtNumber } from "../js/fmt.js";
import { t } from "../js/i18n.js";

function rate(value) {
  return `${fmtNumber((value || 0) * 100, 1)}%`;
}

function totalsList(totals) {
  const rows = [
    ["assigned_records", totals.assigned_records],
    ["approved", totals.approved],
    ["approved_late", totals.approved_late],
    ["overdue", totals.overdue],
    ["open", totals.open],
  ];
  return h("dl", { class: "facts" }, rows.filter(([, v]) => v !== undefined).map(([k, v]) => [h("dt", {}, t(`pwa.dash.${k}`)), h("dd", {}, fmtNumber(v))]), h("dt", {}, t("pwa.dash.completion_rate")), h("dd", {}, rate(totals.completion_rate)));
}

/** The dashboard of a unit (the caller's widest reach when no id is given). */
export async function render(ctx) {
  const roles = (ctx.me.roles || []).filter((r) => ["committee", "secretary", "deputy"].includes(r.role));
  const unitId = ctx.params.id ? Number(ctx.params.id) : roles.length ? roles[0].unit_id : null;
  if (!unitId) return ctx.show(pageTitle(t("pwa.nav.dashboards")), alertBox(t("pwa.dash.no_reach")));
  let data;
  try {
    data = await get(`/dashboards/units/${unitId}`);
  } catch (err) {
    if (err.status === 404 && !ctx.params.id) return ctx.show(pageTitle(t("pwa.nav.dashboards")), h("p", { class: "notice" }, t("pwa.dash.coming")));
    throw err;
  }
  const children = data.children || [];
  ctx.show(
    pageTitle(`${t("pwa.nav.dashboards")}: ${data.unit.name}`),
    h("section", { class: "card" }, totalsList(data.totals)),
    children.length
      ? h(
          "ul",
          { class: "list" },
          children.map((c) =>
            h("li", {}, h("a", { class: "item", href: `/dashboards/${c.unit.id}` }, h("span", { class: "item-title" }, c.unit.name), h("span", { class: "item-meta" }, t("pwa.dash.child_line", { rate: rate(c.totals.completion_rate), overdue: fmtNumber(c.totals.overdue || 0) })))),
          ),
        )
      : null,
    (data.members || []).length
      ? h("ul", { class: "list" }, data.members.map((m) => h("li", { class: "item" }, h("span", { class: "item-title" }, m.full_name || (m.member && m.member.full_name)), h("span", { class: "item-meta" }, t("pwa.dash.child_line", { rate: rate(m.totals && m.totals.completion_rate), overdue: fmtNumber((m.totals && m.totals.overdue) || 0) })))))
      : children.length
        ? null
        : empty(t("pwa.dash.empty")),
  );
}
