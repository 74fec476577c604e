// The API's shapes, named once for the app. Every type comes from schema.d.ts, generated from
// the gateway's OpenAPI (`npm run gen:api`), so a change in the API shows as a type error here
// or where the app uses it.
import type { components } from "./schema";

type S = components["schemas"];
export type TokenPair = S["TokenPair"];
export type Profile = S["Profile"];
export type RegisterForm = S["RegisterForm"];
export type Catalog = S["Catalog"];
export type CatalogEntry = S["CatalogEntry"];
// The old names the API keeps one release (docs/api.md, "Names": `late`, a case's `id`, a
// history entry's `event`/`step_id`/`next_step_id`) are left out of the app's types, so reading
// one is a type error: the app uses only the new names.
/** Who holds a tracked case now (`overdue`, not the deprecated `late`). */
export type Holder = Omit<S["Holder"], "late">;
export type CaseSummary = Omit<S["CaseSummary"], "late" | "current_step"> & { current_step: Holder | null };
/** A page of tracked cases (`/api/v1/inbox`, `/api/v1/me/cases`). */
export type TrackedCasePage = Omit<S["TrackedCasePage"], "items"> & { items: CaseSummary[] };
export type CaseSummaryPage = TrackedCasePage;
export type Tracking = Omit<S["Tracking"], "late" | "current_step"> & { current_step: Holder | null };
export type TimelineEntry = S["TimelineEntry"];
export type OutputLink = S["OutputLink"];
export type Notification = S["Notification"];
export type NotificationPage = S["NotificationPage"];
export type SurveyStatus = S["SurveyStatus"];
export type SurveyAnswer = S["SurveyAnswer"];
export type Question = S["Question"];
/** A case in its service (`case_id`, not the deprecated `id`). */
export type Case = Omit<S["CaseOut"], "id">;
/** A page of one service's cases (`/api/v1/<service>/cases`). */
export type ServiceCasePage = Omit<S["ServiceCasePage"], "items"> & { items: Case[] };
export type CurrentStep = S["CurrentStep"];
export type CaseAction = S["ActionOut"];
export type Items = S["ItemsOut"];
/** A history entry, named as the timeline's (`type`, `step`, `next_step`). */
export type History = Omit<S["HistoryOut"], "event" | "step_id" | "next_step_id">;
export type Output = S["OutputOut"];
export type Requested = S["RequestedItems"];
export type Agency = S["Agency"];
export type AgencyBrief = S["AgencyBrief"];
export type AgencyWorkload = Omit<S["AgencyWorkload"], "items"> & { items: CaseSummary[] };
export type Unmasked = S["UnmaskOut"];
export type CitizenFound = S["CitizenFound"];
export type AgencyRole = S["AgencyRole"];
export type SopVersion = S["SopVersionOut"];
export type PublishedSop = S["PublishedSop"];
export type SkmReport = S["AgencyReport"];
export type SlaReport = S["SlaReport"];
export type SlaRow = S["SlaRow"];

export type Problem = S["Problem"];
export type SopDetail = S["SopDefinition"];
export type ServiceStandard = S["ServiceStandardOut"];
export type FieldType = S["FormField"]["type"];

/** A form field of the SOP; the app also builds partial ones (a field a return asks for). */
export type FormField = Pick<S["FormField"], "name" | "label"> & Partial<S["FormField"]>;
export type DocumentSpec = Pick<S["DocumentSpec"], "key" | "label"> & Partial<S["DocumentSpec"]>;

/** One entry of a problem+json `errors[]`, as the app keys it (by field). */
export interface FieldProblem {
  field: string;
  problem?: string;
  message?: string;
  /** The SOP step a definition problem is about (publishing an SOP). */
  step?: string;
}
