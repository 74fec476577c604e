// The agency admin's addresses (/admin/...), matched here so the app shell needs one line.
import type { VNode } from "preact";
import { match } from "../router";
import { AdminAccountsPage } from "./admin-accounts";
import { AdminHomePage } from "./admin-home";
import { AdminSkmPage, AdminSlaPage } from "./admin-reports";
import { AdminSopPage } from "./admin-sop";
import { AdminSopsPage } from "./admin-sops";
import { AdminWebhooksPage } from "./admin-webhooks";

/** The admin page for the path, or null when the path is not an admin address. */
export function adminPage(path: string): VNode | null {
  let m;
  if (match("/admin", path)) return <AdminHomePage path={path} />;
  if (match("/admin/akun", path)) return <AdminAccountsPage path={path} />;
  if (match("/admin/sop", path)) return <AdminSopsPage path={path} />;
  if ((m = match("/admin/sop/:service/:key", path))) {
    return <AdminSopPage path={path} service={m.service} sopKey={m.key} />;
  }
  if (match("/admin/skm", path)) return <AdminSkmPage path={path} />;
  if (match("/admin/sla", path)) return <AdminSlaPage path={path} />;
  if (match("/admin/webhook", path)) return <AdminWebhooksPage path={path} />;
  return null;
}
