// Assisted submission on the apply page: a counter officer (front office, operator, staf of
// the SOP's agency) finds the citizen's account by NIK, WhatsApp number or e-mail (the
// look-up is recorded) and submits for them; the page says whose case it becomes.
import { useState } from "preact/hooks";
import { ApiError, auth, call } from "../api/client";
import type { Case, CitizenFound } from "../api/types";
import { t } from "../i18n";
import { ErrorBox, Field } from "../ui";

export const ASSIST_ROLES = ["front_office", "operator", "staf"];
const KEYS = ["nik", "phone", "email"] as const;
type KeyKind = (typeof KEYS)[number];

/** Whether the signed-in account may submit for a citizen in `agency`. */
export function mayAssist(agency: string | undefined): boolean {
  const roles = auth.get()?.profile?.roles ?? [];
  return !!agency && roles.some((r) => {
    const [a, role] = r.split(":");
    return a === agency && ASSIST_ROLES.includes(role ?? "");
  });
}

export function AssistPanel({ citizen, onChange }: { citizen?: CitizenFound;
  onChange: (found: CitizenFound | undefined) => void }) {
  const [kind, setKind] = useState<KeyKind>("nik");
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [empty, setEmpty] = useState(false);
  const find = async () => {
    if (!value.trim()) {
      setEmpty(true);
      document.getElementById("assist-value")?.focus();
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      onChange(await call<CitizenFound>("POST", "/api/v1/citizens/lookup", { json: { [kind]: value.trim() } }));
    } catch (err) {
      onChange(undefined);
      setFailure(err instanceof ApiError && err.status === 404 ? new ApiError(404, err.code, t("assist.notFound")) : err);
    } finally {
      setBusy(false);
    }
  };
  if (citizen) {
    return <div class="panel" role="status">
      <p><strong>{t("assist.for", { name: citizen.name_masked })}</strong></p>
      <p class="meta">{[citizen.nik_masked && `NIK ${citizen.nik_masked}`, citizen.phone_masked]
        .filter(Boolean).join(" · ")}</p>
      <p>{t("assist.owner")}</p>
      <button type="button" class="secondary" onClick={() => onChange(undefined)}>{t("assist.change")}</button>
    </div>;
  }
  return <fieldset class="panel"><legend>{t("assist.title")}</legend>
    <p>{t("assist.lead")}</p>
    <div class="field"><label for="assist-kind">{t("assist.kind")}</label>
      <select id="assist-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as KeyKind)}>
        {KEYS.map((k) => <option value={k} key={k}>{t(`assist.kind.${k}`)}</option>)}</select></div>
    <Field id="assist-value" label={t(`assist.kind.${kind}`)}
      problems={empty ? [{ field: "assist-value", problem: "required" }] : []}>
      <input id="assist-value" value={value} aria-invalid={empty || undefined}
        inputMode={kind === "nik" ? "numeric" : kind === "phone" ? "tel" : "email"}
        onInput={(e) => { setValue(e.currentTarget.value); setEmpty(false); }}
        onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); void find(); } }} />
    </Field>
    <ErrorBox error={failure} />
    <p class="meta">{t("assist.audited")}</p>
    <button type="button" class="secondary" disabled={busy} onClick={find}>
      {busy ? t("assist.busy") : t("assist.find")}</button>
  </fieldset>;
}

/** After an assisted submission: whose case it is, its number, and the way back. */
export function AssistedDone({ opened, citizen }: { opened: Case; citizen: CitizenFound }) {
  return <section>
    <h1>{t("assist.done.title")}</h1>
    <div class="alert ok" role="status">
      <p>{t("assist.done", { no: opened.tracking_no, name: citizen.name_masked })}</p></div>
    <p>{t("assist.done.hint")}</p>
    <p class="actions-row"><a class="button" href="/petugas">{t("nav.inbox")}</a>
      <a class="button secondary" href="/">{t("nav.catalog")}</a></p>
  </section>;
}
