// An SLA breach in the supervisor's view: the all-in-one opens its demo cases, stops, and
// starts again on the same files ten days later (HALO_CLOCK_OFFSET=10d). The sweeper marks
// the open steps late and escalates the operator's to the kabid (shared/registry:
// disdukcapil escalates operator -> kabid). The kabid sees the case late and escalated in the
// inbox and under "Terlambat" on the agency's workload page with the count; the operator sees
// it late too. The kabid opens the case's masked personal data with a reason; the operator at
// the counter submits for a citizen found by NIK. Screenshots at 360/1280 px and axe-core on
// each page.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkPage, launch, logInOfficer, PDF, person, startAllInOne } from "./harness.mjs";

const OFFICER = (role) => ({ login: `${role}.disdukcapil@demo.halo.lamsel`, password: "Demo-Petugas-2026" });
const KABID = OFFICER("kabid");
const OPERATOR = OFFICER("operator");

let server;
let browser;
let demoCases;

/** The inbox card of `no`, once the sweeper's marks reached the read model (reloading). */
async function lateCard(page, no) {
  const card = page.locator(".card.late", { hasText: no });
  for (let i = 0; i < 40 && !(await card.count()); i++) {
    await page.getByRole("button", { name: "Muat ulang" }).click();
    await page.waitForTimeout(500);
  }
  await card.waitFor();
  return card;
}

