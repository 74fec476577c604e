// Client-side checks that mirror the server's (shared/engine/submission.py for SOP forms,
// shared/identity_numbers.py for NIK and KK numbers, the identity rules for registration), so
// most mistakes show before a round trip. The server stays the judge: its problem+json
// `errors[]` are shown next to the same fields.
import type { DocumentSpec, FieldProblem, FormField } from "./api/types";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[0-9]{9,15}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The longest value of a text-like field whose definition names no `max_length`. */
export const DEFAULT_MAX_LENGTH: Record<string, number> = { string: 200, text: 4000, email: 254 };
const PROVINCES = new Set(("11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 "
  + "65 71 72 73 74 75 76 81 82 91 92 93 94 95 96").split(" "));
const LAMPUNG_REGENCIES = new Set("01 02 03 04 05 06 07 08 09 10 11 12 13 71 72".split(" "));
/** A `nik` field that holds a KK number: `nomor_kk`, `no_kk`, `kk_ayah`. */
const KK_NAME = /(^|_)kk($|_)/;
// C0 controls, DEL and C1 controls (Unicode category Cc); a multi-line text keeps \t \n \r.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function isKkField(field: FormField): boolean {
  return field.type === "nik" && KK_NAME.test(field.name);
}

function regionOk(code: string): boolean {
  const [province, regency, district] = [code.slice(0, 2), code.slice(2, 4), code.slice(4, 6)];
  if (!PROVINCES.has(province) || district === "00") return false;
  if (province === "18") return LAMPUNG_REGENCIES.has(regency);
  const n = Number(regency);
  return (n >= 1 && n <= 69) || (n >= 71 && n <= 79);
}

/** The problem codes of a 16-digit NIK (`nik-…`) or KK number (`kk-…`), as the server lists them. */
export function identityProblems(number: string, kk: boolean, today = new Date()): string[] {
  const prefix = kk ? "kk" : "nik";
  if (!/^[0-9]{16}$/.test(number)) return [`${prefix}-format`];
  const problems: string[] = [];
  if (!regionOk(number)) problems.push(`${prefix}-region`);
  let day = Number(number.slice(6, 8));
  const month = Number(number.slice(8, 10));
  const yy = Number(number.slice(10, 12));
  if (!kk && day > 40) day -= 40;
  const thisYear = today.getFullYear();
  const year = yy <= thisYear % 100 ? 2000 + yy : 1900 + yy;
  const iso = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  if (!validDate(iso)) problems.push(kk ? "kk-date" : "nik-birth-date");
  else {
    const todayIso = `${thisYear}-${String(today.getMonth() + 1).padStart(2, "0")}-`
      + String(today.getDate()).padStart(2, "0");
    if (iso > todayIso) problems.push(`${prefix}-future`);
  }
  if (number.slice(12) === "0000") problems.push(`${prefix}-serial`);
  return problems;
}

function textProblem(field: FormField, value: string): string | null {
  const kind = field.type ?? "string";
  const own = (field as { max_length?: number | null }).max_length;
  const limit = own ?? DEFAULT_MAX_LENGTH[kind];
  if (limit !== undefined && value.length > limit) return "too-long";
  return (kind === "text" ? CONTROL_MULTILINE : CONTROL).test(value) ? "control-characters" : null;
}

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
export function checkValue(field: FormField, value: FormValue, today = new Date()): string | null {
  const kind = field.type ?? "string";
  if ((kind === "string" || kind === "text" || kind === "email") && typeof value === "string") {
    const problem = textProblem(field, value);
    if (problem) return problem;
  }
  switch (kind) {
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
    case "nik": {
      const kk = isKkField(field);
      if (typeof value !== "string" || !/^[0-9]{16}$/.test(value)) return kk ? "not-kk" : "not-nik";
      return identityProblems(value, kk, today)[0] ?? null;
    }
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
