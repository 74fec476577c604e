// The emergency report's calls to the public API: the one-time code, the report and its
// live status. The reporter's token (from the code) lives in sessionStorage only, apart from
// the citizen's session; a citizen already logged in reports with their own token. Every
// refusal is an ApiError that also carries the wait a 429 named (`Retry-After`).
import { ApiError, auth, call } from "../api/client";
import type { components } from "../api/schema";
import { lang } from "../i18n";
import { retryAfterSeconds } from "./emergency-logic";

type S = components["schemas"];
export type ReportForm = S["EmergencyReport"];
export type ReportAccepted = S["ReportAccepted"];
export type ReportStatus = S["ReportStatus"];
export type CodeSent = S["CodeSent"];
export type ReporterToken = S["ReporterToken"];

export const PURPOSE = "darurat-damkar";
const STORE = "halo.darurat";

export class EmergencyError extends ApiError {
  constructor(status: number, code: string, message: string, errors: ApiError["errors"],
              readonly retryAfter: number | null) {
    super(status, code, message, errors);
  }
}

/** The reporter's confirmed number and token (kept for this browser tab only). */
export interface Reporter {
  token: string;
  phone: string;
  until: number;
}

export const reporter = {
  get(): Reporter | null {
    try {
      const raw = globalThis.sessionStorage?.getItem(STORE);
      const found = raw ? (JSON.parse(raw) as Reporter) : null;
      return found && found.until > Date.now() ? found : null;
    } catch {
      return null;
    }
  },
  set(value: Reporter | null): void {
    try {
      if (value) sessionStorage.setItem(STORE, JSON.stringify(value));
      else sessionStorage.removeItem(STORE);
    } catch {
      /* storage unavailable: the token lasts for this page */
    }
  },
};

/** The logged-in citizen, who reports with their own account (no code). */
export function citizen(): { name: string; phone: string | null } | null {
  const profile = auth.get()?.profile;
  return profile?.roles.includes("citizen") ? { name: profile.name, phone: profile.phone } : null;
}

async function send<T>(method: string, path: string, json: unknown, bearer: string | null): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { "Accept-Language": lang(), Accept: "application/json, application/problem+json",
        ...(json !== undefined ? { "Content-Type": "application/json" } : {}),
        ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
      body: json !== undefined ? JSON.stringify(json) : undefined,
      cache: "no-store",
    });
  } catch {
    throw new EmergencyError(0, "network", "", [], null);
  }
  if (response.ok) return (await response.json()) as T;
  let body: Partial<S["Problem"]> = {};
  try {
    body = await response.json();
  } catch {
    /* not JSON: a proxy's page */
  }
  throw new EmergencyError(response.status, body.code ?? `http-${response.status}`,
    body.detail ?? body.title ?? response.statusText,
    (body.errors ?? []).map((e) => ({ field: (e.field ?? "").replace(/^body\./, ""),
      problem: e.problem, message: e.message })),
    retryAfterSeconds(response.headers.get("Retry-After")));
}

/** A call as the citizen: once more after the client refreshed an expired session. */
async function asCitizen<T>(method: string, path: string, json?: unknown): Promise<T> {
  try {
    return await send<T>(method, path, json, auth.get()?.access ?? null);
  } catch (err) {
    if (!(err instanceof EmergencyError && err.status === 401)) throw err;
    await call("GET", "/api/v1/auth/me").catch(() => undefined);
    return send<T>(method, path, json, auth.get()?.access ?? null);
  }
}

export function requestCode(telepon: string): Promise<CodeSent> {
  return send("POST", "/api/v1/auth/otp", { telepon, tujuan: PURPOSE }, null);
}

export async function verifyCode(telepon: string, kode: string): Promise<Reporter> {
  const issued = await send<ReporterToken>("POST", "/api/v1/auth/otp/verifikasi",
    { telepon, kode, tujuan: PURPOSE }, null);
  const found = { token: issued.access_token, phone: telepon,
    until: Date.now() + (issued.expires_in - 30) * 1000 };
  reporter.set(found);
  return found;
}

/** Send the report with the reporter's token, or the citizen's own when there is none. */
export function sendReport(form: ReportForm): Promise<ReportAccepted> {
  const mine = reporter.get();
  return mine ? send("POST", "/api/v1/damkar/darurat", form, mine.token)
    : asCitizen("POST", "/api/v1/damkar/darurat", form);
}

/** The live status: as the reporter first, then as the signed-in account (its reporter
 *  or a damkar officer). A 401/404 with no other identity to try is thrown. */
export async function loadStatus(no: string): Promise<ReportStatus> {
  const path = `/api/v1/damkar/darurat/${encodeURIComponent(no)}`;
  const mine = reporter.get();
  if (mine) {
    try {
      return await send<ReportStatus>("GET", path, undefined, mine.token);
    } catch (err) {
      if (err instanceof EmergencyError && err.status === 401) reporter.set(null);
      if (!(err instanceof EmergencyError && [401, 404].includes(err.status) && auth.get())) throw err;
    }
  }
  if (auth.get()) return asCitizen("GET", path);
  throw new EmergencyError(401, "unauthenticated", "", [], null);
}
