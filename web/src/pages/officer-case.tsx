// An officer's case view: the form (personal values masked until opened with a reason), the
// documents, the actions allowed now with what each needs (a reason, documents or fields to
// ask for), and the history.
import { useState } from "preact/hooks";
import { call, download } from "../api/client";
import type { Case, CaseAction, History, SopDetail } from "../api/types";
import { eventLabel, formatTime, humanize, t } from "../i18n";
import { ErrorBox, Field, Loading, StatusBadge, useLoad } from "../ui";
import { ActionWithInputs, OfficerRecords, takesInputs } from "./action-inputs";
import { CaseForm } from "./case-form";

export function OfficerCasePage({ service, caseId }: { service: string; caseId: string }) {
  const [data, error, reload] = useLoad(async () => {
    const detail = await call<Case>("GET", `/api/v1/${service}/cases/${caseId}`);
    const history = await call<History[]>("GET", `/api/v1/${service}/cases/${caseId}/history`);
    const sop = await call<SopDetail>("GET", `/api/v1/${service}/sops/${detail.sop_key}`,
      { query: { version: detail.sop_version } }).catch(() => undefined);
    return { detail, history, sop };
  }, [service, caseId]);
  const [failure, setFailure] = useState<unknown>();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const { detail, history, sop } = data;
  const get = (id: string, name: string) => download(
    `/api/v1/${service}/cases/${caseId}/documents/${id}`, name).catch(setFailure);
  return <section>
    <p class="crumbs"><a href="/petugas">{t("nav.inbox")}</a></p>
    <h1>{detail.title}</h1>
    <p class="meta"><span class="mono">{detail.tracking_no}</span> · <StatusBadge status={detail.status}
      late={detail.current_step?.overdue} /></p>
    {detail.current_step ? <p>{detail.current_step.activity}{detail.current_step.due_at
      ? ` · ${t("tracking.due", { at: formatTime(detail.current_step.due_at) })}` : ""}</p> : null}
    <h2>{t("officer.form")}</h2>
    <CaseForm service={service} caseId={caseId} detail={detail} sop={sop} />
    <h2>{t("tracking.documents")}</h2>
    <ul>{detail.documents.map((d) => {
      const doc = d as { id: string; filename: string; label?: string | null };
      return <li key={doc.id}><button type="button" class="link" onClick={() => get(doc.id, doc.filename)}>
        {doc.label ?? doc.filename}</button>{doc.label ? <span class="meta"> {doc.filename}</span> : null}</li>;
    })}</ul>
    <ErrorBox error={failure} />
    <OfficerRecords records={detail.officer_inputs} />
    <h2>{t("officer.actions")}</h2>
    {detail.actions.length ? detail.actions.map((a) => takesInputs(a)
      ? <ActionWithInputs key={a.name} service={service} caseId={caseId} action={a} onDone={reload} />
      : <ActionForm key={a.name} service={service}
      caseId={caseId} action={a} onDone={reload} />) : <p>{t("officer.noActions")}</p>}
    <h2>{t("officer.history")}</h2>
    <ol class="timeline">{[...history].reverse().map((h) => <li key={h.seq}>
      <p><strong>{eventLabel(h.type)}</strong>{h.action ? ` · ${humanize(h.action)}` : ""}</p>
      <p class="meta">{formatTime(h.at)} · {humanize(h.actor_role)}{h.actor_agency ? ` (${h.actor_agency})` : ""}</p>
      {h.comment ? <p>{h.comment}</p> : null}
    </li>)}</ol>
  </section>;
}

function ActionForm({ service, caseId, action, onDone }: { service: string; caseId: string;
  action: CaseAction; onDone: () => void }) {
  const [comment, setComment] = useState("");
  const [docs, setDocs] = useState<string[]>([]);
  const [fields, setFields] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [missing, setMissing] = useState(false);
  const isReturn = action.kind === "return";
  const needsReason = action.comment_required || isReturn || action.to === "@rejected";
  const id = `act-${action.name}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (needsReason && !comment.trim()) {
      setMissing(true);
      document.getElementById(`${id}-comment`)?.focus();
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await call("POST", `/api/v1/${service}/cases/${caseId}/actions`, { json: {
        action: action.name, step: action.step, comment: comment.trim() || undefined,
        requested: isReturn && (docs.length || fields.length) ? { documents: docs, fields } : undefined,
      } });
      onDone();
    } catch (err) {
      setFailure(err);
      setBusy(false);
    }
  };
  const toggle = (list: string[], set: (v: string[]) => void, key: string) =>
    set(list.includes(key) ? list.filter((k) => k !== key) : [...list, key]);
  return <form class={`panel action action-${action.kind}`} onSubmit={submit} aria-labelledby={`${id}-t`}>
    <h3 id={`${id}-t`}>{action.label || humanize(action.name)}</h3>
    {action.deadline ? <p class="meta">{t("officer.deadline", { time: action.deadline })}</p> : null}
    {isReturn && action.requestable ? <fieldset><legend>{t("officer.request")}</legend>
      {(action.requestable.documents ?? []).map((d) => <label class="choice" key={d.key}>
        <input type="checkbox" checked={docs.includes(d.key)} onChange={() => toggle(docs, setDocs, d.key)} /> {d.label}</label>)}
      {(action.requestable.fields ?? []).map((f) => <label class="choice" key={f.key}>
        <input type="checkbox" checked={fields.includes(f.key)} onChange={() => toggle(fields, setFields, f.key)} /> {f.label}</label>)}
    </fieldset> : null}
    <Field id={`${id}-comment`} label={needsReason ? t("officer.reason") : t("officer.comment")}
      required={needsReason} problems={missing ? [{ field: `${id}-comment`.replace(/^f-/, ""), problem: "required" }] : []}>
      <textarea id={`${id}-comment`} rows={2} maxLength={4000} required={needsReason} value={comment}
        aria-invalid={missing || undefined} onInput={(e) => { setComment(e.currentTarget.value); setMissing(false); }} />
    </Field>
    <ErrorBox error={failure} />
    <button type="submit" disabled={busy} class={isReturn || action.to === "@rejected" ? "warn" : ""}>
      {busy ? t("officer.busy") : action.label || humanize(action.name)}</button>
  </form>;
}
