// Runs before the first paint (a classic script in <head>, allowed by the CSP because it is
// a file): applies the remembered text size, theme and language so nothing jumps afterwards.
(function () {
  "use strict";
  var root = document.documentElement;
  try {
    var prefs = JSON.parse(localStorage.getItem("sotay.prefs") || "{}");
    root.setAttribute("data-text", String(prefs.text || 1));
    root.setAttribute("data-theme", prefs.theme || "auto");
    if (prefs.lang === "en") root.setAttribute("lang", "en");
  } catch (e) {
    root.setAttribute("data-text", "1");
  }
})();
