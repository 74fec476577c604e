// Publishing a new SOP version from a form: the current version loaded, the admin edits the
// title, each step's activity, standard time and actor, and the documents' labels and whether
// they are required. The server's problems are shown at the field (or step) they concern.
import { useState } from "preact/hooks";
import { ApiError, call } from "../api/client";
import type { Agency, FieldProblem, PublishedSop, SopDetail } from "../api/types";
import { t } from "../i18n";
import { ErrorBox, problemText } from "../ui";
import { ProblemList } from "./admin-shared";

type Placed = { title: FieldProblem[]; steps: FieldProblem[][]; docs: FieldProblem[][]; other: FieldProblem[] };

/** Each problem at its place: `title`, `steps.<i>.<x>` (or the step's id), `documents.<j>.<x>`. */
export function placeProblems(sop: SopDetail, problems: FieldProblem[]): Placed {
  const out: Placed = { title: [], steps: sop.steps.map(() => []), docs: sop.documents.map(() => []), other: [] };
  for (const p of problems) {
    const parts = (p.field ?? "").split(".");
    if (parts[0] === "title" && parts.length === 1) out.title.push(p);
    else if (parts[0] === "steps" && out.steps[Number(parts[1])]) out.steps[Number(parts[1])].push(p);
    else if (parts[0] === "documents" && out.docs[Number(parts[1])]) out.docs[Number(parts[1])].push(p);
    else if (p.step && sop.steps.some((s) => s.id === p.step)) out.steps[sop.steps.findIndex((s) => s.id === p.step)].push(p);
    else out.other.push(p);
  }
  return out;
}

function at(problems: FieldProblem[], field: string): FieldProblem[] {
  return problems.filter((p) => p.field === field);
}

function Errors({ id, problems }: { id: string; problems: FieldProblem[] }) {
  return <>{problems.map((p, i) => <p class="field-error" id={i ? `${id}-${i}` : id} key={i}>{problemText(p)}</p>)}</>;
}

function Input({ id, label, value, problems, onInput, hint, rows }: { id: string; label: string; value: string;
  problems: FieldProblem[]; onInput: (v: string) => void; hint?: string; rows?: number }) {
  const described = [hint ? `${id}-hint` : "", problems.length ? `${id}-error` : ""].filter(Boolean).join(" ");
  return <div class={`field${problems.length ? " invalid" : ""}`}>
    <label for={id}>{label}</label>
    {hint ? <p class="hint" id={`${id}-hint`}>{hint}</p> : null}
    {rows ? <textarea id={id} rows={rows} value={value} aria-invalid={problems.length > 0 || undefined}
      aria-describedby={described || undefined} onInput={(e) => onInput(e.currentTarget.value)} />
      : <input id={id} value={value} aria-invalid={problems.length > 0 || undefined}
        aria-describedby={described || undefined} onInput={(e) => onInput(e.currentTarget.value)} />}
    <Errors id={`${id}-error`} problems={problems} />
  </div>;
}

