// The web app end to end in Debian's Chromium against a real all-in-one: a citizen registers,
// submits KIA 0-5 with a document and follows the timeline; an operator works the inbox and
// returns the file with a reason and the document to bring again; the citizen completes it.
// Each main page is photographed at 360 and 1280 px and checked with axe-core.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkPage, launch, logInOfficer, PDF, person, shoot, startAllInOne } from "./harness.mjs";

const CITIZEN = { nik: "1801015203950007", name: "Siti Rahmawati", email: "siti.uji@contoh.id",
  phone: "0813-7000-1234", password: "Kopi-Robusta-2026x" };
const OPERATOR = { login: "operator.disdukcapil@demo.halo.lamsel", password: "Demo-Petugas-2026" };
const REASON = "Akta kelahiran buram, mohon unggah ulang";

let server;
let browser;
let citizen;
let trackingNo;
let officerCasePath;
const OFFICER = (role) => ({ login: `${role}.disdukcapil@demo.halo.lamsel`, password: "Demo-Petugas-2026" });

/** An officer opens the case and takes the action whose button reads `label`. */
async function act(who, label) {
  const { page, context } = await person(browser, server.base);
  await logInOfficer(page, who);
  const button = page.getByRole("button", { name: label, exact: true });
  // The step may wait for work behind it (the signing job after a TTE): look again a while.
  for (let i = 0; i < 20; i++) {
    await page.goto(officerCasePath);
    await page.getByRole("heading", { name: "Riwayat" }).waitFor();
    if (await button.count()) break;
    await page.waitForTimeout(500);
  }
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/actions") && r.request().method() === "POST"),
    button.click()]);
  assert.equal(answer.status(), 200, `${label}: ${await answer.text()}`);
  await button.waitFor({ state: "detached" });
  await context.close();
}

