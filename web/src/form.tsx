// A form generated from the SOP's definition: one input per field (by its type, required,
// choices) and one file input per document, with the client checks of validate.ts and the
// server's errors[] shown next to the same fields.
import type { DocumentSpec, FieldProblem, FormField } from "./api/types";
import { formatBytes, humanize, t } from "./i18n";
import { Field, problemsFor, problemText } from "./ui";

export type Raw = Record<string, string | boolean>;

function describedBy(id: string, problems: FieldProblem[], name: string, hint = false) {
  const ids = [hint ? `${id}-hint` : "", problemsFor(problems, name).length ? `${id}-error` : ""];
  return ids.filter(Boolean).join(" ") || undefined;
}

export function FormFields({ fields, raw, setRaw, problems, onEdit }: {
  fields: FormField[]; raw: Raw; setRaw: (r: Raw) => void; problems: FieldProblem[];
  onEdit?: (name: string) => void;
}) {
  return <>{fields.map((f) => {
    const id = `f-${f.name}`;
    const required = f.required ?? true;
    const invalid = problemsFor(problems, f.name).length > 0;
    const set = (v: string | boolean) => {
      setRaw({ ...raw, [f.name]: v });
      onEdit?.(f.name);
    };
    const hint = f.type === "nik" ? t("hint.nik") : f.type === "date" ? t("hint.date")
      : f.type === "phone" ? t("hint.phone") : undefined;
    const common = { id, name: f.name, required, "aria-invalid": invalid || undefined,
      "aria-describedby": describedBy(id, problems, f.name, Boolean(hint)) };
    let input;
    if (f.type === "choice") {
      input = <select {...common} value={String(raw[f.name] ?? "")}
        onChange={(e) => set(e.currentTarget.value)}>
        <option value="">{t("form.choose")}</option>
        {(f.choices ?? []).map((c) => <option value={c} key={c}>{humanize(c)}</option>)}
      </select>;
    } else if (f.type === "boolean") {
      input = <input {...common} type="checkbox" checked={raw[f.name] === true}
        onChange={(e) => set(e.currentTarget.checked)} />;
    } else if (f.type === "text") {
      input = <textarea {...common} rows={4} value={String(raw[f.name] ?? "")}
        onInput={(e) => set(e.currentTarget.value)} />;
    } else {
      const types: Record<string, "date" | "email" | "tel" | "number"> = { date: "date",
        email: "email", phone: "tel", integer: "number", number: "number" };
      const type = types[f.type ?? "string"] ?? "text";
      const mode = f.type === "nik" ? "numeric" : undefined;
      input = <input {...common} type={type as "text"} inputMode={mode} maxLength={f.type === "nik" ? 20 : undefined}
        autoComplete="off" step={f.type === "number" ? "any" : undefined}
        value={String(raw[f.name] ?? "")} onInput={(e) => set(e.currentTarget.value)} />;
    }
    return <Field key={f.name} id={id} label={f.label} problems={problems} hint={hint}
      required={required}>{input}</Field>;
  })}</>;
}

export function DocumentInputs({ documents, files, setFiles, problems, requiredKeys, onEdit }: {
  documents: DocumentSpec[]; files: Record<string, File>; setFiles: (f: Record<string, File>) => void;
  problems: FieldProblem[]; requiredKeys?: Set<string>; onEdit?: (name: string) => void;
}) {
  return <>{documents.map((d) => {
    const id = `doc-${d.key}`;
    const required = requiredKeys ? requiredKeys.has(d.key) : (d.required ?? true);
    const mine = problemsFor(problems, `documents.${d.key}`).concat(problemsFor(problems, d.key));
    const accept = (d.types ?? ["application/pdf", "image/jpeg", "image/png", "image/webp"]).join(",");
    const chosen = files[d.key];
    return <div class={`field${mine.length ? " invalid" : ""}`} key={d.key}>
      <label for={id}>{d.label}{required ? <span aria-hidden="true"> *</span> : null}
        {required ? <span class="sr-only"> ({t("required")})</span> : null}</label>
      <p class="hint" id={`${id}-hint`}>{t("hint.file")}</p>
      <input id={id} type="file" accept={accept} required={required}
        aria-invalid={mine.length > 0 || undefined}
        aria-describedby={`${id}-hint${mine.length ? ` ${id}-error` : ""}`}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          const next = { ...files };
          if (file) next[d.key] = file; else delete next[d.key];
          setFiles(next);
          onEdit?.(d.key);
        }} />
      {chosen ? <p class="meta">{chosen.name} · {formatBytes(chosen.size)}</p> : null}
      {mine.map((p) => <p class="field-error" id={`${id}-error`} key={p.problem}>{problemText(p)}</p>)}
    </div>;
  })}</>;
}

/** Server errors whose field the page does not show, so none is lost. */
export function otherProblems(problems: FieldProblem[], shown: string[]): FieldProblem[] {
  const known = new Set(shown.flatMap((n) => [n, `form.${n}`, `documents.${n}`]));
  return problems.filter((p) => !known.has(p.field));
}

/** The problems left once the person edited `name` (its own are dropped until the next check). */
export function without(problems: FieldProblem[], name: string): FieldProblem[] {
  const gone = new Set([name, `form.${name}`, `documents.${name}`]);
  return problems.filter((p) => !gone.has(p.field));
}
