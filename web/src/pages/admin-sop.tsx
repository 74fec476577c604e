// One SOP of the agency: its versions, and publishing a new one from the form or from the
// SOP's YAML file (the format of services/*/sops/*.yaml), sent to the server as it is.
import { useState } from "preact/hooks";
import { ApiError, call } from "../api/client";
import type { FieldProblem, PublishedSop, SopDetail, SopVersion } from "../api/types";
import { formatBytes, formatTime, t } from "../i18n";
import { ErrorBox, Loading, useLoad } from "../ui";
import { AdminFrame, loadAgency, loadAgencyNames, ProblemList } from "./admin-shared";
import { CloseVersion } from "./admin-sop-close";
import { SopForm } from "./admin-sop-form";

const MAX_YAML = 256 * 1024;

function YamlUpload({ service, sopKey, onPublished, steps }: { service: string; sopKey: string;
  onPublished: (p: PublishedSop) => void; steps: SopDetail["steps"] }) {
  const stepName = (id: string) => {
    const i = steps.findIndex((s) => s.id === id);
    return i < 0 ? id : `${steps[i].nomor ?? i + 1} (${id})`;
  };
  const [file, setFile] = useState<File>();
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [local, setLocal] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblems([]);
    setFailure(undefined);
    setLocal(undefined);
    if (!file) { setLocal(t("admin.yaml.pick")); return; }
    if (file.size > MAX_YAML) { setLocal(t("admin.yaml.tooLarge", { size: formatBytes(MAX_YAML) })); return; }
    setBusy(true);
    try {
      onPublished(await call<PublishedSop>("POST", `/api/v1/${service}/sops`,
        { raw: { body: file, type: "application/yaml" } }));
      setFile(undefined);
      (document.getElementById("yaml-file") as HTMLInputElement | null)?.form?.reset();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        setProblems(err.errors);
        requestAnimationFrame(() => document.getElementById("yaml-problems")?.focus());
      } else {
        setFailure(err);
      }
    } finally {
      setBusy(false);
    }
  };
  return <form class="panel" onSubmit={submit} noValidate aria-labelledby="yaml-title">
    <h2 id="yaml-title">{t("admin.yaml.title")}</h2>
    <p class="hint">{t("admin.yaml.hint", { key: sopKey })}</p>
    <div class={`field${local ? " invalid" : ""}`}>
      <label for="yaml-file">{t("admin.yaml.file")}</label>
      <input id="yaml-file" type="file" accept=".yaml,.yml,application/yaml,text/yaml"
        aria-invalid={local ? true : undefined} aria-describedby={local ? "yaml-file-error" : undefined}
        onChange={(e) => { setFile(e.currentTarget.files?.[0]); setLocal(undefined); setProblems([]); }} />
      {file ? <p class="meta">{file.name} · {formatBytes(file.size)}</p> : null}
      {local ? <p class="field-error" id="yaml-file-error">{local}</p> : null}
    </div>
    <ProblemList id="yaml-problems" problems={problems} stepName={stepName} title={t("admin.yaml.problems", { n: problems.length })} />
    <ErrorBox error={failure} />
    {busy ? <p class="loading" role="status"><span class="spinner" aria-hidden="true" />{t("admin.yaml.busy")}</p> : null}
    <button type="submit" disabled={busy}>{busy ? t("admin.yaml.busy") : t("admin.yaml.submit")}</button>
  </form>;
}

