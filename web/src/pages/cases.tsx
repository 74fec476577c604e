// My cases: every request of the citizen across services, newest first, by status.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import type { CaseSummaryPage } from "../api/types";
import { formatTime, t } from "../i18n";
import { Empty, ErrorBox, Loading, StatusBadge, useLoad } from "../ui";

const STATUSES = ["", "open", "returned", "completed", "rejected", "expired", "withdrawn"];

export function CasesPage() {
  const [status, setStatus] = useState("");
  const [page, error] = useLoad(() => call<CaseSummaryPage>("GET", "/api/v1/me/cases",
    { query: { status, limit: 50 } }), [status]);
  return <section>
    <h1>{t("cases.title")}</h1>
    <div class="filters"><div><label for="status">{t("cases.status")}</label>
      <select id="status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        {STATUSES.map((s) => <option value={s} key={s}>{s ? t(`status.${s}` as "status.open") : t("catalog.all")}</option>)}
      </select></div></div>
    <ErrorBox error={error} />
    {!page && !error ? <Loading /> : null}
    {page && !page.items.length ? <Empty title={t("cases.empty")} hint={t("cases.empty.hint")}>
      <a class="button" href="/">{t("nav.catalog")}</a></Empty> : null}
    <ul class="cards">{(page?.items ?? []).map((c) => <li class="card" key={c.tracking_no}>
      <a href={`/lacak/${c.tracking_no}`}><h2>{c.title}</h2></a>
      <p class="meta"><span class="mono">{c.tracking_no}</span> · <StatusBadge status={c.status} late={c.overdue} /></p>
      {c.status === "returned" ? <p class="alert warn">{t("cases.returned")}</p> : null}
      <p class="meta">{t("cases.updated", { at: formatTime(c.updated_at) })}</p>
    </li>)}</ul>
  </section>;
}
