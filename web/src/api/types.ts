// The API's shapes, named once for the app. Every type comes from schema.d.ts, generated from
// the gateway's OpenAPI (`npm run gen:api`), so a change in the API shows as a type error here
// or where the app uses it. The SOP detail and service standard are still free-form objects in
// the spec: their fields the app reads are declared below until the spec types them.
import type { components } from "./schema";

type S = components["schemas"];
export type TokenPair = S["TokenPair"];
export type Profile = S["Profile"];
export type RegisterForm = S["RegisterForm"];
export type Catalog = S["Catalog"];
export type CatalogEntry = S["CatalogEntry"];
export type CaseSummary = S["CaseSummary"];
export type CaseSummaryPage = S["CasePage"];
export type Tracking = S["Tracking"];
export type TimelineEntry = S["TimelineEntry"];
export type OutputLink = S["OutputLink"];
export type Notification = S["Notification"];
export type NotificationPage = S["NotificationPage"];
export type SurveyStatus = S["SurveyStatus"];
export type SurveyAnswer = S["SurveyAnswer"];
export type Question = S["Question"];
export type Case = S["CaseOut"];
export type CaseAction = S["ActionOut"];
export type Items = S["ItemsOut"];
export type History = S["HistoryOut"];
export type Output = S["OutputOut"];
export type Requested = S["RequestedItems"];

export type FieldType = "string" | "text" | "integer" | "number" | "date" | "boolean" | "choice"
  | "nik" | "phone" | "email";

export interface FormField {
  name: string;
  label: string;
  type?: FieldType;
  required?: boolean;
  choices?: string[];
  personal?: boolean;
}

export interface DocumentSpec {
  key: string;
  label: string;
  required?: boolean;
  types?: string[];
}

/** `GET /api/v1/{service}/sops/{key}`: the parts of the definition a form needs. */
export interface SopDetail {
  key: string;
  version: number;
  title: string;
  display_title?: string;
  agency: string;
  service: string;
  form?: FormField[];
  documents?: DocumentSpec[];
}

/** `GET /api/v1/{service}/sops/{key}/standard` (JSON). */
export interface ServiceStandard {
  key: string;
  title: string;
  display_title?: string;
  agency_name?: string;
  category_label?: string;
  legal_basis?: string[];
  requirements?: { documents?: { key: string; label: string; required: boolean }[];
    form?: { name: string; label: string; required: boolean }[] };
  procedure?: { nomor: number | null; id: string; actor_label?: string; agency_name?: string;
    activity: string; time: string | null; output: string | null }[];
  total_time?: { label?: string } | string;
  cost?: string;
  product?: string | null;
  complaint_channel?: string;
  service_hours?: string | null;
}

/** One entry of a problem+json `errors[]`. */
export interface FieldProblem {
  field: string;
  problem?: string;
  message?: string;
}
