// The emergency report's pure parts: the wait of a 429 (Retry-After as seconds or a date),
// distances and waits as words, typed coordinates, where each refusal is shown, when the live
// status is asked again; and where the webhook page shows the API's refusals.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/client";
import { setLang } from "../../src/i18n";
import {
  accuracyMetres, codeField, formatDistance, formatMinutes, formatWait, isMobileNumber, nextRefresh, parseCoordinates,
  REFRESH_S, reportField, retryAfterSeconds,
} from "../../src/pages/emergency-logic";
import { webhookField, webhookProblems } from "../../src/pages/admin-webhooks";

describe("emergency report", () => {
  it("reads Retry-After as seconds or as an HTTP date, never below 1 s", () => {
    expect(retryAfterSeconds("840")).toBe(840);
    expect(retryAfterSeconds(" 0 ")).toBe(1);
    const now = Date.parse("2026-12-03T10:00:00Z");
    expect(retryAfterSeconds("Thu, 03 Dec 2026 10:02:30 GMT", now)).toBe(150);
    expect(retryAfterSeconds("Thu, 03 Dec 2026 09:00:00 GMT", now)).toBe(1);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds("soon")).toBeNull();
  });

  it("says a wait in seconds and minutes", () => {
    expect(formatWait(45)).toBe("45 detik");
    expect(formatWait(125)).toBe("2 menit 5 detik");
    expect(formatWait(180)).toBe("3 menit");
    expect(formatWait(59.2)).toBe("1 menit");
    setLang("en");
    expect(formatWait(125)).toBe("2 min 5 s");
    setLang("id");
  });

  it("shows distances in metres below 1 km and km with one decimal", () => {
    expect(formatDistance(0.834)).toBe("830 m");
    expect(formatDistance(0.001)).toBe("10 m");
    expect(formatDistance(1.26)).toBe("1,3 km");
    expect(formatDistance(12)).toBe("12,0 km");
    expect(formatDistance(123.4)).toBe("123 km");
    setLang("en");
    expect(formatDistance(1.26)).toBe("1.3 km");
    setLang("id");
    expect(formatMinutes(0.1)).toBe("0,1");
    expect(formatMinutes(12)).toBe("12");
    expect(accuracyMetres(11.6)).toBe(12);
    expect(accuracyMetres(0.2)).toBe(1);
  });

  it("reads coordinates pasted from a map app, and refuses what is not two numbers in range", () => {
    expect(parseCoordinates("-5.7290, 105.5990")).toEqual({ lat: -5.729, lon: 105.599 });
    expect(parseCoordinates(" -5.72 105.59 ")).toEqual({ lat: -5.72, lon: 105.59 });
    expect(parseCoordinates("-5.72;105.59")).toEqual({ lat: -5.72, lon: 105.59 });
    expect(parseCoordinates("-95, 105")).toBeNull();
    expect(parseCoordinates("-5.7, 190")).toBeNull();
    expect(parseCoordinates("Kalianda")).toBeNull();
    expect(parseCoordinates("")).toBeNull();
  });

  it("places each refusal at its field", () => {
    expect(reportField("body.lat")).toBe("lokasi");
    expect(reportField("lon")).toBe("lokasi");
    expect(reportField("body.alamat")).toBe("alamat");
    expect(reportField("telepon")).toBe("telepon");
    expect(codeField("damkar-outside-regency")).toBe("lokasi");
    for (const code of ["otp-wrong", "otp-expired", "otp-void", "otp-invalid"]) expect(codeField(code)).toBe("kode");
    expect(codeField("otp-rate-limited")).toBeNull();
    expect(codeField("otp-channel-unavailable")).toBeNull();
    expect(codeField("damkar-rate-limited")).toBeNull();
  });

  it("accepts the mobile numbers the API accepts", () => {
    for (const ok of ["0812-3456-7890", "+62 812 3456 7890", "6281234567", "(0812) 3456.789"]) {
      expect(isMobileNumber(ok), ok).toBe(true);
    }
    for (const bad of ["12345", "0212345678", "+1 812 3456 7890", "08123"]) expect(isMobileNumber(bad), bad).toBe(false);
  });

  it("asks the status again while open only", () => {
    expect(nextRefresh("open")).toBe(REFRESH_S * 1000);
    expect(REFRESH_S).toBeGreaterThanOrEqual(10);
    expect(REFRESH_S).toBeLessThanOrEqual(15);
    for (const closed of ["completed", "rejected", "withdrawn"]) expect(nextRefresh(closed)).toBeNull();
  });
});

describe("webhook page", () => {
  it("shows each refusal at its field", () => {
    expect(webhookField("webhook-url-private")).toBe("url");
    expect(webhookField("webhook-url-scheme")).toBe("url");
    expect(webhookField("webhook-account-invalid")).toBe("account_id");
    expect(webhookField("webhook-event-type-unknown")).toBe("event_types");
    expect(webhookField("webhook-sop-not-agency")).toBe("sop_keys");
    expect(webhookField("forbidden")).toBe("");
    expect(webhookProblems(new ApiError(422, "webhook-url-scheme", "wajib https"))).toEqual([
      { field: "url", problem: "webhook-url-scheme", message: "wajib https" }]);
    expect(webhookProblems(new ApiError(422, "validation-error", "", [
      { field: "body.url", problem: "string_too_short" }, { field: "body.event_types.0", problem: "x" }]))
      .map((p) => p.field)).toEqual(["url", "event_types"]);
    expect(webhookProblems(new ApiError(403, "forbidden", ""))).toEqual([]);
    expect(webhookProblems(new Error("x"))).toEqual([]);
  });
});
