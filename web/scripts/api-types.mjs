// The TypeScript types of the API (src/api/schema.d.ts), made from the gateway's OpenAPI
// document as the Python code builds it now (scripts/dump_openapi.py, no server, no network).
// Deterministic: the same code gives the same bytes. The document is produced with none of
// the developer's HALO_* settings (they could change what it says) and a fixed hash seed;
// openapi-typescript's output is taken as is, with LF line ends and one final newline.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const root = resolve(web, "..");
export const schemaPath = join(web, "src", "api", "schema.d.ts");

function python() {
  const venv = join(root, ".venv", "bin", "python");
  return process.env.HALO_PYTHON || (existsSync(venv) ? venv : "python3");
}

function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("HALO_") && !key.startsWith("PYTHON")) env[key] = value;
  }
  return { ...env, PYTHONPATH: root, PYTHONHASHSEED: "0", TZ: "UTC" };
}

/** The OpenAPI document (JSON text) of the current code. */
export function openapiText() {
  return execFileSync(python(), [join(web, "scripts", "dump_openapi.py")], {
    cwd: root, env: cleanEnv(), maxBuffer: 64 << 20, encoding: "utf8",
  });
}

/** schema.d.ts from an OpenAPI document (JSON text), as openapi-typescript writes it. */
export function typesFrom(spec) {
  const work = mkdtempSync(join(tmpdir(), "halo-api-types-"));
  try {
    const input = join(work, "openapi.json");
    const output = join(work, "schema.d.ts");
    writeFileSync(input, spec);
    execFileSync(join(web, "node_modules", ".bin", "openapi-typescript"), [input, "-o", output],
      { stdio: ["ignore", "ignore", "inherit"], cwd: web });
    return readFileSync(output, "utf8").replace(/\r\n/g, "\n").replace(/\n*$/, "\n");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** schema.d.ts as `npm run gen:api` writes it; also leaves the document in build/openapi.json. */
export function generate() {
  const spec = openapiText();
  mkdirSync(join(web, "build"), { recursive: true });
  writeFileSync(join(web, "build", "openapi.json"), spec);
  return typesFrom(spec);
}

export const FIX = "run npm run gen:api (in web/) and commit src/api/schema.d.ts";

/** Why `actual` (the committed file's text, null when missing) is not `wanted`; null if it is. */
export function staleness(actual, wanted, name = "src/api/schema.d.ts") {
  if (actual === wanted) return null;
  if (actual === null) return `${name} is missing\n${FIX}`;
  const a = actual.split("\n");
  const w = wanted.split("\n");
  let line = 0;
  while (line < a.length && line < w.length && a[line] === w[line]) line += 1;
  return [`${name} is stale: it is not what the current OpenAPI document makes ` +
    `(first difference at line ${line + 1})`,
  `  committed: ${(a[line] ?? "<end of file>").trim()}`,
  `  generated: ${(w[line] ?? "<end of file>").trim()}`, FIX].join("\n");
}
