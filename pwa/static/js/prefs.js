// Device preferences (not secret, not per member): text size, theme, language, push.
const KEY = "sotay.prefs";
export const TEXT_STEPS = [1, 2, 3, 4];

/** The stored preferences. */
export function prefs() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "{}");
  } catch {
    return {};
  }
}

/** Merge changes into the stored preferences and apply them to the page. */
export function setPrefs(changes) {
  const next = { ...prefs(), ...changes };
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Private mode or full storage: the choice still applies to this visit.
  }
  applyPrefs(next);
  return next;
}

/** Reflect preferences on <html> (CSS reads the data attributes). */
export function applyPrefs(p = prefs()) {
  const root = document.documentElement;
  root.dataset.text = String(p.text || 1);
  root.dataset.theme = p.theme || "auto";
}
