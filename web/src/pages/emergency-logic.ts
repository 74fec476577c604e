// The emergency report's pure parts: the wait a 429 names (Retry-After), distances and
// accuracies as a person reads them, typed coordinates, where each problem is shown, and
// when the live status is asked again. No DOM, no fetch: tested by vitest.
import { lang, t } from "../i18n";

/** Seconds to wait from a `Retry-After` header (delta seconds or an HTTP date); null when
 *  absent or unreadable. Never below 1 s. */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.max(1, Number(text));
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(1, Math.ceil((at - now) / 1000));
}

/** A wait in seconds as words: "45 detik", "2 menit 5 detik", "3 menit". */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t("sos.wait.s", { s });
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? t("sos.wait.ms", { m, s: rest }) : t("sos.wait.m", { m });
}

function number(value: number, digits: number): string {
  return new Intl.NumberFormat(lang() === "id" ? "id-ID" : "en-GB", {
    maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

/** A distance from the API (km): metres below 1 km, one decimal up to 100 km. */
export function formatDistance(km: number): string {
  if (km < 1) return t("sos.m", { m: Math.max(10, Math.round((km * 1000) / 10) * 10) });
  return t("sos.km", { km: number(km, km < 100 ? 1 : 0) });
}

/** Minutes as the API gives them (one decimal), in the page's language: "0,1", "12". */
export function formatMinutes(minutes: number): string {
  return new Intl.NumberFormat(lang() === "id" ? "id-ID" : "en-GB", { maximumFractionDigits: 1 }).format(minutes);
}

/** The device's accuracy radius in whole metres (never 0). */
export function accuracyMetres(accuracy: number): number {
  return Math.max(1, Math.round(accuracy));
}

/** Accuracy worse than this is shown as coarse (advice to move and retry). */
export const COARSE_M = 100;

export interface Point {
  lat: number;
  lon: number;
  accuracy?: number;
}

/** Coordinates typed or pasted from a map app ("-5.729, 105.599", "-5,729 105,599" is not
 *  accepted: a comma separates the two numbers); null when not two numbers in range. */
export function parseCoordinates(text: string): Point | null {
  const found = text.trim().match(/^(-?\d{1,2}(?:\.\d+)?)\s*[,;]\s*(-?\d{1,3}(?:\.\d+)?)$/)
    ?? text.trim().match(/^(-?\d{1,2}(?:\.\d+)?)\s+(-?\d{1,3}(?:\.\d+)?)$/);
  if (!found) return null;
  const lat = Number(found[1]);
  const lon = Number(found[2]);
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return null;
  return { lat, lon };
}

/** The form field a problem belongs to on the report page: the API's `body.lat`, `lat`,
 *  `lon`, `akurasi_m` and the code `damkar-outside-regency` all go to the location. */
export function reportField(field: string): string {
  const bare = field.replace(/^body\./, "");
  if (["lat", "lon", "akurasi_m"].includes(bare)) return "lokasi";
  return bare;
}

/** Where a problem code without a field is shown on the report page. */
export function codeField(code: string): string | null {
  if (code === "damkar-outside-regency") return "lokasi";
  if (code.startsWith("otp-") && code !== "otp-rate-limited" && !code.includes("channel")
      && code !== "otp-send-failed") return "kode";
  return null;
}

/** An Indonesian mobile number in the form the API accepts (as gateway/identity/fields.py). */
export function isMobileNumber(raw: string): boolean {
  return /^(\+62|62|0)8[0-9]{7,11}$/.test(raw.replace(/[\s.()-]/g, ""));
}

/** The live status is asked again every 12 s while the report is open; never once closed. */
export const REFRESH_S = 12;

export function nextRefresh(status: string): number | null {
  return status === "open" ? REFRESH_S * 1000 : null;
}
