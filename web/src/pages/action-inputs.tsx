// An officer action that takes inputs (its `accepts`: the fields the officer fills and the
// documents the officer attaches, e.g. a berita acara of a field check): the fields through the
// SOP form renderer, the documents as file inputs, the client checks of validate.ts, the
// server's errors[] next to the same inputs, and the request sent multipart with progress.
// Also what officers recorded with earlier actions (`officer_inputs` of the case).
import { useState } from "preact/hooks";
import { ApiError, upload } from "../api/client";
import type { Case, CaseAction, DocumentSpec, FieldProblem, FieldType, FormField } from "../api/types";
import { DocumentInputs, FormFields, otherProblems, type Raw, without } from "../form";
import { humanize, t } from "../i18n";
import { ErrorBox, Field, Progress, problemText } from "../ui";
import { checkSubmission, coerce, type FormValue } from "../validate";
import { focusFirstProblem } from "./apply";

type Item = NonNullable<CaseAction["accepts"]>["fields"][number];

/** Whether an officer action takes fields or documents (an applicant's `accepts` does not count). */
export function takesInputs(action: CaseAction): boolean {
  if (action.kind !== "forward" || !action.accepts) return false;
  const { fields = [], documents = [] } = action.accepts;
  return fields.some((f) => f.type) || documents.some((d) => (d.types ?? []).length > 0);
}

/** The action's fields as the form renderer takes them. */
export function inputFields(action: CaseAction): FormField[] {
  return (action.accepts?.fields ?? []).map((f: Item) => ({ name: f.key, label: f.label,
    type: (f.type ?? "string") as FieldType, required: f.required, choices: f.choices ?? [] }));
}

/** The action's documents as the file inputs take them. */
export function inputDocuments(action: CaseAction): DocumentSpec[] {
  return (action.accepts?.documents ?? []).map((d: Item) => ({ key: d.key, label: d.label,
    required: d.required, types: d.types?.length ? d.types : undefined }));
}

/** The typed values and the client's problems (a required one missing, a wrong value). */
export function checkInputs(action: CaseAction, raw: Raw, files: Record<string, File>
): { form: Record<string, FormValue>; problems: FieldProblem[] } {
  const fields = inputFields(action);
  const values: Record<string, FormValue | undefined> = {};
  for (const f of fields) values[f.name] = coerce(f, raw[f.name]);
  const problems = checkSubmission(fields, values, inputDocuments(action), new Set(Object.keys(files)));
  const form = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as
    Record<string, FormValue>;
  return { form, problems };
}

/** The multipart body of the action: `data` (the JSON of ActOnCase) and one part per document. */
export function actionBody(action: CaseAction, form: Record<string, FormValue>, comment: string,
                           files: Record<string, File>): FormData {
  const body = new FormData();
  body.append("data", JSON.stringify({ action: action.name, step: action.step,
    comment: comment.trim() || undefined, form: Object.keys(form).length ? form : undefined }));
  for (const [key, file] of Object.entries(files)) body.append(key, file, file.name);
  return body;
}

export function ActionWithInputs({ service, caseId, action, onDone }: { service: string;
  caseId: string; action: CaseAction; onDone: () => void }) {
  const [raw, setRaw] = useState<Raw>({});
  const [files, setFiles] = useState<Record<string, File>>({});
  const [comment, setComment] = useState("");
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>();
  const id = `act-${action.name}`;
  const needsReason = action.comment_required || action.to === "@rejected";
  const fields = inputFields(action);
  const documents = inputDocuments(action);
  const edit = (name: string) => setProblems((now) => without(now, name));
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const { form, problems: found } = checkInputs(action, raw, files);
    if (needsReason && !comment.trim()) found.push({ field: `${id}-comment`, problem: "required" });
    setProblems(found);
    if (found.length) {
      focusFirstProblem();
      return;
    }
    setProgress(0);
    try {
      await upload<Case>(`/api/v1/${service}/cases/${caseId}/actions`,
        actionBody(action, form, comment, files), setProgress);
      setProgress(null);
      onDone();
    } catch (err) {
      setProgress(null);
      if (err instanceof ApiError && err.errors.length) setProblems(err.errors);
      setFailure(err);
    }
  };
  const rest = otherProblems(problems, [...fields.map((f) => f.name), ...documents.map((d) => d.key),
    `${id}-comment`]);
  return <form class={`panel action action-${action.kind}`} onSubmit={submit} noValidate
    aria-labelledby={`${id}-t`}>
    <h3 id={`${id}-t`}>{action.label || humanize(action.name)}</h3>
    <p class="meta">{t("inputs.intro")}</p>
    <DocumentInputs documents={documents} files={files} setFiles={setFiles} problems={problems}
      onEdit={edit} />
    <FormFields fields={fields} raw={raw} setRaw={setRaw} problems={problems} onEdit={edit} />
    <Field id={`${id}-comment`} label={needsReason ? t("officer.reason") : t("officer.comment")}
      required={needsReason} problems={problems}>
      <textarea id={`${id}-comment`} rows={2} maxLength={4000} required={needsReason} value={comment}
        onInput={(e) => { setComment(e.currentTarget.value); edit(`${id}-comment`); }} />
    </Field>
    {rest.map((p) => <p class="field-error" key={p.field}>{problemText(p)}</p>)}
    <ErrorBox error={failure} />
    {progress !== null ? <Progress value={progress} label={t("inputs.sending")} /> : null}
    <button type="submit" disabled={progress !== null} class={action.to === "@rejected" ? "warn" : ""}>
      {progress !== null ? t("officer.busy") : action.label || humanize(action.name)}</button>
  </form>;
}

/** What officers recorded with their actions, per step (personal values arrive masked). */
export function OfficerRecords({ records }: { records: Case["officer_inputs"] }) {
  if (!records?.length) return null;
  return <>
    <h2>{t("inputs.recorded")}</h2>
    {records.map((r) => <section class="panel" key={r.seq} aria-label={humanize(r.step)}>
      <h3>{humanize(r.step)} · {humanize(r.action)}</h3>
      <dl class="facts">{r.fields.map((f) => <>
        <dt key={`${f.name}-k`}>{f.label}</dt>
        <dd key={`${f.name}-v`} class="mono">{f.masked
          ? <span aria-label={t("inputs.masked")}>{String(f.value)}</span> : humanize(String(f.value))}</dd>
      </>)}</dl>
    </section>)}
  </>;
}
