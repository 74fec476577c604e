// Small shared pieces: loading and empty states, errors, a progress bar, a labelled field.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "./api/client";
import type { FieldProblem } from "./api/types";
import { humanize, t, type Key } from "./i18n";

export function Loading({ label }: { label?: string }) {
  return <p class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true" />
    {label ?? t("loading")}</p>;
}

export function Empty({ title, hint, children }: { title: string; hint: string;
  children?: ComponentChildren }) {
  return <div class="empty"><p class="empty-title">{title}</p><p>{hint}</p>{children}</div>;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t("error.network");
    return error.message || t("error.generic");
  }
  return t("error.generic");
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return <div class="alert error" role="alert">{errorText(error)}</div>;
}

export function Progress({ value, label }: { value: number; label: string }) {
  const pct = Math.round(value * 100);
  return <div class="progress-wrap" role="status" aria-live="polite">
    <progress max={100} value={pct} aria-label={label} /> <span>{label} {pct}%</span></div>;
}

/** The message for a field problem: the server's when it sent one, else ours. */
export function problemText(p: FieldProblem): string {
  if (p.message) return p.message;
  const key = `problem.${p.problem}` as Key;
  const text = t(key);
  return text === key ? t("problem.invalid") : text;
}

export function problemsFor(problems: FieldProblem[], field: string): FieldProblem[] {
  return problems.filter((p) => p.field === field || p.field === `form.${field}`);
}

export function Field({ id, label, problems, hint, children, required }: {
  id: string; label: string; problems: FieldProblem[]; hint?: string; required?: boolean;
  children: ComponentChildren;
}) {
  const mine = problemsFor(problems, id.replace(/^f-/, ""));
  return <div class={`field${mine.length ? " invalid" : ""}`}>
    <label for={id}>{label}{required ? <span aria-hidden="true"> *</span> : null}
      {required ? <span class="sr-only"> ({t("required")})</span> : null}</label>
    {hint ? <p class="hint" id={`${id}-hint`}>{hint}</p> : null}
    {children}
    {mine.map((p) => <p class="field-error" id={`${id}-error`} key={p.problem}>{problemText(p)}</p>)}
  </div>;
}

export function StatusBadge({ status, late }: { status: string; late?: boolean }) {
  return <span class={`badge badge-${status}${late ? " badge-late" : ""}`}>
    {humanize(status)}{late ? ` · ${t("late")}` : ""}</span>;
}

/** Load data for a page: [data, error, reload]. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | undefined, unknown, () => void] {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then((d) => { if (live) setData(d); }, (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [...deps, tick]);
  return [data, error, () => setTick((n) => n + 1)];
}
