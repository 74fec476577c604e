// One service: its standard (requirements, procedure, time, cost, product, complaints) and the
// way to apply.
import { call } from "../api/client";
import type { ServiceStandard } from "../api/types";
import { auth } from "../api/client";
import { t } from "../i18n";
import { ErrorBox, Loading, useLoad } from "../ui";

export function ServicePage({ service, sopKey }: { service: string; sopKey: string }) {
  const [std, error] = useLoad(() => call<ServiceStandard>("GET",
    `/api/v1/${service}/sops/${sopKey}/standard`, { anonymous: true }), [service, sopKey]);
  if (error) return <ErrorBox error={error} />;
  if (!std) return <Loading />;
  const total = std.total_time.label;
  const apply = `/layanan/${service}/${sopKey}/ajukan`;
  return <article>
    <p class="crumbs"><a href="/">{t("nav.catalog")}</a></p>
    <h1>{std.title}</h1>
    <p class="meta">{std.agency_name} · {std.category_label}</p>
    <p><a class="button" href={auth.get() ? apply : `/masuk?next=${encodeURIComponent(apply)}`}>
      {t("service.apply")}</a></p>
    <dl class="facts">
      <dt>{t("service.time")}</dt><dd>{total ?? "–"}</dd>
      <dt>{t("service.cost")}</dt><dd>{std.cost ?? "–"}</dd>
      <dt>{t("service.product")}</dt><dd>{std.product ?? "–"}</dd>
      {std.service_hours ? <><dt>{t("service.hours")}</dt><dd>{std.service_hours}</dd></> : null}
      <dt>{t("service.complaints")}</dt><dd>{std.complaint_channel ?? "–"}</dd>
    </dl>
    <h2>{t("service.requirements")}</h2>
    <ul>{(std.requirements?.documents ?? []).map((d) => <li key={d.key}>{d.label}
      {d.required ? "" : ` (${t("optional")})`}</li>)}</ul>
    <h2>{t("service.procedure")}</h2>
    <ol class="steps">{(std.procedure ?? []).map((s) => <li key={s.id}>
      <p>{s.activity}</p>
      <p class="meta">{[s.actor_label, s.agency_name, s.time].filter(Boolean).join(" · ")}</p>
    </li>)}</ol>
    {std.legal_basis?.length ? <><h2>{t("service.legal")}</h2>
      <ul>{std.legal_basis.map((l) => <li key={l}>{l}</li>)}</ul></> : null}
  </article>;
}
