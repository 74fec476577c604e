// The app's words in Bahasa Indonesia (default) and English. `t(key, params)` reads the
// language chosen (saved in localStorage); the API is asked in the same language
// (Accept-Language), so server messages match the page.
import { id } from "./i18n-id";
import { en } from "./i18n-en";

export type Lang = "id" | "en";
export type Key = keyof typeof id;
const dictionaries: Record<Lang, Record<Key, string>> = { id, en };
const STORE = "halo.lang";

let current: Lang = readLang();
const listeners = new Set<() => void>();

function readLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORE) === "en" ? "en" : "id";
  } catch {
    return "id";
  }
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    globalThis.localStorage?.setItem(STORE, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  if (typeof document !== "undefined") document.documentElement.lang = next;
  listeners.forEach((fn) => fn());
}

export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = dictionaries[current][key] ?? dictionaries.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in params ? String(params[name]) : `{${name}}`);
}

const locales: Record<Lang, string> = { id: "id-ID", en: "en-GB" };

/** A time from the API (ISO 8601, UTC) shown in WIB, the regency's time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[current], {
    dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta",
  }).format(when) + " WIB";
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A machine word (a status, a choice value) as a person reads it. */
export function humanize(word: string): string {
  const known = `word.${word}` as Key;
  if (known in dictionaries[current]) return dictionaries[current][known];
  const text = word.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A case event type (`case.returned`) as a person reads it. */
export function eventLabel(type: string): string {
  const key = `event.${type}` as Key;
  return key in dictionaries[current] ? dictionaries[current][key] : humanize(type);
}
