// Vietnamese presentation: dd/mm/yyyy, 24-hour times in Asia/Ho_Chi_Minh, 1.234,5.
import { lang } from "./i18n.js";

const TZ = "Asia/Ho_Chi_Minh";
const DATE = new Intl.DateTimeFormat("vi-VN", { timeZone: TZ, day: "2-digit", month: "2-digit", year: "numeric" });
const TIME = new Intl.DateTimeFormat("vi-VN", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** dd/mm/yyyy for a timestamp or a plain date ("2026-01-09" is a calendar date, no zone). */
export function fmtDate(value) {
  if (!value) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? "" : DATE.format(d);
}

/** "14:05 23/11/2026" in Vietnam time. */
export function fmtDateTime(value) {
  if (!value) return "";
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  return `${TIME.format(d)} ${DATE.format(d)}`;
}

/** Numbers with Vietnamese separators (English when chosen). */
export function fmtNumber(n, digits = 0) {
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: digits }).format(n);
}

/** Bytes as "1,2 MB". */
export function fmtBytes(bytes) {
  if (!bytes) return `0 ${"KB"}`;
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${fmtNumber(v, i > 1 ? 1 : 0)} ${units[i]}`;
}

/** A datetime-local input value (Vietnam time) to an ISO UTC string. */
export function localInputToIso(value) {
  // Vietnam has no daylight saving: a fixed +07:00 offset is exact.
  return value ? new Date(`${value}:00+07:00`).toISOString() : null;
}

/** An ISO instant to a datetime-local input value in Vietnam time. */
export function isoToLocalInput(iso) {
  const d = new Date(new Date(iso).getTime() + 7 * 3600 * 1000);
  return d.toISOString().slice(0, 16);
}
