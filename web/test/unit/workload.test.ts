// The workload page's helpers: an officer's agencies from their roles, the agency's day in
// words (WIB, the page's language).
import { describe, expect, it } from "vitest";
import { setLang } from "../../src/i18n";
import { wibDay } from "../../src/pages/inbox";
import { formatDay, officerAgencies } from "../../src/pages/workload";

describe("workload", () => {
  it("takes the agencies of scoped roles once each, in the order held", () => {
    expect(officerAgencies(["citizen"])).toEqual([]);
    expect(officerAgencies(["disdukcapil:operator", "dpmptsp:front_office", "disdukcapil:kabid", "admin"]))
      .toEqual(["disdukcapil", "dpmptsp"]);
  });

  it("writes the agency's day in the page's language", () => {
    expect(formatDay("2026-12-13")).toBe("Minggu, 13 Desember 2026");
    setLang("en");
    expect(formatDay("2026-12-13")).toMatch(/^Sunday,? 13 December 2026$/);
    setLang("id");
    expect(formatDay("kemarin")).toBe("kemarin");
  });
});

describe("inbox", () => {
  it("counts days in WIB: 17:30 UTC is already the next day in Lampung", () => {
    expect(wibDay("2026-12-03T16:59:00Z")).toBe("2026-12-03");
    expect(wibDay("2026-12-03T17:30:00Z")).toBe("2026-12-04");
  });
});