export function SopForm({ service, current, agency, onPublished }: { service: string; current: SopDetail;
  agency: Agency | undefined; onPublished: (p: PublishedSop) => void }) {
  const [draft, setDraft] = useState<SopDetail>(() => structuredClone(current));
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const placed = placeProblems(draft, problems);
  const roles = (agency?.roles ?? []).filter((r) => r.key !== "admin");
  const editStep = (i: number, change: Partial<SopDetail["steps"][number]>) => {
    setDraft({ ...draft, steps: draft.steps.map((s, j) => j === i ? { ...s, ...change } : s) });
    setProblems((now) => now.filter((p) => !(p.field ?? "").startsWith(`steps.${i}.`) && p.step !== draft.steps[i].id));
  };
  const editDoc = (i: number, change: Partial<SopDetail["documents"][number]>) => {
    setDraft({ ...draft, documents: draft.documents.map((d, j) => j === i ? { ...d, ...change } : d) });
    setProblems((now) => now.filter((p) => !(p.field ?? "").startsWith(`documents.${i}.`)));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setProblems([]);
    try {
      const published = await call<PublishedSop>("POST", `/api/v1/${service}/sops`, { json: draft });
      onPublished(published);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        setProblems(err.errors);
        requestAnimationFrame(() => document.getElementById("sop-form-problems")?.focus());
      } else {
        setFailure(err);
      }
    } finally {
      setBusy(false);
    }
  };
  return <form class="sop-form" onSubmit={submit} noValidate aria-labelledby="sop-form-title">
    <h2 id="sop-form-title">{t("admin.sop.formTitle", { version: current.version })}</h2>
    <p class="hint">{t("admin.sop.formHint")}</p>
    {problems.length ? <ProblemList id="sop-form-problems" problems={placed.other}
      title={t("admin.sop.formProblems", { n: problems.length })} /> : null}
    {problems.length && !placed.other.length ? <p class="alert error" role="alert" id="sop-form-problems" tabIndex={-1}>
      {t("admin.sop.formProblems", { n: problems.length })}</p> : null}
    <Input id="sop-title" label={t("admin.sop.sopTitle")} value={draft.title} problems={placed.title} rows={4}
      onInput={(v) => { setDraft({ ...draft, title: v }); setProblems((p) => p.filter((x) => x.field !== "title")); }} />
    <h3>{t("admin.sop.steps")}</h3>
    {draft.steps.map((s, i) => {
      const mine = placed.steps[i];
      const loose = mine.filter((p) => !["activity", "time", "actor"].some((f) => p.field === `steps.${i}.${f}`));
      const choices = roles.some((r) => r.key === s.actor) ? roles
        : [{ key: s.actor, label: s.actor === "pemohon" ? t("admin.sop.applicant") : s.actor }, ...roles];
      const actorErrors = at(mine, `steps.${i}.actor`);
      return <fieldset key={s.id} class={mine.length ? "invalid" : undefined} id={`step-${i}`}>
        <legend>{t("admin.sop.step", { n: s.nomor ?? i + 1 })}</legend>
        <Input id={`step-${i}-activity`} label={t("admin.sop.activity")} value={s.activity} rows={3}
          problems={at(mine, `steps.${i}.activity`)} onInput={(v) => editStep(i, { activity: v })} />
        <Input id={`step-${i}-time`} label={t("admin.sop.time")} value={s.time ?? ""} hint={t("admin.sop.timeHint")}
          problems={at(mine, `steps.${i}.time`)} onInput={(v) => editStep(i, { time: v || null })} />
        <div class={`field${actorErrors.length ? " invalid" : ""}`}>
          <label for={`step-${i}-actor`}>{t("admin.sop.actor")}</label>
          <select id={`step-${i}-actor`} value={s.actor} aria-invalid={actorErrors.length > 0 || undefined}
            aria-describedby={actorErrors.length ? `step-${i}-actor-error` : undefined}
            onChange={(e) => editStep(i, { actor: e.currentTarget.value })}>
            {choices.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}</select>
          <Errors id={`step-${i}-actor-error`} problems={actorErrors} />
        </div>
        {loose.length ? <div class="step-problems" role="group" aria-label={t("admin.sop.stepProblems")}>
          <Errors id={`step-${i}-error`} problems={loose} /></div> : null}
      </fieldset>;
    })}
    <h3>{t("admin.sop.documents")}</h3>
    {!draft.documents.length ? <p class="meta">{t("admin.sop.noDocuments")}</p> : null}
    {draft.documents.map((d, i) => {
      const mine = placed.docs[i];
      const loose = mine.filter((p) => p.field !== `documents.${i}.label`);
      return <fieldset key={d.key} class={mine.length ? "invalid" : undefined}>
        <legend>{t("admin.sop.document", { key: d.key })}</legend>
        <Input id={`doc-${i}-label`} label={t("admin.sop.docLabel")} value={d.label} rows={2}
          problems={at(mine, `documents.${i}.label`)} onInput={(v) => editDoc(i, { label: v })} />
        <label class="choice"><input type="checkbox" checked={d.required}
          onChange={(e) => editDoc(i, { required: e.currentTarget.checked })} />{t("admin.sop.docRequired")}</label>
        <Errors id={`doc-${i}-error`} problems={loose} />
      </fieldset>;
    })}
    <ErrorBox error={failure} />
    {busy ? <p class="loading" role="status"><span class="spinner" aria-hidden="true" />{t("admin.sop.publishing")}</p> : null}
    <div class="actions-row">
      <button type="submit" disabled={busy}>{busy ? t("admin.sop.publishing") : t("admin.sop.publish")}</button>
      <button type="button" class="secondary" disabled={busy}
        onClick={() => { setDraft(structuredClone(current)); setProblems([]); }}>{t("admin.sop.reset")}</button>
    </div>
  </form>;
}
