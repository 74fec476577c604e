// The agency admin in Debian's Chromium against a real all-in-one: the Disdukcapil admin
// creates an officer with a role (then changes its roles and disables it); opens the KIA SOP,
// uploads a YAML with an error and sees it listed; publishes corrected versions from the form
// and from a YAML file (the versions list and the public service standard show them); opens
// the SKM and SLA reports. Each admin page is photographed at 360 and 1280 px and checked
// with axe-core.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkPage, launch, person, ROOT, startAllInOne } from "./harness.mjs";

const ADMIN = { login: "admin.disdukcapil@demo.halo.lamsel", password: "Demo-Admin-2026" };
const KIA = "dukcapil-kia-0-5-tahun";
const KIA_YAML = readFileSync(join(ROOT, "services", "dukcapil", "sops", `${KIA}.yaml`), "utf8");
const FIRST_ACTIVITY = "Pemohon mengajukan pendaftaran, dengan mengupload berkas persyaratan";
const FORM_ACTIVITY = "Pemohon mengajukan pendaftaran KIA dan mengunggah berkas persyaratan";
const YAML_ACTIVITY = "Pemohon mendaftar KIA secara daring dan mengunggah seluruh berkas persyaratan";

let server;
let browser;
let admin;

function yamlFile(text, name = `${KIA}.yaml`) {
  return { name, mimeType: "application/yaml", buffer: Buffer.from(text, "utf8") };
}

async function uploadYaml(page, text) {
  await page.getByLabel("Berkas YAML", { exact: true }).setInputFiles(yamlFile(text));
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/v1/dukcapil/sops") && r.request().method() === "POST"),
    page.getByRole("button", { name: "Unggah dan terbitkan" }).click()]);
  return answer;
}

