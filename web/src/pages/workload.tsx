// An agency's workload for its officers and supervisors: what is due today, what is late
// (most late first) and everything open, with counts, filters (role, SOP), a search, and
// each case a link to its page. One agency at a time; a choice when the officer holds roles
// in more than one. Days and times in WIB, in the page's language.
import { useState } from "preact/hooks";
import { auth, call } from "../api/client";
import type { Agency, AgencyWorkload, Catalog, CaseSummary } from "../api/types";
import { formatTime, lang, t } from "../i18n";
import { Empty, ErrorBox, Loading, StatusBadge, useLoad } from "../ui";

export const VIEWS = ["today", "overdue", "open"] as const;
export type View = (typeof VIEWS)[number];
const PAGE = 20;
const IMPLICIT = new Set(["admin", "integrasi"]);

/** The agencies of an officer's scoped roles (`<agency>:<role>`), in the order held. */
export function officerAgencies(roles: string[]): string[] {
  return [...new Set(roles.filter((r) => r.includes(":")).map((r) => r.split(":")[0]))];
}

/** A calendar day (`YYYY-MM-DD`, the agency's day) written out in the page's language. */
export function formatDay(day: string): string {
  const when = new Date(`${day}T12:00:00+07:00`);
  if (Number.isNaN(when.getTime())) return day;
  return new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "id-ID", {
    dateStyle: "full", timeZone: "Asia/Jakarta" }).format(when);
}

function viewFrom(value: string | null): View {
  return (VIEWS as readonly string[]).includes(value ?? "") ? (value as View) : "today";
}

