// Regenerates src/api/schema.d.ts from the gateway's OpenAPI document (npm run gen:api).
// The document is produced by the Python app itself, without a server.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = resolve(web, "..");
const venvPython = join(root, ".venv", "bin", "python");
const python = process.env.HALO_PYTHON || (existsSync(venvPython) ? venvPython : "python3");
const spec = execFileSync(python, [join(web, "scripts", "dump_openapi.py")], {
  cwd: root, env: { ...process.env, PYTHONPATH: root }, maxBuffer: 64 << 20,
});
mkdirSync(join(web, "build"), { recursive: true });
const specPath = join(web, "build", "openapi.json");
writeFileSync(specPath, spec);
execFileSync(join(web, "node_modules", ".bin", "openapi-typescript"),
  [specPath, "-o", join(web, "src", "api", "schema.d.ts")], { stdio: "inherit" });
