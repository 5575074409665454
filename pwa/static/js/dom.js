// Building DOM without innerHTML: user content always lands as text.
import { t } from "./i18n.js";

/** h("p", {class: "x", onclick: fn}, "text", child) → an element. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A page heading that the router focuses after navigation. */
export function pageTitle(text) {
  document.title = `${text} · ${t("pwa.manifest.short_name")}`;
  return h("h1", { class: "page-title", tabindex: "-1" }, text);
}

/** A labelled form field: label above, input, error line below (aria-describedby). */
export function field(id, label, input, hint) {
  input.id = id;
  const err = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const ids = [`${id}-error`];
  let hintEl = null;
  if (hint) {
    hintEl = h("p", { class: "hint", id: `${id}-hint` }, hint);
    ids.unshift(`${id}-hint`);
  }
  input.setAttribute("aria-describedby", ids.join(" "));
  return h("div", { class: "field" }, h("label", { for: id }, label), hintEl, input, err);
}

/** Show server field errors (problem+json `errors`) next to their inputs; returns leftovers. */
export function showFieldErrors(form, problem, fieldIds) {
  for (const el of form.querySelectorAll(".field-error")) el.hidden = true;
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const rest = [];
  for (const err of (problem && problem.errors) || []) {
    const id = fieldIds[err.field] || fieldIds[String(err.field).split(".")[0]];
    const box = id && form.querySelector(`#${id}-error`);
    if (box) {
      box.textContent = err.message;
      box.hidden = false;
      form.querySelector(`#${id}`).setAttribute("aria-invalid", "true");
    } else rest.push(err.message);
  }
  const first = form.querySelector("[aria-invalid]");
  if (first) first.focus();
  return rest;
}

/** A polite message at the bottom of the screen. */
export function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 5000);
}

/** An alert box inside a form or screen (role=alert is read out at once). */
export function alertBox(text) {
  return h("p", { class: "alert", role: "alert" }, text);
}

/** A status pill: text plus a colour class, never colour alone. */
export function pill(text, kind) {
  return h("span", { class: `pill pill-${kind || "neutral"}` }, text);
}

/** An empty-state paragraph. */
export function empty(text) {
  return h("p", { class: "empty" }, text);
}

/** Disable a button while an async action runs, then restore it. */
export async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
