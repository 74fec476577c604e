// The catalog: every SOP of every service, searched (titles, agencies, categories, keys) and
// narrowed by agency and category.
import { useMemo, useState } from "preact/hooks";
import { call } from "../api/client";
import type { Catalog } from "../api/types";
import { t } from "../i18n";
import { Empty, ErrorBox, Loading, useLoad } from "../ui";

export function CatalogPage({ query }: { query: URLSearchParams }) {
  const [q, setQ] = useState(query.get("q") ?? "");
  const [search, setSearch] = useState(q);
  const [agency, setAgency] = useState(query.get("agency") ?? "");
  const [category, setCategory] = useState(query.get("category") ?? "");
  const [shown, setShown] = useState(PAGE);
  const [data, error] = useLoad(() => call<Catalog>("GET", "/api/v1/catalog",
    { query: { q: search }, anonymous: true }), [search]);
  const agencies = useMemo(() => unique(data?.items.map((i) => [i.agency, i.agency_name])), [data]);
  const categories = useMemo(() => unique(data?.items.map((i) => [i.category, i.category_label])),
    [data]);
  const items = (data?.items ?? []).filter((i) => (!agency || i.agency === agency)
    && (!category || i.category === category));
  const submit = (e: Event) => {
    e.preventDefault();
    setSearch(q.trim());
    setShown(PAGE);
    history.replaceState(null, "", q.trim() ? `/?q=${encodeURIComponent(q.trim())}` : "/");
  };
  return <section>
    <h1>{t("catalog.title")}</h1>
    <p class="lead">{t("catalog.lead")}</p>
    <form class="search" role="search" onSubmit={submit}>
      <label for="q" class="sr-only">{t("catalog.search")}</label>
      <input id="q" type="search" value={q} placeholder={t("catalog.placeholder")}
        onInput={(e) => setQ(e.currentTarget.value)} />
      <button type="submit">{t("catalog.search")}</button>
    </form>
    <div class="filters">
      <div><label for="agency">{t("catalog.agency")}</label>
        <select id="agency" value={agency} onChange={(e) => setAgency(e.currentTarget.value)}>
          <option value="">{t("catalog.all")}</option>
          {agencies.map(([k, v]) => <option value={k} key={k}>{v}</option>)}
        </select></div>
      <div><label for="category">{t("catalog.category")}</label>
        <select id="category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="">{t("catalog.all")}</option>
          {categories.map(([k, v]) => <option value={k} key={k}>{v}</option>)}
        </select></div>
    </div>
    <ErrorBox error={error} />
    {!data && !error ? <Loading /> : null}
    {data && data.unavailable.length ? <p class="alert warn" role="status">
      {t("catalog.unavailable", { services: data.unavailable.map((u) => u.service).join(", ") })}</p> : null}
    {data ? <p class="count" aria-live="polite">{t("catalog.count", { n: items.length })}</p> : null}
    {data && !items.length ? <Empty title={t("catalog.empty")} hint={t("catalog.empty.hint")} /> : null}
    <ul class="cards">
      {items.slice(0, shown).map((i) => <li class="card" key={`${i.service}/${i.key}`}>
        <a href={`/layanan/${i.service}/${i.key}`}><h2>{i.display_title}</h2></a>
        <p class="meta">{i.agency_name} · {i.category_label}</p>
        <p class="meta">{t("catalog.time", { time: i.total_time })} · {t("catalog.steps", { n: i.steps })}</p>
      </li>)}
    </ul>
    {items.length > shown ? <p><button type="button" class="secondary" onClick={() => setShown(shown + PAGE)}>
      {t("catalog.more", { n: items.length - shown })}</button></p> : null}
  </section>;
}

const PAGE = 20;

function unique(pairs: string[][] | undefined): string[][] {
  const seen = new Map<string, string>();
  for (const [k, v] of pairs ?? []) seen.set(k, v);
  return [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1]));
}
