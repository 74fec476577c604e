// The API types' generation (scripts/api-types.mjs, used by gen:api and check:api): the same
// document gives the same bytes, and a stale or missing schema.d.ts is reported with the fix.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain node script, without type declarations
import { FIX, staleness, typesFrom } from "../../scripts/api-types.mjs";

const SPEC = JSON.stringify({
  openapi: "3.1.0", info: { title: "t", version: "1" }, paths: {},
  components: { schemas: {
    Old: { $ref: "#/components/schemas/New", deprecated: true },
    New: { type: "object", required: ["overdue"], properties: {
      overdue: { type: "boolean" }, late: { type: "boolean", deprecated: true } } } } },
});

describe("API types", () => {
  it("are the same bytes for the same document, deprecated names marked", () => {
    const first: string = typesFrom(SPEC);
    const second: string = typesFrom(SPEC);
    expect(second).toBe(first);
    expect(first.endsWith("\n") && !first.endsWith("\n\n")).toBe(true);
    expect(first).not.toContain("\r");
    expect(first).toMatch(/@deprecated\s+\*\/\s+Old: components\["schemas"\]\["New"\]/);
    expect(first).toMatch(/overdue: boolean;/);
  }, 60_000);

  it("says what is stale and how to fix it", () => {
    const wanted = "a\nb\nc\n";
    expect(staleness(wanted, wanted)).toBeNull();
    const stale: string = staleness("a\nB\nc\n", wanted);
    expect(stale).toContain("line 2");
    expect(stale).toContain("committed: B");
    expect(stale).toContain("generated: b");
    expect(stale.endsWith(FIX)).toBe(true);
    expect(FIX).toContain("run npm run gen:api");
    expect(staleness(null, wanted)).toBe(`src/api/schema.d.ts is missing\n${FIX}`);
  });
});
