// What the browser tests stand on: a real all-in-one process (python -m gateway.allinone on a
// free port, its files in a fresh folder), Debian's Chromium driven by playwright-core (no
// browser download), screenshots at 360 and 1280 px, and axe-core injected into each page.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ROOT = resolve(WEB, "..");
export const SHOTS = process.env.HALO_SCREENSHOTS || join(ROOT, "var", "screenshots");
const CHROMIUM = process.env.HALO_CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Start the all-in-one with demo data; resolves once /readyz answers 200. `varDir` starts it
 * again on the files of an earlier run (stopped first); `env` adds settings (HALO_*). */
export async function startAllInOne({ varDir = mkdtempSync(join(tmpdir(), "halo-browser-")), env = {} } = {}) {
  if (!existsSync(join(WEB, "dist", "index.html"))) {
    throw new Error("web/dist is missing: run `npm run build` (make test does) first");
  }
  const port = await freePort();
  const python = process.env.HALO_PYTHON || join(ROOT, ".venv", "bin", "python");
  const child = spawn(python, ["-m", "gateway.allinone", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    // No metrics listener: a `make run` on this machine may hold its port (9464).
    env: { ...process.env, PYTHONPATH: ROOT, HALO_VAR_DIR: varDir, HALO_WEB_DIST: join(WEB, "dist"),
      HALO_METRICS_PORT: "0", HALO_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`all-in-one exited (${child.exitCode}):\n${log.slice(-3000)}`);
    try {
      const ready = await fetch(`${base}/readyz`);
      if (ready.ok && log.includes("Walk-through")) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (Date.now() >= deadline) {
    child.kill("SIGTERM");
    throw new Error(`all-in-one not ready in time:\n${log.slice(-3000)}`);
  }
  return {
    base, varDir, log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => { child.once("exit", r); setTimeout(r, 15_000); });
    },
  };
}

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  // Playwright gives the browser a new empty profile folder of its own.
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** A fresh browser context (its own storage: one person), phone-sized first. */
export async function person(browser, base) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 360, height: 740 },
    locale: "id-ID", timezoneId: "Asia/Jakarta" });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

/** Screenshots of the current page at 360 and 1280 px (full page), then back to 360. */
export async function shoot(page, name) {
  const paths = [];
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await page.waitForTimeout(50);
    const path = join(SHOTS, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  await page.setViewportSize({ width: 360, height: 740 });
  return paths;
}

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.1 A/AA violations of impact serious or critical on the page, as text lines. */
export async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag",
      values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.join(", ")})`);
}

/** A main page checked: photographed at 360 and 1280 px, no serious or critical axe
 *  violation, and nothing wider than the phone (the page never scrolls sideways at 360 px). */
export async function checkPage(page, name) {
  await page.locator("main h1").first().waitFor();
  await shoot(page, name);
  const found = await seriousViolations(page);
  assert.deepEqual(found, [], `${name}: axe found serious or critical violations`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `${name}: the page is ${wide} px wide at 360 px`);
}

/** An officer logs in through the login page and lands on the inbox. */
export async function logInOfficer(page, who) {
  await page.goto("/masuk");
  await page.getByLabel(/^NIK, e-mail/).fill(who.login);
  await page.getByLabel(/^Kata sandi/).fill(who.password);
  await page.getByRole("button", { name: "Masuk" }).click();
  await page.getByRole("heading", { name: "Kotak masuk petugas" }).waitFor();
}

/** A small real PDF (the service judges files by their content). */
export const PDF = Buffer.from("%PDF-1.4\n% Berkas uji peramban Halo Lamsel\n%%EOF\n");
