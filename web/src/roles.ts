// Who the signed-in account is for the app's menus: an officer, an agency admin, the platform
// admin. Kept apart from the admin pages so the app shell needs none of their code.
import type { Profile } from "./api/types";

/** An officer holds a role of an agency; an agency admin's own role manages accounts and
 *  publishes SOPs, it works no case. */
export function isOfficer(profile: Profile | undefined): boolean {
  return profile?.roles.some((r) => r.includes(":") && !r.endsWith(":admin")) ?? false;
}

export const CHOSEN = "halo.admin.agency";

/** The platform admin (role `admin` with no agency) administers any agency it chooses. */
export function isPlatformAdmin(profile: Profile | undefined): boolean {
  return profile?.roles.includes("admin") ?? false;
}

/** The agency whose `<agency>:admin` role the profile holds (the first, if several); for the
 *  platform admin, the agency chosen on the admin pages (kept for this browser tab). */
export function adminAgency(profile: Profile | undefined): string | null {
  const role = profile?.roles.find((r) => r.endsWith(":admin") && r.includes(":"));
  if (role) return role.slice(0, role.indexOf(":"));
  if (!isPlatformAdmin(profile)) return null;
  try {
    return globalThis.sessionStorage?.getItem(CHOSEN) || null;
  } catch {
    return null;
  }
}

export function isAgencyAdmin(profile: Profile | undefined): boolean {
  return adminAgency(profile) !== null || isPlatformAdmin(profile);
}
