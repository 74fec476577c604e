// The officers' addresses (/petugas/...), a chunk of its own (loaded on an officer's first
// visit): the inbox, the agency's workload and the case view.
import type { VNode } from "preact";
import { match } from "../router";
import { InboxPage } from "./inbox";
import { OfficerCasePage } from "./officer-case";
import { WorkloadPage } from "./workload";

/** The officer page for the path, or null when the path is not an officer address. */
export function officerPage(path: string, query: URLSearchParams): VNode | null {
  let m;
  if (match("/petugas", path)) return <InboxPage />;
  if (match("/petugas/beban-kerja", path)) return <WorkloadPage query={query} />;
  if ((m = match("/petugas/:service/:id", path))) {
    return <OfficerCasePage service={m.service} caseId={m.id} />;
  }
  return null;
}