describe("an SLA breach in the supervisor's view", { concurrency: false }, () => {
  before(async () => {
    const first = await startAllInOne();
    const line = first.log().match(/Demo cases of [^:]+: (.+)/);
    await first.stop();
    assert.ok(line, "the all-in-one opened its demo cases");
    demoCases = line[1].split(", ").map((s) => s.trim());
    assert.equal(demoCases.length, 3);
    server = await startAllInOne({ varDir: first.varDir,
      env: { HALO_CLOCK_OFFSET: "10d", HALO_SWEEPER_INTERVAL_S: "1" } });
    assert.match(server.log(), /Demo cases of [^:]+: /, "the same demo cases, not new ones");
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the kabid the operator's late case, escalated, in the inbox", async () => {
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, KABID);
    // The first demo case waits at the operator's first step: late, and escalated to the kabid.
    const card = await lateCard(page, demoCases[0]);
    assert.match(await card.innerText(), /terlambat/i);
    await card.getByText("Dieskalasi ke Anda").waitFor();
    await checkPage(page, "supervisor-inbox");
    await context.close();
  });

  it("counts it under Terlambat on the agency's workload page", async () => {
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, KABID);
    await page.getByRole("link", { name: "Beban kerja" }).click();
    await page.getByRole("heading", { name: "Beban kerja instansi" }).waitFor();
    const late = page.getByRole("tab", { name: /^Terlambat/ });
    await late.click();
    await page.locator("#wl-panel .card").first().waitFor();
    // All three demo cases stand at disdukcapil steps ten days past their due times.
    assert.equal(await late.innerText(), "Terlambat (3)");
    const counts = await page.locator(".counts").innerText();
    assert.match(counts, /3\s+terlambat/);
    assert.match(counts, /3\s+dieskalasi/);
    const row = page.locator("#wl-panel .card", { hasText: demoCases[0] });
    await row.waitFor();
    assert.match(await row.innerText(), /Dieskalasi ke: Kepala Bidang/);
    assert.equal(await page.locator("#wl-panel .card.late").count(), 3);
    await checkPage(page, "workload-overdue");
    // Nothing is due later "today": every step is already late.
    await page.getByRole("tab", { name: /^Hari ini/ }).click();
    await page.getByText("Tidak ada berkas yang jatuh tempo hari ini.").waitFor();
    await checkPage(page, "workload-today-empty");
    // The row opens the case, late there as well.
    await page.getByRole("tab", { name: /^Terlambat/ }).click();
    await row.getByRole("link").click();
    await page.getByRole("heading", { name: "Riwayat" }).waitFor();
    assert.match(await page.locator("main .badge").first().innerText(), /terlambat/i);
    await context.close();
  });

  it("opens the masked personal data with a reason, recorded", async () => {
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, KABID);
    await (await lateCard(page, demoCases[0])).getByRole("link").click();
    await page.getByRole("heading", { name: "Riwayat" }).waitFor();
    const facts = page.locator("dl.facts");
    assert.doesNotMatch(await facts.innerText(), /1801010101230001/, "the NIK arrives masked");
    await page.getByRole("button", { name: "Buka data" }).click();
    const panel = page.locator("#unmask-panel");
    await panel.getByText("dicatat dalam log audit", { exact: false }).waitFor();
    await panel.getByRole("button", { name: "Buka dan catat" }).click();
    await panel.getByText("Tulis alasan paling sedikit 5 karakter.").waitFor();
    await checkPage(page, "officer-case-unmask");
    await panel.getByLabel(/^Alasan membuka data/).fill("Mencocokkan NIK anak dengan KK");
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/unmask") && r.request().method() === "POST"),
      panel.getByRole("button", { name: "Buka dan catat" }).click()]);
    assert.equal(answer.status(), 200, await answer.text());
    await page.getByText("pembukaan ini tercatat", { exact: false }).waitFor();
    assert.match(await facts.innerText(), /1801010101230001/);
    await checkPage(page, "officer-case-unmasked");
    await page.getByRole("button", { name: "Samarkan lagi" }).click();
    // Masked again once the page has drawn it (a wait, not a read right after the click).
    await facts.filter({ hasNotText: "1801010101230001" }).waitFor();
    await page.getByRole("button", { name: "Buka data" }).waitFor();
    await context.close();
  });

  it("shows the operator the same case late", async () => {
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, OPERATOR);
    const card = await lateCard(page, demoCases[0]);
    assert.match(await card.innerText(), /terlambat/i);
    assert.equal(await card.getByText("Dieskalasi ke Anda").count(), 0);
    await checkPage(page, "operator-inbox-late");
    await page.getByRole("link", { name: "Beban kerja" }).click();
    await page.getByRole("tab", { name: /^Terlambat/ }).click();
    await page.locator("#wl-panel .card", { hasText: demoCases[0] }).waitFor();
    await context.close();
  });

  it("lets the operator at the counter submit on behalf of a citizen", async () => {
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, OPERATOR);
    await page.goto("/layanan/dukcapil/dukcapil-kia-0-5-tahun/ajukan");
    const panel = page.locator("fieldset.panel", { hasText: "Ajukan atas nama warga" });
    await panel.getByLabel("NIK warga").fill("1801025505920009");
    await panel.getByRole("button", { name: "Cari warga" }).click();
    await panel.getByText("Tidak ada akun warga aktif", { exact: false }).waitFor();
    await panel.getByLabel("NIK warga").fill("1801025505920002");  // warga2 of the demo
    await panel.getByRole("button", { name: "Cari warga" }).click();
    await page.getByText(/^Diajukan atas nama: /).waitFor();
    await checkPage(page, "apply-assisted");
    await page.getByLabel(/^NIK anak/).fill("1801014505240001");
    await page.getByLabel(/^Nama anak/).fill("Putra Demo");
    await page.getByLabel(/^Tanggal lahir anak/).fill("2024-05-05");
    await page.getByLabel(/^Nomor Kartu Keluarga/).fill("1801012202200003");
    await page.getByLabel(/^Cara penyerahan/).selectOption("ambil_di_mpp");
    await page.getByLabel(/^Berkas persyaratan/).setInputFiles({ name: "akta.pdf",
      mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "Kirim permohonan" }).click();
    await page.getByRole("heading", { name: "Permohonan terkirim atas nama warga" }).waitFor();
    assert.match(await page.locator("main").innerText(), /DK-[0-9A-Z]{4}-[0-9A-Z]{4} terkirim atas nama/);
    await checkPage(page, "apply-assisted-done");
    await context.close();
  });

  it("speaks English on the workload page", async () => {
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, KABID);
    await page.getByRole("button", { name: "English" }).click();
    await page.goto("/petugas/beban-kerja?tampilan=overdue");
    await page.getByRole("heading", { name: "Agency workload" }).waitFor();
    await page.getByRole("tab", { name: "Late (3)" }).waitFor();
    await checkPage(page, "workload-overdue-en");
    await context.close();
  });
});
