// Both languages have every word, parameters are filled, and the router matches paths.
import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n-en";
import { id } from "../../src/i18n-id";
import { humanize, setLang, t } from "../../src/i18n";
import { match } from "../../src/router";
import { overdueFirst } from "../../src/pages/inbox";
import type { CaseSummary } from "../../src/api/types";

describe("i18n", () => {
  it("has the same keys and parameters in Indonesian and English", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
    for (const key of Object.keys(id) as (keyof typeof id)[]) {
      const params = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(params(en[key]), key).toEqual(params(id[key]));
    }
  });

  it("speaks Indonesian by default and English when chosen", () => {
    expect(t("catalog.count", { n: 113 })).toBe("113 layanan");
    expect(humanize("returned")).toBe("Dikembalikan");
    setLang("en");
    expect(t("catalog.count", { n: 113 })).toBe("113 services");
    expect(humanize("kepala_dinas")).toBe("Kepala dinas");
    setLang("id");
  });
});

describe("router", () => {
  it("matches the app's paths and their parts", () => {
    expect(match("/lacak/:no", "/lacak/DK-7MQ3-XA9T")).toEqual({ no: "DK-7MQ3-XA9T" });
    expect(match("/layanan/:service/:key", "/layanan/dukcapil/dukcapil-kia-0-5-tahun"))
      .toEqual({ service: "dukcapil", key: "dukcapil-kia-0-5-tahun" });
    expect(match("/layanan/:service/:key", "/layanan/dukcapil")).toBeNull();
    expect(match("/", "/")).toEqual({});
  });
});

describe("inbox order", () => {
  it("puts overdue cases first, then the earliest due", () => {
    const item = (no: string, overdue: boolean, due: string | null) => ({ tracking_no: no, overdue,
      current_step: due ? { due_at: due } : null }) as unknown as CaseSummary;
    const sorted = overdueFirst([item("a", false, "2026-12-03T05:00:00Z"), item("b", true, "2026-12-03T09:00:00Z"),
      item("c", false, "2026-12-03T01:00:00Z"), item("d", false, null)]);
    expect(sorted.map((c) => c.tracking_no)).toEqual(["b", "c", "a", "d"]);
  });
});
