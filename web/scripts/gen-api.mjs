// Regenerates src/api/schema.d.ts from the gateway's OpenAPI document (npm run gen:api).
// The document is produced by the Python app itself, without a server (scripts/api-types.mjs).
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { generate, schemaPath } from "./api-types.mjs";

const text = generate();
const before = existsSync(schemaPath) ? readFileSync(schemaPath, "utf8") : "";
writeFileSync(schemaPath, text);
console.log(before === text ? "src/api/schema.d.ts: already current"
  : "src/api/schema.d.ts: regenerated from the current OpenAPI document");
