// Runs the browser tests with node's test runner and closes with "N passed, N failed"; the
// exit code is non-zero when any test failed.
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith(".test.mjs")).map((f) => join(here, f));
let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, timeout: 600_000 });
stream.on("test:pass", (e) => { if (e.details.type !== "suite") passed++; });
// A suite counts as a failure of its own only when it failed outside its tests (a hook).
stream.on("test:fail", (e) => {
  if (e.details.type !== "suite" || e.details.error?.failureType !== "subtestsFailed") failed++;
});
// Printed last, after the reporter's summary: the line the CI reads.
process.on("exit", () => {
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exitCode = failed || !passed ? 1 : 0;
});
stream.compose(spec).pipe(process.stdout);
