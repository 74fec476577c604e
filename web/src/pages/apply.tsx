// Applying for a service: the SOP's form and documents, checked here first, then sent with
// the documents as one multipart request with upload progress. A counter officer submits for
// a citizen found by look-up (assist.tsx).
import { useState } from "preact/hooks";
import { ApiError, call, upload } from "../api/client";
import type { Case, CitizenFound, FieldProblem, SopDetail } from "../api/types";
import { DocumentInputs, FormFields, otherProblems, type Raw, without } from "../form";
import { t } from "../i18n";
import { navigate } from "../router";
import { ErrorBox, Loading, Progress, problemText, useLoad } from "../ui";
import { checkSubmission, coerce, type FormValue } from "../validate";
import { AssistPanel, AssistedDone, mayAssist } from "./assist";

export function ApplyPage({ service, sopKey }: { service: string; sopKey: string }) {
  const [sop, error] = useLoad(() => call<SopDetail>("GET", `/api/v1/${service}/sops/${sopKey}`),
    [service, sopKey]);
  const [raw, setRaw] = useState<Raw>({});
  const [files, setFiles] = useState<Record<string, File>>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const edit = (name: string) => setProblems((now) => without(now, name));
  const [failure, setFailure] = useState<unknown>();
  const [citizen, setCitizen] = useState<CitizenFound>();
  const [assisted, setAssisted] = useState<Case>();
  if (error) return <ErrorBox error={error} />;
  if (!sop) return <Loading />;
  const assist = mayAssist(sop.agency);
  if (assisted && citizen) return <AssistedDone opened={assisted} citizen={citizen} />;
  const fields = sop.form ?? [];
  const documents = sop.documents ?? [];
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const values: Record<string, FormValue | undefined> = {};
    for (const f of fields) values[f.name] = coerce(f, raw[f.name]);
    const found = checkSubmission(fields, values, documents, new Set(Object.keys(files)));
    setProblems(found);
    if (assist && !citizen) {
      document.getElementById("assist-value")?.focus();
      setFailure(new ApiError(422, "assist-citizen", t("assist.required")));
      return;
    }
    if (found.length) {
      focusFirstProblem();
      return;
    }
    const form = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    const body = new FormData();
    body.append("data", JSON.stringify({ sop_key: sop.key, form, on_behalf_of: citizen?.account_id }));
    for (const [key, file] of Object.entries(files)) body.append(key, file, file.name);
    setProgress(0);
    try {
      const opened = await upload<Case>(`/api/v1/${service}/cases`, body, setProgress);
      if (citizen) setAssisted(opened);
      else navigate(`/lacak/${opened.tracking_no}?baru=1`);
    } catch (err) {
      setProgress(null);
      if (err instanceof ApiError && err.errors.length) {
        setProblems(err.errors);
        focusFirstProblem();
      }
      setFailure(err);
    }
  };
  const rest = otherProblems(problems, [...fields.map((f) => f.name), ...documents.map((d) => d.key)]);
  return <section>
    <p class="crumbs"><a href={`/layanan/${service}/${sopKey}`}>{t("apply.back")}</a></p>
    <h1>{sop.display_title ?? sop.title}</h1>
    <p class="lead">{t("apply.lead")}</p>
    {assist ? <AssistPanel citizen={citizen} onChange={setCitizen} /> : null}
    <form onSubmit={submit} noValidate>
      {problems.length ? <div class="alert error" role="alert">{t("form.fix", { n: problems.length })}</div> : null}
      <fieldset><legend>{t("apply.form")}</legend>
        <FormFields fields={fields} raw={raw} setRaw={setRaw} problems={problems} onEdit={edit} /></fieldset>
      {documents.length ? <fieldset><legend>{t("apply.documents")}</legend>
        <DocumentInputs documents={documents} files={files} setFiles={setFiles} problems={problems} onEdit={edit} />
      </fieldset> : null}
      {rest.map((p) => <p class="field-error" key={p.field}>{p.field}: {problemText(p)}</p>)}
      <ErrorBox error={failure} />
      {progress !== null ? <Progress value={progress} label={t("apply.sending")} /> : null}
      <button type="submit" disabled={progress !== null}>{t("apply.submit")}</button>
    </form>
  </section>;
}

export function focusFirstProblem(): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  });
}