function Versions({ versions, title, agency, owner, service, sopKey, onAccepted }: { versions: SopVersion[];
  title: string | undefined; agency: string; owner: boolean; service: string; sopKey: string;
  onAccepted: () => void }) {
  const [names] = useLoad(() => loadAgencyNames(), []);
  const name = (key: string) => names?.get(key) ?? key;
  return <ul class="versions" aria-labelledby="versions-title">
    {[...versions].reverse().map((v) => <li key={v.version}>
      <strong>{t("admin.sop.version", { n: v.version })}</strong>
      <span class="meta"> · {v.origin === "api" ? t("admin.sop.originApi") : t("admin.sop.originFile")} ·{" "}
        {formatTime(v.published_at)}</span>
      {title !== undefined && v.title !== title ? <span class="meta version-title">{v.title}</span> : null}
      {v.status === "pending" ? <p class="pending">
        <span class="badge badge-late">{t("admin.sop.pending")}</span>{" "}
        {t("admin.sop.awaiting", { agencies: v.awaiting.map(name).join(", ") })}
        {v.accepted.length ? <> · {t("admin.sop.acceptedBy", { agencies: v.accepted.map(name).join(", ") })}</> : null}
      </p> : null}
      {v.status === "withdrawn" || v.status === "declined" ? <p class="pending">
        <span class="badge">{t(v.status === "withdrawn" ? "admin.sop.withdrawn" : "admin.sop.declined")}</span></p> : null}
      {v.status === "pending" && v.awaiting.includes(agency) ? <>
        <Accept service={service} sopKey={sopKey} version={v.version} onAccepted={onAccepted} />
        <CloseVersion kind="decline" service={service} sopKey={sopKey} version={v.version} onClosed={onAccepted} />
      </> : null}
      {v.status === "pending" && owner
        ? <CloseVersion kind="withdraw" service={service} sopKey={sopKey} version={v.version} onClosed={onAccepted} /> : null}
    </li>)}
  </ul>;
}

/** The awaited agency's admin accepts the steps a pending version gives it. */
function Accept({ service, sopKey, version, onAccepted }: { service: string; sopKey: string;
  version: number; onAccepted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const accept = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      await call("POST", `/api/v1/${service}/sops/${sopKey}/versions/${version}/accept`);
      onAccepted();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return <div class="accept">
    <p>{t("admin.sop.acceptHint")}</p>
    <ErrorBox error={failure} />
    <button type="button" onClick={accept} disabled={busy}>
      {busy ? t("admin.sop.accepting") : t("admin.sop.accept", { n: version })}</button>
  </div>;
}

function Sop({ agency, service, sopKey }: { agency: string; service: string; sopKey: string }) {
  const [tick, setTick] = useState(0);
  const [published, setPublished] = useState<PublishedSop>();
  const [info] = useLoad(() => loadAgency(agency), [agency]);
  const [sop, sopError] = useLoad(() => call<SopDetail>("GET", `/api/v1/${service}/sops/${sopKey}`,
    { anonymous: true }), [service, sopKey, tick]);
  const [versions, versionsError] = useLoad(() => call<SopVersion[]>("GET",
    `/api/v1/${service}/sops/${sopKey}/versions`, { anonymous: true }), [service, sopKey, tick]);
  const done = (p: PublishedSop) => {
    setPublished(p);
    setTick((n) => n + 1);
    requestAnimationFrame(() => document.getElementById("published")?.focus());
  };
  const foreign = sop && sop.agency !== agency;
  return <section>
    <p class="crumbs"><a href="/admin/sop">{t("admin.nav.sops")}</a></p>
    <h1>{sop?.display_title ?? sop?.title ?? sopKey}</h1>
    <p class="meta mono">{sopKey}</p>
    <ErrorBox error={sopError ?? versionsError} />
    {published ? <p class="alert ok" role="status" id="published" tabIndex={-1}>
      {published.status === "pending"
        ? t("admin.sop.publishedPending", { version: published.version })
        : t("admin.sop.published", { version: published.version })}{" "}
      <a href={`/layanan/${service}/${sopKey}`}>{t("admin.sop.seeStandard")}</a></p> : null}
    {foreign ? <p class="alert warn" role="status">{t("admin.sop.foreign")}</p> : null}
    <h2 id="versions-title">{t("admin.sop.versions")}</h2>
    {versions ? <Versions versions={versions} title={sop?.title} agency={agency} owner={!!sop && !foreign} service={service}
      sopKey={sopKey} onAccepted={() => setTick((n) => n + 1)} /> : versionsError ? null : <Loading />}
    {sop && !foreign ? <>
      <SopForm key={`${sop.version}-${tick}`} service={service} current={sop} agency={info} onPublished={done} />
      <YamlUpload service={service} sopKey={sopKey} onPublished={done} steps={sop.steps} />
    </> : null}
  </section>;
}

export function AdminSopPage({ path, service, sopKey }: { path: string; service: string; sopKey: string }) {
  return <AdminFrame path={path}>{(agency) => <Sop agency={agency} service={service} sopKey={sopKey} />}</AdminFrame>;
}
