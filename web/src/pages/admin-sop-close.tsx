// Closing a pending SOP version unaccepted, with a reason the service audits: the publishing
// agency's admin withdraws it ("Tarik kembali"), an awaited agency's admin declines it ("Tolak").
// Either way it never takes effect and the SOP can take a new version again.
import { useState } from "preact/hooks";
import { ApiError, call } from "../api/client";
import { t } from "../i18n";
import { ErrorBox, Field } from "../ui";

export type CloseKind = "withdraw" | "decline";

export function CloseVersion({ kind, service, sopKey, version, onClosed }: { kind: CloseKind;
  service: string; sopKey: string; version: number; onClosed: () => void }) {
  const id = `close-${kind}-${version}`;
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [short, setShort] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (reason.trim().length < 5) {
      setShort(true);
      document.getElementById(id)?.focus();
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await call("POST", `/api/v1/${service}/sops/${sopKey}/versions/${version}/${kind}`,
        { json: { reason: reason.trim() } });
      onClosed();
    } catch (err) {
      setFailure(err);
      if (err instanceof ApiError && err.errors.some((p) => p.field === "reason")) setShort(true);
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return <p><button type="button" class="secondary" aria-expanded="false" aria-controls={`${id}-form`}
      onClick={() => setOpen(true)}>{t(`admin.sop.${kind}`, { n: version })}</button></p>;
  }
  return <form id={`${id}-form`} class="panel" onSubmit={submit} noValidate aria-labelledby={`${id}-t`}>
    <h3 id={`${id}-t`}>{t(`admin.sop.${kind}`, { n: version })}</h3>
    <p>{t(`admin.sop.${kind}Hint`)}</p>
    <Field id={id} label={t("admin.sop.closeReason")} required hint={t("admin.sop.closeReasonHint")}
      problems={short ? [{ field: id, problem: "too-short", message: t("admin.sop.closeReasonShort") }] : []}>
      <textarea id={id} rows={2} minLength={5} maxLength={500} required value={reason}
        aria-describedby={`${id}-hint${short ? ` ${id}-error` : ""}`} aria-invalid={short || undefined}
        onInput={(e) => { setReason(e.currentTarget.value); setShort(false); }} />
    </Field>
    <ErrorBox error={failure} />
    <p class="actions-row"><button type="submit" disabled={busy}>
      {busy ? t("admin.sop.closing") : t(`admin.sop.${kind}Submit`)}</button>
      <button type="button" class="secondary" onClick={() => { setOpen(false); setFailure(undefined); }}>
        {t("admin.sop.closeCancel")}</button></p>
  </form>;
}
