// Completing a returned file (`lengkapi`): the documents and fields the officer asked for,
// each required, the rest optional, sent with upload progress before the deadline.
import { useState } from "preact/hooks";
import { ApiError, call, upload } from "../api/client";
import type { Case, CaseAction, FieldProblem, FormField, SopDetail } from "../api/types";
import { DocumentInputs, FormFields, otherProblems, type Raw, without } from "../form";
import { formatTime, t } from "../i18n";
import { ErrorBox, Field, Progress, problemText, useLoad } from "../ui";
import { checkSubmission, coerce, type FormValue } from "../validate";
import { focusFirstProblem } from "./apply";

export function Resubmit({ detail, action, onDone }: { detail: Case; action: CaseAction;
  onDone: () => void }) {
  const [sop] = useLoad(() => call<SopDetail>("GET",
    `/api/v1/${detail.service}/sops/${detail.sop_key}`, { query: { version: detail.sop_version } }),
  [detail.sop_key, detail.sop_version]);
  const [raw, setRaw] = useState<Raw>({});
  const [files, setFiles] = useState<Record<string, File>>({});
  const [comment, setComment] = useState("");
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const edit = (name: string) => setProblems((now) => without(now, name));
  const [failure, setFailure] = useState<unknown>();
  const requires = action.requires ?? { documents: [], fields: [] };
  const accepts = action.accepts ?? requires;
  const requiredDocs = new Set((requires.documents ?? []).map((d) => d.key));
  const requiredFields = new Set((requires.fields ?? []).map((f) => f.key));
  const docs = (accepts.documents ?? []).map((d) => ({ key: d.key, label: d.label }));
  const fieldSpecs: FormField[] = (accepts.fields ?? []).map((f) => {
    const spec = sop?.form?.find((s) => s.name === f.key);
    return { ...(spec ?? { name: f.key, label: f.label }), required: requiredFields.has(f.key) };
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const values: Record<string, FormValue | undefined> = {};
    for (const f of fieldSpecs) values[f.name] = coerce(f, raw[f.name]);
    const found = checkSubmission(fieldSpecs.filter((f) => f.required), values, [], new Set(), false)
      .concat([...requiredDocs].filter((k) => !files[k])
        .map((k) => ({ field: `documents.${k}`, problem: "required" })));
    setProblems(found);
    if (found.length) {
      focusFirstProblem();
      return;
    }
    const form = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    const body = new FormData();
    body.append("data", JSON.stringify({ action: action.name, step: action.step,
      comment: comment.trim() || undefined, form: Object.keys(form).length ? form : undefined }));
    for (const [key, file] of Object.entries(files)) body.append(key, file, file.name);
    setProgress(0);
    try {
      await upload<Case>(`/api/v1/${detail.service}/cases/${detail.case_id}/actions`, body, setProgress);
      setProgress(null);
      onDone();
    } catch (err) {
      setProgress(null);
      if (err instanceof ApiError && err.errors.length) setProblems(err.errors);
      setFailure(err);
    }
  };
  const rest = otherProblems(problems, [...fieldSpecs.map((f) => f.name), ...docs.map((d) => d.key), "comment"]);
  return <section class="panel" aria-labelledby="resubmit-title">
    <h2 id="resubmit-title">{t("resubmit.title")}</h2>
    {detail.return_reason ? <p>{t("tracking.reason")}: <strong>{detail.return_reason}</strong></p> : null}
    {detail.applicant_due_at ? <p>{t("resubmit.before", { at: formatTime(detail.applicant_due_at) })}</p> : null}
    <form onSubmit={submit} noValidate>
      <DocumentInputs documents={docs} files={files} setFiles={setFiles} problems={problems}
        requiredKeys={requiredDocs} onEdit={edit} />
      <FormFields fields={fieldSpecs.filter((f) => f.required)} raw={raw} setRaw={setRaw} problems={problems} onEdit={edit} />
      {fieldSpecs.some((f) => !f.required) ? <details class="more"
        open={problems.some((p) => fieldSpecs.some((f) => !f.required && p.field === f.name))}>
        <summary>{t("resubmit.more")}</summary>
        <FormFields fields={fieldSpecs.filter((f) => !f.required)} raw={raw} setRaw={setRaw} problems={problems} onEdit={edit} />
      </details> : null}
      <Field id="f-comment" label={t("resubmit.comment")} problems={problems}>
        <textarea id="f-comment" rows={3} maxLength={4000} value={comment}
          onInput={(e) => setComment(e.currentTarget.value)} /></Field>
      {rest.map((p) => <p class="field-error" key={p.field}>{problemText(p)}</p>)}
      <ErrorBox error={failure} />
      {progress !== null ? <Progress value={progress} label={t("apply.sending")} /> : null}
      <button type="submit" disabled={progress !== null}>{action.label || t("resubmit.submit")}</button>
    </form>
  </section>;
}
