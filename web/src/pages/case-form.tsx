// The applicant's form on an officer's case page: personal values arrive masked (the case's
// `masked` lists them); "Buka data" asks a reason, calls the service's unmask (recorded in its
// audit log) and shows the values in full until the officer masks them again or leaves.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, call } from "../api/client";
import type { Case, SopDetail, Unmasked } from "../api/types";
import { formatTime, humanize, t } from "../i18n";
import { ErrorBox, Field } from "../ui";

export function CaseForm({ service, caseId, detail, sop }: { service: string; caseId: string; detail: Case;
  sop?: SopDetail }) {
  const masked = detail.masked ?? [];
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [short, setShort] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [opened, setOpened] = useState<Unmasked>();
  const label = (name: string) => sop?.form.find((f) => f.name === name)?.label ?? humanize(name);
  const values = opened?.form ?? detail.form;
  const hideButton = useRef<HTMLButtonElement>(null);
  useEffect(() => { if (opened) hideButton.current?.focus(); }, [opened]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (reason.trim().length < 5) {
      setShort(true);
      document.getElementById("unmask-reason")?.focus();
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      setOpened(await call<Unmasked>("POST", `/api/v1/${service}/cases/${caseId}/unmask`,
        { json: { reason: reason.trim() } }));
      setAsking(false);
      setReason("");
    } catch (err) {
      setFailure(err);
      if (err instanceof ApiError && err.errors.some((p) => p.field === "reason")) setShort(true);
    } finally {
      setBusy(false);
    }
  };
  return <>
    <dl class="facts">{Object.entries(values).map(([k, v]) => <>
      <dt key={`${k}-k`}>{label(k)}</dt>
      <dd key={`${k}-v`} class="mono">{masked.includes(k) && !opened
        ? <span>{String(v)} <span class="sr-only">({t("officer.hidden")})</span></span>
        : humanize(String(v))}</dd></>)}</dl>
    {opened ? <div class="alert ok" role="status"><p>{t("unmask.done", { at: formatTime(opened.revealed_at) })}</p>
      <button type="button" class="secondary" ref={hideButton} onClick={() => setOpened(undefined)}>{t("unmask.hide")}</button></div>
      : null}
    {masked.length && !opened && !asking ? <p><button type="button" class="secondary"
      aria-expanded="false" aria-controls="unmask-panel" onClick={() => setAsking(true)}>{t("unmask.open")}</button></p> : null}
    {asking && !opened ? <form id="unmask-panel" class="panel" onSubmit={submit} noValidate aria-labelledby="unmask-t">
      <h3 id="unmask-t">{t("unmask.title")}</h3>
      <p>{t("unmask.explain")}</p>
      <Field id="unmask-reason" label={t("unmask.reason")} required hint={t("unmask.reason.hint")}
        problems={short ? [{ field: "unmask-reason", message: t("unmask.reason.short") }] : []}>
        <textarea id="unmask-reason" rows={2} minLength={5} maxLength={500} required value={reason}
          aria-describedby={`unmask-reason-hint${short ? " unmask-reason-error" : ""}`}
          aria-invalid={short || undefined}
          onInput={(e) => { setReason(e.currentTarget.value); setShort(false); }} />
      </Field>
      <ErrorBox error={failure} />
      <p class="actions-row"><button type="submit" disabled={busy}>{busy ? t("unmask.busy") : t("unmask.submit")}</button>
        <button type="button" class="secondary" onClick={() => { setAsking(false); setFailure(undefined); }}>
          {t("unmask.cancel")}</button></p>
    </form> : null}
  </>;
}