export function WorkloadPage({ query }: { query: URLSearchParams }) {
  const mine = auth.get()?.profile?.roles ?? [];
  const agencies = officerAgencies(mine);
  const asked = query.get("instansi");
  const [agency, setAgency] = useState(asked && agencies.includes(asked) ? asked : agencies[0] ?? "");
  const [view, setView] = useState<View>(viewFrom(query.get("tampilan")));
  const [role, setRole] = useState("");
  const [sop, setSop] = useState("");
  const [typed, setTyped] = useState("");
  const [q, setQ] = useState("");
  const [offset, setOffset] = useState(0);
  const [info] = useLoad(() => agency ? call<Agency>("GET", `/api/v1/agencies/${agency}`)
    .catch(() => undefined) : Promise.resolve(undefined), [agency]);
  const [catalog] = useLoad(() => call<Catalog>("GET", "/api/v1/catalog").catch(() => undefined), []);
  const [page, error, reload] = useLoad(() => agency
    ? call<AgencyWorkload>("GET", `/api/v1/agencies/${agency}/workload`, {
      query: { view, role, sop, q, limit: PAGE, offset } })
    : Promise.resolve(undefined), [agency, view, role, sop, q, offset]);
  if (!agencies.length) {
    return <section><h1>{t("workload.title")}</h1>
      <Empty title={t("workload.noAgency")} hint={t("workload.noAgency.hint")} /></section>;
  }
  const roles = info?.roles.filter((r) => !IMPLICIT.has(r.key))
    ?? mine.filter((r) => r.startsWith(`${agency}:`)).map((r) => ({ key: r.split(":")[1], label: r.split(":")[1] }));
  const roleLabel = (scope: string) => {
    const [a, r] = scope.split(":");
    const label = a === agency ? info?.roles.find((x) => x.key === r)?.label : undefined;
    return label ?? scope;
  };
  const sops = (catalog?.items ?? []).filter((s) => s.agency === agency);
  const reset = (apply: () => void) => { apply(); setOffset(0); };
  const counts = page?.counts;
  const tabCount: Record<View, number | undefined> = {
    today: counts?.due_today, overdue: counts?.overdue, open: counts?.open };
  const pick = (next: View) => reset(() => setView(next));
  const onTabKey = (e: KeyboardEvent) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = VIEWS[(VIEWS.indexOf(view) + step + VIEWS.length) % VIEWS.length];
    pick(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  const agencyName = info ? `${info.short} · ${info.name}` : agency;
  return <section>
    <p class="crumbs"><a href="/petugas">{t("nav.inbox")}</a></p>
    <h1>{t("workload.title")}</h1>
    <p class="lead">{agencyName}{page ? ` · ${t("workload.today", { day: formatDay(page.today) })}` : ""}</p>
    {agencies.length > 1 ? <div class="field narrow"><label for="wl-agency">{t("workload.agency")}</label>
      <select id="wl-agency" value={agency} onChange={(e) => reset(() => {
        setAgency(e.currentTarget.value); setRole(""); setSop(""); })}>
        {agencies.map((a) => <option value={a} key={a}>{a}</option>)}</select></div> : null}
    {counts ? <ul class="counts" aria-label={t("workload.counts")}>
      <li><strong>{counts.open}</strong> {t("workload.count.open")}</li>
      <li><strong>{counts.due_today}</strong> {t("workload.count.today")}</li>
      <li class="count-late"><strong>{counts.overdue}</strong> {t("workload.count.overdue")}</li>
      <li class="count-late"><strong>{counts.escalated}</strong> {t("workload.count.escalated")}</li>
    </ul> : null}
    <div class="tabs" role="tablist" aria-label={t("workload.views")}>
      {VIEWS.map((v) => <button type="button" role="tab" id={`tab-${v}`} key={v}
        aria-selected={view === v} aria-controls="wl-panel" tabIndex={view === v ? 0 : -1}
        onClick={() => pick(v)} onKeyDown={onTabKey}>
        {t(`workload.view.${v}`)}{tabCount[v] !== undefined ? ` (${tabCount[v]})` : ""}</button>)}
    </div>
    <div id="wl-panel" role="tabpanel" aria-labelledby={`tab-${view}`}>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); reset(() => setQ(typed.trim())); }}>
        <div><label for="wl-role">{t("workload.role")}</label>
          <select id="wl-role" value={role} onChange={(e) => reset(() => setRole(e.currentTarget.value))}>
            <option value="">{t("workload.all")}</option>
            {roles.map((r) => <option value={r.key} key={r.key}>{r.label}</option>)}</select></div>
        <div><label for="wl-sop">{t("workload.sop")}</label>
          <select id="wl-sop" value={sop} onChange={(e) => reset(() => setSop(e.currentTarget.value))}>
            <option value="">{t("workload.all")}</option>
            {sops.map((s) => <option value={s.key} key={s.key}>{s.display_title}</option>)}</select></div>
        <div><label for="wl-q">{t("workload.search")}</label>
          <input id="wl-q" type="search" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} /></div>
        <div class="filter-actions"><button type="submit">{t("workload.find")}</button>{" "}
          <button type="button" class="secondary" onClick={reload}>{t("inbox.reload")}</button></div>
      </form>
      <ErrorBox error={error} />
      {!page && !error ? <Loading /> : null}
      {page ? <p class="meta" role="status">{t("workload.shown", { n: page.items.length, total: page.total })}</p> : null}
      {page && !page.items.length ? <Empty title={t(`workload.empty.${view}`)} hint={t("workload.empty.hint")} /> : null}
      <ul class="cards">{(page?.items ?? []).map((c) => <WorkloadRow key={c.tracking_no} c={c} roleLabel={roleLabel} />)}</ul>
      {page && page.total > PAGE ? <p class="actions-row">
        <button type="button" class="secondary" disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t("workload.prev")}</button>
        <span class="meta">{t("workload.page", { from: offset + 1, to: Math.min(offset + PAGE, page.total), total: page.total })}</span>
        <button type="button" class="secondary" disabled={offset + PAGE >= page.total}
          onClick={() => setOffset(offset + PAGE)}>{t("workload.next")}</button></p> : null}
    </div>
  </section>;
}

function WorkloadRow({ c, roleLabel }: { c: CaseSummary; roleLabel: (scope: string) => string }) {
  const step = c.current_step;
  const escalated = step?.escalated_to ?? [];
  return <li class={`card${c.overdue ? " late" : ""}`}>
    <a href={`/petugas/${c.service}/${c.case_id}`}><h2>{c.title}</h2></a>
    <p class="meta"><span class="mono">{c.tracking_no}</span> · <StatusBadge status={c.status} late={c.overdue} />
      {escalated.length ? <> <span class="badge badge-late">{t("workload.escalated")}</span></> : null}</p>
    {step ? <p class="meta">{step.nomor ? `${step.nomor}. ` : ""}{step.activity ?? step.holder}</p> : null}
    {step ? <p class="meta">{t("workload.holder", { role: roleLabel(step.holder) })}
      {step.due_at ? ` · ${t("tracking.due", { at: formatTime(step.due_at) })}` : ""}</p> : null}
    {escalated.length ? <p class="meta">{t("workload.escalatedTo", { roles: escalated.map(roleLabel).join(", ") })}</p> : null}
  </li>;
}
