// The agency's reports: the SKM (IKM per Permenpan RB 14/2017, from the survey answers) and
// the SLA report (on-time completion per SOP, with a CSV download), each for a chosen period.
// Tables turn into labelled rows on a phone, so the page never scrolls sideways.
import { useState } from "preact/hooks";
import { call, download } from "../api/client";
import type { SkmReport, SlaReport, SlaRow } from "../api/types";
import { lang, t } from "../i18n";
import { Empty, ErrorBox, Loading, useLoad } from "../ui";
import { AdminFrame, defaultPeriod, PeriodForm, type Period } from "./admin-shared";

const number = (n: number | null | undefined, digits = 2) => n === null || n === undefined ? "–"
  : new Intl.NumberFormat(lang() === "id" ? "id-ID" : "en-GB", { maximumFractionDigits: digits }).format(n);
const percent = (n: number | null | undefined) => n === null || n === undefined ? "–"
  : new Intl.NumberFormat(lang() === "id" ? "id-ID" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(n);

/** A table whose cells carry their column's name, shown beside the value on a phone. */
function Table({ caption, columns, rows }: { caption: string; columns: string[];
  rows: { key: string; cells: (string | number)[]; total?: boolean }[] }) {
  return <table class="report">
    <caption>{caption}</caption>
    <thead><tr>{columns.map((c) => <th scope="col" key={c}>{c}</th>)}</tr></thead>
    <tbody>{rows.map((r) => <tr key={r.key} class={r.total ? "total" : undefined}>
      {r.cells.map((c, i) => i === 0 ? <th scope="row" key={i} data-label={columns[0]}>{c}</th>
        : <td key={i} data-label={columns[i]}>{c}</td>)}</tr>)}</tbody>
  </table>;
}

function Skm({ agency }: { agency: string }) {
  const [period, setPeriod] = useState<Period>(defaultPeriod());
  const [loaded, error] = useLoad(async () => ({ asked: period, report: await call<SkmReport>("GET",
    "/api/v1/survey/reports", { query: { agency, from: period.from, to: period.to } }) }), [agency, period.from, period.to]);
  const report = loaded?.report;
  const loading = !error && (!loaded || loaded.asked.from !== period.from || loaded.asked.to !== period.to);
  const unit = report?.unit;
  return <section>
    <h1>{t("admin.skm.title")}</h1>
    <p class="lead">{t("admin.skm.lead")}</p>
    <PeriodForm value={period} onChange={setPeriod} busy={loading} />
    <ErrorBox error={error} />
    {loading ? <Loading label={t("admin.report.loading")} /> : null}
    {report && unit && !loading ? <>
      <p class="meta">{report.agency_name} · {report.period.from} – {report.period.to}</p>
      {unit.warning ? <p class="alert warn" role="status">{unit.warning}</p> : null}
      <dl class="facts">
        <dt>{t("admin.skm.ikm")}</dt><dd>{number(unit.ikm_conversion)}</dd>
        <dt>{t("admin.skm.quality")}</dt><dd>{unit.quality ?? "–"}</dd>
        <dt>{t("admin.skm.performance")}</dt><dd>{unit.performance ? unit.performance[lang()] : "–"}</dd>
        <dt>{t("admin.skm.respondents")}</dt>
        <dd>{t("admin.skm.sample", { n: unit.respondents, min: unit.minimum_sample, population: unit.population })}</dd>
      </dl>
      {!unit.respondents ? <Empty title={t("admin.skm.empty")} hint={t("admin.skm.emptyHint")} /> : <>
        <Table caption={t("admin.skm.elements")} columns={[t("admin.skm.element"), t("admin.skm.answered"), "NRR", t("admin.skm.weighted")]}
          rows={unit.elements.map((e) => ({ key: e.id, cells: [`${e.id.toUpperCase()} ${e.name}`, e.answered, number(e.nrr, 3), number(e.nrr_weighted, 4)] }))} />
        <Table caption={t("admin.skm.perSop")} columns={[t("admin.report.sop"), t("admin.skm.respondents"), t("admin.skm.ikm"), t("admin.skm.quality")]}
          rows={report.per_sop.map((s) => ({ key: s.sop_key, cells: [s.title, s.respondents, number(s.ikm_conversion), s.quality ?? "–"] }))} />
        <h2>{t("admin.skm.comments")}</h2>
        {report.comments.length ? <ul class="comments">{report.comments.map((c, i) =>
          <li key={i}><p>{c.text}</p><p class="meta">{c.answered_on} · <span class="mono">{c.sop_key}</span></p></li>)}</ul>
          : <p class="meta">{t("admin.skm.noComments")}</p>}
      </>}
    </> : null}
  </section>;
}

function slaCells(r: SlaRow, label: string): (string | number)[] {
  return [label, r.submitted, r.completed, percent(r.on_time_rate), r.completed_late, r.open, r.overdue_open,
    r.escalated, r.rejected, number(r.median_working_days, 1)];
}

function Sla({ agency }: { agency: string }) {
  const [period, setPeriod] = useState<Period>(defaultPeriod());
  const path = `/api/v1/agencies/${agency}/reports/sla`;
  const [loaded, error] = useLoad(async () => ({ asked: period, report: await call<SlaReport>("GET", path,
    { query: { from: period.from, to: period.to } }) }), [agency, period.from, period.to]);
  const report = loaded?.report;
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const loading = !error && (!loaded || loaded.asked.from !== period.from || loaded.asked.to !== period.to);
  const csv = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      await download(`${path}?from=${period.from}&to=${period.to}&format=csv`, `sla-${agency}-${period.from}-${period.to}.csv`);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };
  const columns = [t("admin.report.sop"), t("admin.sla.submitted"), t("admin.sla.completed"), t("admin.sla.onTime"),
    t("admin.sla.late"), t("admin.sla.open"), t("admin.sla.overdue"), t("admin.sla.escalated"), t("admin.sla.rejected"),
    t("admin.sla.median")];
  return <section>
    <h1>{t("admin.sla.title")}</h1>
    <p class="lead">{t("admin.sla.lead")}</p>
    <PeriodForm value={period} onChange={setPeriod} busy={loading} />
    <ErrorBox error={error ?? saveError} />
    {loading ? <Loading label={t("admin.report.loading")} /> : null}
    {report && !loading ? <>
      <p class="actions-row"><button type="button" class="secondary" onClick={csv} disabled={saving}>
        {saving ? t("admin.sla.csvBusy") : t("admin.sla.csv")}</button></p>
      <dl class="facts">
        <dt>{t("admin.sla.onTime")}</dt><dd>{percent(report.totals.on_time_rate)}</dd>
        <dt>{t("admin.sla.overdue")}</dt><dd>{report.totals.overdue_open}</dd>
        <dt>{t("admin.sla.median")}</dt><dd>{number(report.totals.median_working_days, 1)}</dd>
      </dl>
      {!report.totals.submitted && !report.totals.open ? <Empty title={t("admin.sla.empty")} hint={t("admin.sla.emptyHint")} /> : null}
      <Table caption={t("admin.sla.caption", { from: report.from, to: report.to })} columns={columns}
        rows={[...report.sops.map((r) => ({ key: r.sop_key ?? "", cells: slaCells(r, r.title ?? r.sop_key ?? "") })),
          { key: "total", total: true, cells: slaCells(report.totals, t("admin.sla.total")) }]} />
    </> : null}
  </section>;
}

export function AdminSkmPage({ path }: { path: string }) {
  return <AdminFrame path={path}>{(agency) => <Skm agency={agency} />}</AdminFrame>;
}

export function AdminSlaPage({ path }: { path: string }) {
  return <AdminFrame path={path}>{(agency) => <Sla agency={agency} />}</AdminFrame>;
}
