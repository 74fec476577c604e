// The agency admin's SOP list: the agency's SOPs from the catalog, each opening its versions
// and the publishing forms.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import type { Catalog } from "../api/types";
import { t } from "../i18n";
import { Empty, ErrorBox, Loading, useLoad } from "../ui";
import { AdminFrame } from "./admin-shared";

function Sops({ agency }: { agency: string }) {
  const [catalog, error] = useLoad(() => call<Catalog>("GET", "/api/v1/catalog", { anonymous: true }), []);
  const [q, setQ] = useState("");
  const mine = (catalog?.items ?? []).filter((e) => e.agency === agency);
  const needle = q.trim().toLowerCase();
  const shown = mine.filter((e) => !needle || `${e.display_title} ${e.key}`.toLowerCase().includes(needle));
  return <section>
    <h1>{t("admin.sops.title")}</h1>
    <p class="lead">{t("admin.sops.lead")}</p>
    <ErrorBox error={error} />
    {catalog?.unavailable.length ? <p class="alert warn" role="status">
      {t("admin.sops.unavailable", { services: catalog.unavailable.map((u) => u.service).join(", ") })}</p> : null}
    {!catalog && !error ? <Loading /> : null}
    {catalog ? <>
      <div class="field"><label for="sop-q">{t("admin.sops.search")}</label>
        <input id="sop-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} /></div>
      <p class="meta" role="status">{t("admin.sops.count", { n: shown.length })}</p>
      {!shown.length ? <Empty title={t("admin.sops.empty")} hint={t("admin.sops.emptyHint")} /> : null}
      <ul class="cards">{shown.map((e) => <li class="card" key={e.key}>
        <a href={`/admin/sop/${e.service}/${e.key}`}><h2>{e.display_title}</h2></a>
        <p class="meta"><span class="mono">{e.key}</span></p>
        <p class="meta">{t("admin.sops.meta", { version: e.version, steps: e.steps, time: e.total_time })}</p>
      </li>)}</ul>
    </> : null}
  </section>;
}

export function AdminSopsPage({ path }: { path: string }) {
  return <AdminFrame path={path}>{(agency) => <Sops agency={agency} />}</AdminFrame>;
}
