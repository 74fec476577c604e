// The officer's inbox across services: overdue first, filtered by state, service and SOP,
// and searched by tracking number or title.
import { useState } from "preact/hooks";
import { auth, call } from "../api/client";
import type { CaseSummary, CaseSummaryPage } from "../api/types";
import { formatTime, t } from "../i18n";
import { Empty, ErrorBox, Loading, StatusBadge, useLoad } from "../ui";

const STATES = ["open", "overdue", "returned", "all"] as const;
const SERVICES = ["", "dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum"];

export function overdueFirst(items: CaseSummary[]): CaseSummary[] {
  const due = (c: CaseSummary) => c.current_step?.due_at ?? "9999";
  return [...items].sort((a, b) => Number(b.overdue) - Number(a.overdue) || due(a).localeCompare(due(b)));
}

/** The calendar day (YYYY-MM-DD) of a UTC time in WIB, the regency's day (not the UTC one). */
export function wibDay(iso: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta", year: "numeric",
    month: "2-digit", day: "2-digit" }).format(new Date(iso));
}

/** A late case's escalation mark: to the reader (a supervisor) or to someone above. */
function Escalation({ c }: { c: CaseSummary }) {
  const to = c.current_step?.escalated_to ?? [];
  if (!to.length) return null;
  const mine = auth.get()?.profile?.roles ?? [];
  return <> <span class="badge badge-late">
    {to.some((s) => mine.includes(s)) ? t("inbox.escalatedToYou") : t("workload.escalated")}</span></>;
}

export function InboxPage() {
  const [state, setState] = useState<string>("open");
  const [service, setService] = useState("");
  const [sop, setSop] = useState("");
  const [q, setQ] = useState("");
  const [page, error, reload] = useLoad(() => call<CaseSummaryPage>("GET", "/api/v1/inbox",
    { query: { state, service, sop: sop.trim(), limit: 100 } }), [state, service, sop]);
  const needle = q.trim().toLowerCase();
  const items = overdueFirst(page?.items ?? []).filter((c) => !needle
    || `${c.tracking_no} ${c.title} ${c.sop_key}`.toLowerCase().includes(needle));
  const late = (page?.items ?? []).filter((c) => c.overdue).length;
  const today = wibDay(new Date().toISOString());
  const dueToday = (page?.items ?? []).filter((c) => !c.overdue && c.current_step?.due_at
    && wibDay(c.current_step.due_at) === today).length;
  return <section>
    <h1>{t("inbox.title")}</h1>
    {page ? <p class="summary">
      <span class="badge badge-late">{t("inbox.late", { n: late })}</span>{" "}
      <span class="badge badge-open">{t("inbox.today", { n: dueToday })}</span></p> : null}
    <div class="filters">
      <div><label for="state">{t("inbox.state")}</label>
        <select id="state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
          {STATES.map((s) => <option value={s} key={s}>{t(`inbox.state.${s}`)}</option>)}</select></div>
      <div><label for="service">{t("inbox.service")}</label>
        <select id="service" value={service} onChange={(e) => setService(e.currentTarget.value)}>
          {SERVICES.map((s) => <option value={s} key={s}>{s || t("catalog.all")}</option>)}</select></div>
      <div><label for="sop">{t("inbox.sop")}</label>
        <input id="sop" value={sop} onChange={(e) => setSop(e.currentTarget.value)} /></div>
      <div><label for="inbox-q">{t("inbox.search")}</label>
        <input id="inbox-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} /></div>
    </div>
    <p><button type="button" class="secondary" onClick={reload}>{t("inbox.reload")}</button></p>
    <ErrorBox error={error} />
    {!page && !error ? <Loading /> : null}
    {page && !items.length ? <Empty title={t("inbox.empty")} hint={t("inbox.empty.hint")} /> : null}
    <ul class="cards">{items.map((c) => <li class={`card${c.overdue ? " late" : ""}`} key={c.tracking_no}>
      <a href={`/petugas/${c.service}/${c.case_id}`}><h2>{c.title}</h2></a>
      <p class="meta"><span class="mono">{c.tracking_no}</span> · <StatusBadge status={c.status} late={c.overdue} />
        <Escalation c={c} /></p>
      {c.current_step ? <p class="meta">{c.current_step.nomor ? `${c.current_step.nomor}. ` : ""}
        {c.current_step.activity ?? c.current_step.holder}
        {c.current_step.due_at ? ` · ${t("tracking.due", { at: formatTime(c.current_step.due_at) })}` : ""}</p> : null}
    </li>)}</ul>
  </section>;
}
