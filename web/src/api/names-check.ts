// Type-level check, never imported: `tsc --noEmit` fails if the app's API types let it read an
// old name the API keeps one release (docs/api.md, "Names"), or stop carrying a new one.
import type { AgencyWorkload, Case, CaseSummary, History, ServiceCasePage, Tracking,
  TrackedCasePage } from "./types";

type Step = NonNullable<CaseSummary["current_step"]>;

export type NewNames = [CaseSummary["overdue"], Step["overdue"], Tracking["overdue"],
  Case["case_id"], History["type"], History["step"], History["next_step"],
  TrackedCasePage["items"][number]["overdue"], ServiceCasePage["items"][number]["case_id"],
  AgencyWorkload["items"][number]["overdue"]];

export type OldNames = [
  // @ts-expect-error `late` is `overdue`
  CaseSummary["late"],
  // @ts-expect-error `late` is `overdue` in the holder too
  Step["late"],
  // @ts-expect-error `late` is `overdue`
  Tracking["late"],
  // @ts-expect-error a case's `id` is `case_id`
  Case["id"],
  // @ts-expect-error `event` is `type`
  History["event"],
  // @ts-expect-error `step_id` is `step`
  History["step_id"],
  // @ts-expect-error `next_step_id` is `next_step`
  History["next_step_id"],
  // @ts-expect-error a page's items carry the new names only
  TrackedCasePage["items"][number]["late"],
  // @ts-expect-error a page's items carry the new names only
  ServiceCasePage["items"][number]["id"],
  // @ts-expect-error the workload's items are tracked summaries
  AgencyWorkload["items"][number]["late"],
];
