// The admin pages' pure parts: which agency an admin administers, where each publishing
// problem is shown, and the default report period (Asia/Jakarta days).
import { describe, expect, it } from "vitest";
import type { Profile, SopDetail } from "../../src/api/types";
import { defaultPeriod, roleLabel } from "../../src/pages/admin-shared";
import { adminAgency, isAgencyAdmin, isOfficer } from "../../src/roles";
import { placeProblems } from "../../src/pages/admin-sop-form";

const profile = (roles: string[]) => ({ roles }) as unknown as Profile;

describe("admin pages", () => {
  it("find the agency of an <agency>:admin role, and none for others", () => {
    expect(adminAgency(profile(["disdukcapil:admin"]))).toBe("disdukcapil");
    expect(adminAgency(profile(["disdukcapil:operator", "dpmptsp:admin"]))).toBe("dpmptsp");
    expect(adminAgency(profile(["admin"]))).toBeNull();
    expect(adminAgency(profile(["disdukcapil:operator", "citizen"]))).toBeNull();
    expect(adminAgency(undefined)).toBeNull();
  });

  it("tell officers from admins for the menus", () => {
    expect(isOfficer(profile(["disdukcapil:operator"]))).toBe(true);
    expect(isOfficer(profile(["disdukcapil:admin"]))).toBe(false);
    expect(isOfficer(profile(["admin"]))).toBe(false);
    expect(isOfficer(profile(["citizen"]))).toBe(false);
    expect(isAgencyAdmin(profile(["disdukcapil:admin"]))).toBe(true);
    expect(isAgencyAdmin(profile(["admin"]))).toBe(true);  // the platform admin chooses one
    expect(isAgencyAdmin(profile(["disdukcapil:kabid"]))).toBe(false);
  });

  it("label a scoped role from the agency's registry entry", () => {
    const agency = { key: "disdukcapil", name: "", short: "", roles: [
      { key: "kabid", label: "Kepala Bidang", supervisor: null, assignable: true }] };
    expect(roleLabel(agency, "disdukcapil:kabid")).toBe("Kepala Bidang");
    expect(roleLabel(agency, "disdukcapil:lain")).toBe("lain");
  });

  it("place each problem at its field, its step, or in the list", () => {
    const sop = { steps: [{ id: "daftar" }, { id: "verifikasi" }], documents: [{ key: "kk" }] } as unknown as SopDetail;
    const placed = placeProblems(sop, [
      { field: "title", message: "a" },
      { field: "steps.1.actor", message: "b" },
      { field: "", step: "daftar", message: "c" },
      { field: "documents.0.label", message: "d" },
      { field: "form.0.type", message: "e" },
      { field: "steps.9.actor", message: "f" },
      { field: "", step: "tidak_ada", message: "g" },
    ]);
    expect(placed.title.map((p) => p.message)).toEqual(["a"]);
    expect(placed.steps.map((s) => s.map((p) => p.message))).toEqual([["c"], ["b"]]);
    expect(placed.docs.map((d) => d.map((p) => p.message))).toEqual([["d"]]);
    expect(placed.other.map((p) => p.message)).toEqual(["e", "f", "g"]);
  });

  it("default the period to the year so far, in Jakarta's calendar", () => {
    // 31 Dec 2026 20:00 UTC is already 1 Jan 2027 in Jakarta.
    expect(defaultPeriod(new Date("2026-12-31T20:00:00Z"))).toEqual({ from: "2027-01-01", to: "2027-01-01" });
    expect(defaultPeriod(new Date("2026-06-15T03:00:00Z"))).toEqual({ from: "2026-01-01", to: "2026-06-15" });
  });
});
