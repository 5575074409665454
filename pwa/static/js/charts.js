// Small hand-written SVG charts (ring, bar, trend line). They are pictures only
// (aria-hidden): every screen that draws one also prints the same numbers as text.
// Colours come from CSS classes so the light and dark themes both apply.
const NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (and children). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const clamp = (v) => Math.max(0, Math.min(1, Number(v) || 0));

/** A donut: the filled arc is `rate` (0..1) of the circle; `label` is printed in the middle. */
export function ring(rate, label) {
  const r = 48;
  const c = 2 * Math.PI * r;
  const arc = clamp(rate) * c;
  return svg(
    "svg",
    { class: "chart-ring", viewBox: "0 0 120 120", width: 132, height: 132, "aria-hidden": "true", focusable: "false" },
    svg("circle", { class: "chart-track", cx: 60, cy: 60, r, "stroke-width": 14, fill: "none" }),
    // Starts at 12 o'clock; an empty rate draws no arc at all (a dot would read as "a little").
    arc > 0 ? svg("circle", { class: "chart-value", cx: 60, cy: 60, r, "stroke-width": 14, fill: "none", "stroke-dasharray": `${arc} ${c}`, transform: "rotate(-90 60 60)" }) : null,
    svg("text", { class: "chart-ring-label", x: 60, y: 60, "text-anchor": "middle", "dominant-baseline": "central" }, label),
  );
}

/** A horizontal bar: the filled part is `rate` (0..1) of the width. */
export function bar(rate) {
  const w = clamp(rate) * 100;
  return svg(
    "svg",
    { class: "chart-bar", viewBox: "0 0 100 8", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" },
    svg("rect", { class: "chart-track", x: 0, y: 0, width: 100, height: 8, rx: 2 }),
    w > 0 ? svg("rect", { class: "chart-value", x: 0, y: 0, width: w, height: 8, rx: 2 }) : null,
  );
}

/**
 * A line of `points` ({label, value 0..1 or null}) left to right, with 0/50/100% guides.
 * A null value (nothing to complete that month) leaves a gap rather than a false zero.
 */
export function trendLine(points, { yLabels = ["0%", "50%", "100%"] } = {}) {
  const W = 320;
  const H = 150;
  const left = 34;
  const right = 18; // room for the last month's label
  const top = 10;
  const bottom = 24;
  const n = Math.max(points.length - 1, 1);
  const x = (i) => left + ((W - left - right) * i) / n;
  const y = (v) => top + (H - top - bottom) * (1 - clamp(v));
  const guides = [0, 0.5, 1].map((v, i) =>
    svg("g", {}, svg("line", { class: "chart-grid", x1: left, x2: W - right, y1: y(v), y2: y(v) }), svg("text", { class: "chart-axis", x: left - 4, y: y(v), "text-anchor": "end", "dominant-baseline": "central" }, yLabels[i])),
  );
  const segments = [];
  let run = [];
  points.forEach((p, i) => {
    if (p.value === null || p.value === undefined) {
      if (run.length) segments.push(run);
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (run.length) segments.push(run);
  const lines = segments.map((s) => svg("polyline", { class: "chart-line", points: s.join(" "), fill: "none" }));
  const dots = points.map((p, i) => (p.value === null || p.value === undefined ? null : svg("circle", { class: "chart-dot", cx: x(i), cy: y(p.value), r: 3.5 })));
  // Every other month is labelled: twelve labels do not fit a phone's width.
  const labels = points.map((p, i) => ((points.length - 1 - i) % 2 === 0 ? svg("text", { class: "chart-axis", x: x(i), y: H - 6, "text-anchor": "middle" }, p.label) : null));
  return svg("svg", { class: "chart-trend", viewBox: `0 0 ${W} ${H}`, "aria-hidden": "true", focusable: "false" }, guides, lines, dots, labels);
}
