// The one way the app talks to the public REST API: bearer tokens with a refresh when the
// access token runs out, problem+json turned into ApiError (with its `errors[]`), uploads
// with progress (XMLHttpRequest), and authenticated downloads.
import { lang } from "../i18n";
import type { FieldProblem, Problem, Profile, TokenPair } from "./types";

const STORE = "halo.session";

export interface Session {
  access: string;
  refresh: string;
  profile?: Profile;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
  }
}

let session: Session | null = load();
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(STORE);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function save(next: Session | null): void {
  session = next;
  try {
    if (next) localStorage.setItem(STORE, JSON.stringify(next));
    else localStorage.removeItem(STORE);
  } catch {
    /* storage unavailable: the session lasts for this page */
  }
  listeners.forEach((fn) => fn());
}

export const auth = {
  get: (): Session | null => session,
  onChange(fn: () => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  async login(login: string, password: string): Promise<Profile> {
    const pair = await call<TokenPair>("POST", "/api/v1/auth/login", { json: { login, password },
      anonymous: true });
    save({ access: pair.access_token, refresh: pair.refresh_token });
    const profile = await call<Profile>("GET", "/api/v1/auth/me");
    save({ access: pair.access_token, refresh: pair.refresh_token, profile });
    return profile;
  },
  async logout(): Promise<void> {
    const current = session;
    save(null);
    if (current) {
      await call("POST", "/api/v1/auth/logout", { json: { refresh_token: current.refresh },
        anonymous: true }).catch(() => undefined);
    }
  },
};

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time: concurrent 401s wait for the same new pair. */
function refreshSession(): Promise<boolean> {
  if (!session) return Promise.resolve(false);
  refreshing ??= (async () => {
    const old = session;
    try {
      const pair = await call<TokenPair>("POST", "/api/v1/auth/refresh",
        { json: { refresh_token: old!.refresh }, anonymous: true });
      save({ ...old!, access: pair.access_token, refresh: pair.refresh_token });
      return true;
    } catch {
      save(null);
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function headers(anonymous: boolean): Record<string, string> {
  const out: Record<string, string> = { "Accept-Language": lang(),
    Accept: "application/json, application/problem+json" };
  if (!anonymous && session) out.Authorization = `Bearer ${session.access}`;
  return out;
}

async function problem(response: Response): Promise<ApiError> {
  let body: Partial<Problem> = {};
  try {
    body = await response.json();
  } catch {
    /* not JSON: a proxy's page */
  }
  return new ApiError(response.status, body.code ?? `http-${response.status}`,
    body.detail ?? body.title ?? response.statusText,
    (body.errors ?? []).map((e) => ({ field: e.field ?? "", problem: e.problem, message: e.message,
      ...(e.step ? { step: e.step } : {}) })));
}

export interface CallOptions {
  json?: unknown;
  /** A body sent as it is (e.g. a YAML file), with its content type. */
  raw?: { body: Blob | string; type: string };
  query?: Record<string, string | number | boolean | undefined | null>;
  anonymous?: boolean;
}

export function withQuery(path: string, query: CallOptions["query"] = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function call<T = unknown>(method: string, path: string,
                                        options: CallOptions = {}): Promise<T> {
  const anonymous = options.anonymous ?? false;
  const send = (): Promise<Response> => fetch(withQuery(path, options.query), {
    method,
    headers: { ...headers(anonymous),
      ...(options.json !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(options.raw ? { "Content-Type": options.raw.type } : {}) },
    body: options.json !== undefined ? JSON.stringify(options.json) : options.raw?.body,
  });
  let response: Response;
  try {
    response = await send();
    if (response.status === 401 && !anonymous && session && (await refreshSession())) {
      response = await send();
    }
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (!response.ok) throw await problem(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A multipart POST with upload progress (0..1); refreshes the session once on a 401. */
export function upload<T>(path: string, form: FormData,
                          onProgress: (done: number) => void): Promise<T> {
  const attempt = (): Promise<{ status: number; text: string }> => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [k, v] of Object.entries(headers(false))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(new ApiError(0, "network", ""));
    xhr.send(form);
  });
  return (async () => {
    let answer = await attempt();
    if (answer.status === 401 && session && (await refreshSession())) answer = await attempt();
    onProgress(1);
    if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.text) as T;
    throw await problem(new Response(answer.text, { status: answer.status }));
  })();
}

/** Download a protected file (a document or a signed output) and hand it to the browser. */
export async function download(path: string, filename: string): Promise<void> {
  const get = (): Promise<Response> => fetch(path, { headers: headers(false) });
  let response = await get();
  if (response.status === 401 && session && (await refreshSession())) response = await get();
  if (!response.ok) throw await problem(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A URL the API gave (absolute or not) as a same-origin path, so the session applies. */
export function apiPath(url: string): string {
  try {
    const parsed = new URL(url, location.origin);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}
