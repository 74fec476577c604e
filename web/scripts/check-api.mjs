// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes from the current code
// (npm run check:api; deploy/local/test.sh runs it next to npm test). Writes nothing in src/.
// `node scripts/check-api.mjs FILE` checks FILE instead.
import { existsSync, readFileSync } from "node:fs";
import { generate, schemaPath, staleness } from "./api-types.mjs";

const target = process.argv[2] ?? schemaPath;
const actual = existsSync(target) ? readFileSync(target, "utf8") : null;
const problem = staleness(actual, generate(), process.argv[2] ?? "src/api/schema.d.ts");
if (problem) {
  console.error(problem);
  process.exitCode = 1;
} else {
  console.log("src/api/schema.d.ts is current");
}
