// What the agency admin's pages share: the agency the signed-in admin administers, its
// registry entry (roles with labels), the section links, a period choice and a problem list.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { auth, call } from "../api/client";
import type { Agency, AgencyBrief, FieldProblem } from "../api/types";
import { t } from "../i18n";
import { problemText } from "../ui";
import "../admin.css";
import { adminAgency, CHOSEN, isPlatformAdmin } from "../roles";

/** The platform admin's choice of the agency to administer. */
function AgencyChoice({ current, onChange }: { current: string | null; onChange: (a: string) => void }) {
  const [list, setList] = useState<AgencyBrief[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    call<AgencyBrief[]>("GET", "/api/v1/agencies", { anonymous: true })
      .then(setList, () => setFailed(true));
  }, []);
  if (failed) return <p class="alert error" role="alert">{t("error.generic")}</p>;
  if (!list) return <p role="status">{t("loading")}</p>;
  return <p class="agency-choice">
    <label for="admin-agency">{t("admin.chooseAgency")}</label>
    <select id="admin-agency" value={current ?? ""} onChange={(e) => {
      const next = (e.target as HTMLSelectElement).value;
      try { sessionStorage.setItem(CHOSEN, next); } catch { /* this page only */ }
      onChange(next);
    }}>
      <option value="" disabled>{t("admin.chooseAgencyHint")}</option>
      {list.map((a) => <option key={a.key} value={a.key}>{a.name}</option>)}
    </select>
  </p>;
}

const agencies = new Map<string, Promise<Agency>>();

/** The registry's entry of the agency (read once per page load). */
export function loadAgency(agency: string): Promise<Agency> {
  let found = agencies.get(agency);
  if (!found) {
    found = call<Agency>("GET", `/api/v1/agencies/${encodeURIComponent(agency)}`, { anonymous: true });
    found.catch(() => agencies.delete(agency));
    agencies.set(agency, found);
  }
  return found;
}

let agencyNames: Promise<Map<string, string>> | undefined;

/** Every agency's name by its key (read once per page load): for the agencies a version awaits. */
export function loadAgencyNames(): Promise<Map<string, string>> {
  agencyNames ??= call<AgencyBrief[]>("GET", "/api/v1/agencies", { anonymous: true })
    .then((list) => new Map(list.map((a) => [a.key, a.name])), (err: unknown) => {
      agencyNames = undefined;
      throw err;
    });
  return agencyNames;
}

export function roleLabel(agency: Agency | undefined, scoped: string): string {
  const bare = scoped.includes(":") ? scoped.slice(scoped.indexOf(":") + 1) : scoped;
  return agency?.roles.find((r) => r.key === bare)?.label ?? bare;
}

const SECTIONS = [
  ["/admin/akun", "admin.nav.accounts"],
  ["/admin/sop", "admin.nav.sops"],
  ["/admin/skm", "admin.nav.skm"],
  ["/admin/sla", "admin.nav.sla"],
  ["/admin/webhook", "admin.nav.webhooks"],
] as const;

/** The admin section links; the current one is marked for assistive technology too. */
export function AdminNav({ path }: { path: string }) {
  return <nav class="admin-nav" aria-label={t("admin.nav.label")}>
    {SECTIONS.map(([href, key]) => <a key={href} href={href}
      aria-current={path === href || path.startsWith(`${href}/`) ? "page" : undefined}>{t(key)}</a>)}
  </nav>;
}

/** The page frame: the agency admin's own agency, or a note that this account has none. */
export function AdminFrame({ path, children }: { path: string;
  children: (agency: string) => ComponentChildren }) {
  const profile = auth.get()?.profile;
  const [agency, setAgency] = useState(() => adminAgency(profile));
  const platform = isPlatformAdmin(profile) && !profile?.roles.some((r) => r.endsWith(":admin"));
  if (!agency && !platform) {
    return <section><h1>{t("admin.title")}</h1>
      <p class="alert warn" role="status">{t("admin.notAdmin")}</p></section>;
  }
  return <>
    {platform ? <AgencyChoice current={agency} onChange={setAgency} /> : null}
    {agency ? <><AdminNav path={path} /><div key={agency}>{children(agency)}</div></>
      : <section><h1>{t("admin.title")}</h1><p>{t("admin.chooseAgencyHint")}</p></section>}
  </>;
}

function isoDay(d: Date): string {
  const jakarta = new Date(d.getTime() + 7 * 3600_000);
  return jakarta.toISOString().slice(0, 10);
}

export interface Period { from: string; to: string }

export function defaultPeriod(now = new Date()): Period {
  const to = isoDay(now);
  return { from: `${to.slice(0, 4)}-01-01`, to };
}

/** Two dates (Asia/Jakarta days, both included) and a button to show the report. */
export function PeriodForm({ value, onChange, busy }: { value: Period; onChange: (p: Period) => void;
  busy?: boolean }) {
  const [draft, setDraft] = useState(value);
  const invalid = draft.from > draft.to;
  return <form class="period" onSubmit={(e) => { e.preventDefault(); if (!invalid) onChange(draft); }}>
    <div class="field"><label for="period-from">{t("admin.period.from")}</label>
      <input id="period-from" type="date" required value={draft.from} max={draft.to}
        onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} /></div>
    <div class="field"><label for="period-to">{t("admin.period.to")}</label>
      <input id="period-to" type="date" required value={draft.to} min={draft.from}
        onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} /></div>
    <div class="period-go"><button type="submit" disabled={busy || invalid}>
      {busy ? t("admin.period.busy") : t("admin.period.show")}</button></div>
    {invalid ? <p class="field-error" role="alert">{t("admin.period.invalid")}</p> : null}
  </form>;
}

/** Where a problem is: its step and field as a person reads them. */
export function problemPlace(p: FieldProblem, stepName: (id: string) => string = (id) => id): string {
  const parts = [p.step ? t("admin.problem.step", { step: stepName(p.step) }) : "", p.field && p.field !== "body"
    ? t("admin.problem.field", { field: p.field }) : ""].filter(Boolean);
  return parts.join(" · ");
}

/** Every problem the server listed, each with its place. */
export function ProblemList({ problems, title, id, stepName }: { problems: FieldProblem[]; title: string;
  id?: string; stepName?: (id: string) => string }) {
  if (!problems.length) return null;
  return <div class="alert error problems" role="alert" id={id} tabIndex={-1}>
    <p class="problems-title">{title}</p>
    <ul>{problems.map((p, i) => {
      const place = problemPlace(p, stepName);
      return <li key={i}>{place ? <span class="problem-place">{place}: </span> : null}{problemText(p)}</li>;
    })}</ul>
  </div>;
}
