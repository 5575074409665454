// The PWA's strings (api/i18n/pwa.json, embedded in the shell as a JSON data block).
import { prefs } from "./prefs.js";

const DATA = JSON.parse(document.getElementById("strings").textContent);
export let lang = prefs().lang === "en" ? "en" : "vi";

/** The string for key in the current language, {name} placeholders filled. */
export function t(key, params) {
  const text = (DATA[lang] && DATA[lang][key]) || DATA.vi[key] || key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Switch language and relabel the shell (screens re-render themselves). */
export function setLang(next) {
  lang = next === "en" ? "en" : "vi";
  document.documentElement.lang = lang;
  relabel(document);
}

/** Fill every [data-t] element's text and [data-t-label] element's aria-label. */
export function relabel(root) {
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
}

/** The Vietnamese (or English) title/detail of a problem+json answer. */
export function problemText(problem) {
  if (!problem) return t("pwa.error.generic");
  const en = lang === "en";
  const detail = (en && problem.detail_en) || problem.detail;
  const title = (en && problem.title_en) || problem.title;
  return detail || title || t("pwa.error.generic");
}