describe("agency admin", { concurrency: false }, () => {
  before(async () => {
    server = await startAllInOne();
    browser = await launch();
    admin = await person(browser, server.base);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("logs in to the admin pages", async () => {
    const { page } = admin;
    await page.goto("/masuk");
    await page.getByLabel(/^NIK, e-mail/).fill(ADMIN.login);
    await page.getByLabel(/^Kata sandi/).fill(ADMIN.password);
    await page.getByRole("button", { name: "Masuk" }).click();
    await page.getByRole("heading", { name: "Admin instansi" }).waitFor();
    // The agency's name arrives with its registry entry, after the heading.
    await page.locator("main", { hasText: "Dinas Kependudukan dan Pencatatan Sipil" }).waitFor();
    await page.getByRole("navigation", { name: "Menu utama" })
      .getByRole("link", { name: "Admin", exact: true }).waitFor();
    // An agency admin works no case: no inbox and no citizen pages in its menu.
    const menu = await page.getByRole("navigation", { name: "Menu utama" }).innerText();
    assert.ok(!/Kotak masuk|Beban kerja|Permohonan saya/.test(menu), menu);
    await checkPage(page, "admin-home");
  });

  it("creates an officer with a role, changes its roles and disables it", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "Akun & peran" }).first().click();
    await page.getByRole("heading", { name: "Akun dan peran" }).waitFor();
    await page.getByRole("button", { name: "Buat akun" }).click(); // empty: refused here
    await page.getByText("Pilih minimal satu peran.").waitFor();
    await page.getByLabel(/^Nama lengkap/).fill("Rudi Hartono");
    await page.getByLabel(/^E-mail/).fill("rudi.uji@lamselkab.go.id");
    await page.getByLabel(/^Kata sandi awal/).fill("Operator-Rudi-2026");
    await page.locator("#create-officer").getByLabel("Operator", { exact: true }).check();
    await page.getByRole("button", { name: "Buat akun" }).click();
    await page.getByText("Akun Rudi Hartono dibuat.").waitFor();
    const card = page.locator("li.card", { hasText: "rudi.uji@lamselkab.go.id" });
    await card.waitFor();
    assert.match(await card.innerText(), /Operator/);
    await checkPage(page, "admin-accounts");

    await card.getByRole("button", { name: /Ubah peran/ }).click();
    await card.getByLabel("Kepala Bidang", { exact: true }).check();
    await card.getByRole("button", { name: "Simpan peran" }).click();
    await card.getByText(/Peran disimpan/).waitFor();
    await card.locator(".role-list", { hasText: "Kepala Bidang" }).waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await card.getByRole("button", { name: /Nonaktifkan/ }).click();
    await card.getByText("Nonaktif", { exact: true }).waitFor();
    await page.reload();
    const again = page.locator("li.card", { hasText: "rudi.uji@lamselkab.go.id" });
    await again.locator(".role-list", { hasText: "Kepala Bidang" }).waitFor();
    await again.getByText("Nonaktif", { exact: true }).waitFor();
    assert.equal(await again.getByRole("button", { name: /Nonaktifkan/ }).count(), 0);
  });

  it("opens an SOP and sees a YAML file's problems listed", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "SOP", exact: true }).click();
    await page.getByRole("heading", { name: "SOP instansi" }).waitFor();
    await page.getByLabel("Cari SOP").fill("0-5");
    await checkPage(page, "admin-sops");
    await page.getByRole("link", { name: /KARTU IDENTITAS ANAK \(USIA 0-5/i }).click();
    await page.getByRole("heading", { name: "Versi", exact: true }).waitFor();
    await page.getByText("Versi 1", { exact: true }).waitFor();

    const broken = KIA_YAML.replace("    actor: kabid\n", "    actor: bupati\n");
    assert.notEqual(broken, KIA_YAML);
    const answer = await uploadYaml(page, broken);
    assert.equal(answer.status(), 422);
    await page.locator("#yaml-problems", { hasText: "bupati" }).waitFor();
    const notYaml = await uploadYaml(page, "- hanya\n- daftar\n");
    assert.equal(notYaml.status(), 422);
    await page.locator("#yaml-problems", { hasText: "satu definisi SOP" }).waitFor();
    await checkPage(page, "admin-sop-yaml-error");
  });

  it("publishes corrected versions from the form and from a YAML file", async () => {
    const { page } = admin;
    // A standard time the server cannot read: shown at its step, nothing published.
    await page.locator("#step-1-time").fill("sebentar");
    await page.getByRole("button", { name: "Terbitkan versi baru" }).click();
    await page.locator("#step-1 .field-error", { hasText: "sebentar" }).waitFor();
    await checkPage(page, "admin-sop-form-error");
    await page.locator("#step-1-time").fill("15 menit");
    await page.locator("#step-0-activity").fill(FORM_ACTIVITY);
    await page.getByRole("button", { name: "Terbitkan versi baru" }).click();
    await page.getByText("Versi 2 diterbitkan.").waitFor();
    await page.locator("ul.versions").getByText("Versi 2", { exact: true }).waitFor();
    // The form now starts from the new version.
    await page.getByRole("heading", { name: "Terbitkan dari formulir (mulai dari versi 2)" }).waitFor();
    assert.equal(await page.locator("#step-0-activity").inputValue(), FORM_ACTIVITY);
    await checkPage(page, "admin-sop");

    const corrected = KIA_YAML.replace(FIRST_ACTIVITY, YAML_ACTIVITY);
    assert.notEqual(corrected, KIA_YAML);
    const answer = await uploadYaml(page, corrected);
    assert.equal(answer.status(), 201, await answer.text());
    await page.getByText("Versi 3 diterbitkan.").waitFor();
    await page.locator("ul.versions").getByText("Versi 3", { exact: true }).waitFor();
    assert.equal(await page.locator("ul.versions > li").count(), 3);

    await page.getByRole("link", { name: "Lihat standar pelayanan" }).click();
    await page.getByRole("heading", { name: "Prosedur" }).or(page.getByRole("heading", { name: "Persyaratan" }))
      .first().waitFor();
    const text = await page.locator("main").innerText();
    assert.ok(text.includes(YAML_ACTIVITY), "the public standard shows the newest version");
    assert.ok(!text.includes(FORM_ACTIVITY));
  });

  it("keeps a version that gives a step to another agency pending until that agency accepts", async () => {
    const { page } = admin;
    await page.goto(`/admin/sop/dukcapil/${KIA}`);
    await page.getByText("Versi 3", { exact: true }).waitFor();
    const handover = "  - id: penyerahan\n    nomor: 6\n    actor: operator\n";
    assert.ok(KIA_YAML.includes(handover));
    const given = KIA_YAML.replace(FIRST_ACTIVITY, YAML_ACTIVITY)
      .replace(handover, "  - id: penyerahan\n    nomor: 6\n    actor: front_office\n    agency: dpmptsp\n");
    const answer = await uploadYaml(page, given);
    assert.equal(answer.status(), 201, await answer.text());
    assert.equal((await answer.json()).status, "pending");
    await page.getByText("Versi 4 tersimpan dan menunggu persetujuan instansi lain.").waitFor();
    const pending = page.locator("ul.versions > li", { hasText: "Versi 4" });
    await pending.getByText("Menunggu persetujuan", { exact: true }).waitFor();
    await pending.getByText(/menunggu persetujuan admin: Dinas Penanaman Modal/).waitFor();
    assert.equal(await pending.getByRole("button", { name: /Setujui/ }).count(), 0, "not the awaited agency");
    await checkPage(page, "admin-sop-pending");

    // The DPMPTSP admin accepts; the version becomes the active one.
    const other = await person(browser, server.base);
    await other.page.goto("/masuk");
    await other.page.getByLabel(/^NIK, e-mail/).fill("admin.dpmptsp@demo.halo.lamsel");
    await other.page.getByLabel(/^Kata sandi/).fill(ADMIN.password);
    await other.page.getByRole("button", { name: "Masuk" }).click();
    await other.page.getByRole("heading", { name: "Admin instansi" }).waitFor();
    await other.page.goto(`/admin/sop/dukcapil/${KIA}`);
    const row = other.page.locator("ul.versions > li", { hasText: "Versi 4" });
    const [accepted] = await Promise.all([
      other.page.waitForResponse((r) => r.url().endsWith("/versions/4/accept")),
      row.getByRole("button", { name: "Setujui versi 4" }).click()]);
    assert.equal(accepted.status(), 200, await accepted.text());
    await row.getByText("Menunggu persetujuan", { exact: true }).waitFor({ state: "detached" });
    await other.context.close();
    const detail = await (await fetch(`${server.base}/api/v1/dukcapil/sops/${KIA}`)).json();
    assert.equal(detail.version, 4);
    assert.equal(detail.steps.at(-1).agency, "dpmptsp");

    // A further version giving the step again waits too; its publisher withdraws it with a
    // reason (a too-short one is refused at the field first), and the SOP stays on version 4.
    await page.reload();
    const again = await uploadYaml(page, given);
    assert.equal(again.status(), 201, await again.text());
    const fifth = page.locator("ul.versions > li", { hasText: "Versi 5" });
    await fifth.getByText("Menunggu persetujuan", { exact: true }).waitFor();
    await fifth.getByRole("button", { name: "Tarik kembali versi 5" }).click();
    await fifth.getByRole("button", { name: "Tarik kembali", exact: true }).click();
    await fifth.getByText("Tulis alasan paling sedikit 5 karakter.").waitFor();
    await fifth.getByLabel(/^Alasan/).fill("Diterbitkan dua kali karena salah unggah");
    await checkPage(page, "admin-sop-withdraw");
    const [withdrawn] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/versions/5/withdraw")),
      fifth.getByRole("button", { name: "Tarik kembali", exact: true }).click()]);
    assert.equal(withdrawn.status(), 200, await withdrawn.text());
    await page.locator("ul.versions > li", { hasText: "Versi 5" }).getByText("Ditarik kembali", { exact: true }).waitFor();
    const still = await (await fetch(`${server.base}/api/v1/dukcapil/sops/${KIA}`)).json();
    assert.equal(still.version, 4);
  });

  it("opens the SKM and SLA reports for a period", async () => {
    const { page } = admin;
    await page.goto("/admin/skm");
    await page.getByRole("heading", { name: "Laporan Survei Kepuasan Masyarakat" }).waitFor();
    await page.getByText(/responden \(minimal/).waitFor();
    await checkPage(page, "admin-skm");
    await page.goto("/admin/sla");
    await page.getByRole("heading", { name: "Laporan ketepatan waktu (SLA)" }).waitFor();
    await page.locator("table.report").waitFor();
    assert.match(await page.locator("table.report").innerText(), /Jumlah/);
    await page.getByLabel("Dari tanggal").fill("2026-11-01");
    const [sla] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/reports/sla?") && r.url().includes("from=2026-11-01")),
      page.getByRole("button", { name: "Tampilkan" }).click()]);
    assert.equal(sla.status(), 200);
    const [csv] = await Promise.all([page.waitForEvent("download"),
      page.getByRole("button", { name: "Unduh CSV" }).click()]);
    assert.match(csv.suggestedFilename(), /^sla-disdukcapil-.*\.csv$/);
    await checkPage(page, "admin-sla");
    // The same pages in English.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "On-time report (SLA)" }).waitFor();
    await page.getByRole("link", { name: "Accounts & roles" }).click();
    await page.getByRole("heading", { name: "Accounts and roles" }).waitFor();
    await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await page.getByRole("heading", { name: "Akun dan peran" }).waitFor();
  });

  it("lets the platform admin choose the agency it administers", async () => {
    const { page, context } = await person(browser, server.base);
    await page.goto("/masuk");
    await page.getByLabel(/^NIK, e-mail/).fill("admin@demo.halo.lamsel");
    await page.getByLabel(/^Kata sandi/).fill(ADMIN.password);
    await page.getByRole("button", { name: "Masuk" }).click();
    await page.getByLabel("Instansi yang dikelola").waitFor();
    await page.locator("main section p", { hasText: "Pilih instansi untuk dikelola." }).waitFor();
    await page.getByLabel("Instansi yang dikelola").selectOption("damkar");
    await page.getByRole("link", { name: "Akun & peran" }).first().click();
    await page.getByRole("heading", { name: "Akun dan peran" }).waitFor();
    await page.locator("li.card", { hasText: "admin.damkar@demo.halo.lamsel" }).waitFor();
    assert.equal(await page.locator("li.card", { hasText: "disdukcapil@demo" }).count(), 0);
    await checkPage(page, "admin-platform-agency");
    await context.close();
  });
});