describe("web app flows", { concurrency: false }, () => {
  before(async () => {
    server = await startAllInOne();
    browser = await launch();
    citizen = await person(browser, server.base);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the catalog, searches it, and reads a service standard", async () => {
    const { page } = citizen;
    await page.goto("/");
    await page.getByText(/\d+ layanan/).waitFor();
    await checkPage(page, "catalog");
    await page.getByLabel("Cari", { exact: true }).fill("identitas anak");
    await page.getByRole("button", { name: "Cari" }).click();
    const kia = page.getByRole("link", { name: /KARTU IDENTITAS ANAK \(USIA 0-5/i });
    await kia.first().click();
    await page.getByRole("heading", { name: "Persyaratan" }).waitFor();
    assert.match(await page.locator("main").innerText(), /Tidak dipungut biaya/);
    await checkPage(page, "service-standard");
  });

  it("lets a citizen register, with the server's checks shown next to the fields", async () => {
    const { page } = citizen;
    await page.goto("/daftar");
    await checkPage(page, "register");
    await page.getByRole("button", { name: "Daftar" }).click();
    assert.equal(await page.locator(".field-error").count(), 5, "every empty field is named");
    // 16 digits pass the client's check; the server refuses the region code, next to the NIK.
    await page.getByLabel(/^NIK/).fill("9901015203950007");
    await page.getByLabel(/^Nama lengkap/).fill(CITIZEN.name);
    await page.getByLabel(/^E-mail/).fill(CITIZEN.email);
    await page.getByLabel(/^Nomor WhatsApp/).fill(CITIZEN.phone);
    await page.getByLabel(/^Kata sandi/).fill(CITIZEN.password);
    await page.getByRole("button", { name: "Daftar" }).click();
    const nikError = page.locator(".field", { has: page.locator("#f-nik") }).locator(".field-error");
    await nikError.waitFor();
    assert.equal(await page.locator(".field-error").count(), 1, "only the NIK is wrong");
    await page.getByLabel(/^NIK/).fill(CITIZEN.nik);
    await page.getByLabel(/^Nama lengkap/).fill(CITIZEN.name);
    await page.getByLabel(/^E-mail/).fill(CITIZEN.email);
    await page.getByLabel(/^Nomor WhatsApp/).fill(CITIZEN.phone);
    await page.getByLabel(/^Kata sandi/).fill(CITIZEN.password);
    await page.getByRole("button", { name: "Daftar" }).click();
    await page.getByRole("heading", { name: "Permohonan saya" }).waitFor();
    await page.getByText("Belum ada permohonan.").waitFor();
    await checkPage(page, "my-cases-empty");
  });

  it("refreshes the session when the access token is refused", async () => {
    const { page } = citizen;
    const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem("halo.session")));
    const before = await stored();
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem("halo.session"));
      localStorage.setItem("halo.session", JSON.stringify({ ...s, access: "kedaluwarsa" }));
    });
    await page.goto("/kasus");
    await page.getByText("Belum ada permohonan.").waitFor();
    const after = await stored();
    assert.notEqual(after.access, "kedaluwarsa");
    assert.notEqual(after.refresh, before.refresh, "the refresh token was spent and replaced");
  });

  it("submits KIA 0-5 with a document and follows its timeline", async () => {
    const { page } = citizen;
    await page.goto("/layanan/dukcapil/dukcapil-kia-0-5-tahun/ajukan");
    await page.getByLabel(/^NIK anak/).waitFor();
    await page.getByRole("button", { name: "Kirim permohonan" }).click();
    await page.locator("[aria-invalid=true]").first().waitFor();
    assert.ok(await page.getByText("Wajib diisi.").count() >= 5, "client checks name the fields");
    await page.getByLabel(/^NIK anak/).fill("18010145052400");
    await page.getByRole("button", { name: "Kirim permohonan" }).click();
    await page.getByText("NIK harus terdiri dari 16 angka.").first().waitFor();
    await page.getByLabel(/^NIK anak/).fill("1801014505240001");
    await page.getByLabel(/^Nama anak/).fill("Putri Rahmawati");
    await page.getByLabel(/^Tanggal lahir anak/).fill("2024-05-05");
    await page.getByLabel(/^Nomor Kartu Keluarga/).fill("1801012202200003");
    await page.getByLabel(/^Cara penyerahan/).selectOption("unduh_halo_lamsel");
    // A file whose content is not the PDF it claims: the server's refusal shows at the document.
    await page.getByLabel(/^Berkas persyaratan/).setInputFiles({ name: "akta.pdf",
      mimeType: "application/pdf", buffer: Buffer.from("bukan PDF") });
    await page.getByRole("button", { name: "Kirim permohonan" }).click();
    const docError = page.locator(".field", { has: page.locator("#doc-berkas_persyaratan") })
      .locator(".field-error");
    await docError.waitFor();
    await checkPage(page, "apply-form-refused");
    await page.getByLabel(/^Berkas persyaratan/).setInputFiles({ name: "akta.pdf",
      mimeType: "application/pdf", buffer: PDF });
    assert.equal(await docError.count(), 0, "an edited field loses its old error");
    await checkPage(page, "apply-form");
    await page.getByRole("button", { name: "Kirim permohonan" }).click();
    await page.getByText("Permohonan terkirim.", { exact: false }).waitFor();
    trackingNo = (await page.locator("main .mono").first().innerText()).trim();
    assert.match(trackingNo, /^DK-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await page.getByText("Permohonan diajukan").first().waitFor();
    await checkPage(page, "tracking");
    await page.goto("/kasus");
    await page.getByText(trackingNo).waitFor();
    await checkPage(page, "my-cases");
  });

  it("lets the operator find it in the inbox and return it with a reason", async () => {
    const { page, context } = await person(browser, server.base);
    await page.goto("/masuk");
    await checkPage(page, "login");
    await page.getByLabel(/^NIK, e-mail/).fill(OPERATOR.login);
    await page.getByLabel(/^Kata sandi/).fill(OPERATOR.password);
    await page.getByRole("button", { name: "Masuk" }).click();
    await page.getByRole("heading", { name: "Kotak masuk petugas" }).waitFor();
    const entry = page.locator(".card", { hasText: trackingNo });
    for (let i = 0; i < 20 && !(await entry.count()); i++) {
      await page.getByRole("button", { name: "Muat ulang" }).click();
      await page.waitForTimeout(300);
    }
    await checkPage(page, "inbox");
    await entry.first().getByRole("link").click();
    await page.getByRole("heading", { name: "Tindakan" }).waitFor();
    officerCasePath = new URL(page.url()).pathname;
    await checkPage(page, "officer-case");
    await page.locator("form.action").first().getByRole("button").click();
    const back = page.locator("form.action-return").first();
    await back.waitFor();
    await back.getByLabel(/Berkas persyaratan/).check();
    await back.getByRole("textbox").fill(REASON);
    await back.getByRole("button").click();
    await page.getByText("Dikembalikan").first().waitFor();
    await context.close();
  });

  it("shows the citizen the reason and lets them complete the file", async () => {
    const { page } = citizen;
    await page.goto(`/lacak/${trackingNo}`);
    await page.getByRole("heading", { name: "Lengkapi berkas" }).waitFor();
    assert.match(await page.locator("main").innerText(), new RegExp(REASON));
    await checkPage(page, "tracking-returned");
    const panel = page.locator("section.panel");
    await panel.locator("button[type=submit]").click();
    await panel.getByText("Wajib diisi.").waitFor();
    await panel.getByLabel(/Berkas persyaratan/).setInputFiles({ name: "akta-ulang.pdf",
      mimeType: "application/pdf", buffer: PDF });
    await panel.getByLabel("Catatan untuk petugas").fill("Akta sudah dipindai ulang");
    await panel.locator("button[type=submit]").click();
    await page.getByRole("heading", { name: "Lengkapi berkas" }).waitFor({ state: "detached" });
    await page.getByText("Diproses").first().waitFor();
    await page.goto("/notifikasi");
    await page.locator(".card").first().waitFor();
    await checkPage(page, "notifications");
  });

  it("lets the officers walk it to completion, signed by the kepala dinas", async () => {
    await act(OFFICER("operator"), "Berkas lengkap");
    await act(OFFICER("kabid"), "Terverifikasi di SIAK");
    await act(OFFICER("kepala_dinas"), "Bubuhkan TTE");
    await act(OFFICER("operator"), "Dokumen diserahkan");
  });

  it("lets the citizen download the signed output, verify it, and rate the service", async () => {
    const { page, context } = citizen;
    const download = page.getByRole("button", { name: "Unduh PDF" });
    for (let i = 0; i < 30; i++) {
      await page.goto(`/lacak/${trackingNo}`);
      await page.locator("main h1").waitFor();
      if (await download.count() && await page.locator("main .badge-completed").count()) break;
      await page.waitForTimeout(500);
    }
    await page.locator("main .badge-completed").first().waitFor();
    await checkPage(page, "tracking-completed");
    const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
    const pdf = await file.path().then((p) => import("node:fs").then((fs) => fs.readFileSync(p)));
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    const [verify] = await Promise.all([context.waitForEvent("page"),
      page.getByRole("link", { name: "Halaman verifikasi" }).click()]);
    await verify.waitForLoadState();
    assert.match(await verify.locator("body").innerText(), /DOKUMEN SAH/);
    await shoot(verify, "verify");
    await verify.close();
    await page.getByRole("link", { name: "Isi survei kepuasan" }).click();
    await page.getByRole("heading", { name: "Survei Kepuasan Masyarakat" }).waitFor();
    const questions = page.locator("fieldset.question");
    assert.equal(await questions.count(), 9);
    await checkPage(page, "survey");
    for (let i = 0; i < 9; i++) await questions.nth(i).getByRole("radio").last().check();
    await page.getByRole("button", { name: "Kirim jawaban" }).click();
    await page.getByText("Terima kasih", { exact: false }).waitFor();
  });

  it("speaks English when asked", async () => {
    const { page } = citizen;
    await page.goto("/");
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Public services of Lampung Selatan" }).waitFor();
    await page.getByText(/\d+ services/).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await shoot(page, "catalog-en");
    await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  });
});
