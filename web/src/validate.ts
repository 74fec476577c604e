// Client-side checks that mirror the server's (shared/engine/submission.py for SOP forms,
// the identity rules for registration), so most mistakes show before a round trip. The
// server stays the judge: its problem+json `errors[]` are shown next to the same fields.
import type { DocumentSpec, FieldProblem, FormField } from "./api/types";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[0-9]{9,15}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type FormValue = string | number | boolean;

/** The typed value the API expects from what the input holds, or undefined when empty. */
export function coerce(field: FormField, raw: string | boolean | undefined): FormValue | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (typeof raw === "boolean") return raw;
  const text = raw.trim();
  switch (field.type) {
    case "integer":
      return /^-?\d+$/.test(text) ? Number.parseInt(text, 10) : text;
    case "number":
      return text !== "" && !Number.isNaN(Number(text)) ? Number(text) : text;
    case "nik":
      return text.replace(/[\s.-]/g, "");
    case "phone":
      return text.replace(/[\s.()-]/g, "");
    default:
      return field.type === "text" ? raw : text;
  }
}

function validDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [y, m, d] = text.split("-").map(Number);
  const when = new Date(Date.UTC(y, m - 1, d));
  return when.getUTCFullYear() === y && when.getUTCMonth() === m - 1 && when.getUTCDate() === d;
}

/** The server's problem code for one value, or null. */
export function checkValue(field: FormField, value: FormValue): string | null {
  switch (field.type ?? "string") {
    case "string":
    case "text":
      return typeof value === "string" && value.trim() ? null : "not-text";
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? null : "not-integer";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "not-number";
    case "boolean":
      return typeof value === "boolean" ? null : "not-boolean";
    case "date":
      return typeof value === "string" && validDate(value) ? null : "not-date";
    case "choice":
      return (field.choices ?? []).includes(String(value)) ? null : "not-a-choice";
    case "nik":
      return typeof value === "string" && /^[0-9]{16}$/.test(value) ? null : "not-nik";
    case "phone":
      return typeof value === "string" && PHONE.test(value) ? null : "not-phone";
    case "email":
      return typeof value === "string" && EMAIL.test(value) ? null : "not-email";
    default:
      return "unknown-type";
  }
}

/** Every problem with the form and the chosen documents, as the server would list them. */
export function checkSubmission(fields: FormField[], values: Record<string, FormValue | undefined>,
                                documents: DocumentSpec[], chosen: Set<string>,
                                partial = false): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === "") {
      if ((field.required ?? true) && !partial) problems.push({ field: field.name, problem: "required" });
      continue;
    }
    const problem = checkValue(field, value);
    if (problem) problems.push({ field: field.name, problem });
  }
  if (!partial) {
    for (const doc of documents) {
      if ((doc.required ?? true) && !chosen.has(doc.key)) {
        problems.push({ field: `documents.${doc.key}`, problem: "required" });
      }
    }
  }
  return problems;
}

/** Registration checks the client can make (the server checks region codes and more). */
export function checkRegistration(form: Record<string, string>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const nik = (form.nik ?? "").replace(/[\s.-]/g, "");
  const need = (name: string) => !(form[name] ?? "").trim();
  for (const name of ["nik", "name", "email", "phone", "password"]) {
    if (need(name)) problems.push({ field: name, problem: "required" });
  }
  if (!need("nik") && !/^[0-9]{16}$/.test(nik)) problems.push({ field: "nik", problem: "nik-format" });
  if (!need("email") && !EMAIL.test(form.email.trim())) problems.push({ field: "email", problem: "not-email" });
  const phone = (form.phone ?? "").replace(/[\s.()-]/g, "");
  if (!need("phone") && !/^(\+62|62|0)8[0-9]{7,11}$/.test(phone)) {
    problems.push({ field: "phone", problem: "not-phone" });
  }
  const password = form.password ?? "";
  if (!need("password")) {
    if (password.length < 10) problems.push({ field: "password", problem: "password-too-short" });
    else if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) {
      problems.push({ field: "password", problem: "password-letters-digits" });
    }
  }
  return problems;
}
