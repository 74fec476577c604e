// Officer actions that take inputs, in Debian's Chromium against a real all-in-one: a PDAM new
// connection (pdam-pemasangan-sambungan-baru) is submitted and passed on through the API; the
// site surveyor's "Lokasi ditinjau" asks for the site plan (Gambar Denah Lokasi) and refuses
// to go without it, then sends it with progress; the customer service officer's approval asks
// for the customer account number, and the case view then lists what officers recorded.
// Screenshots at 360 and 1280 px and axe-core on each page.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkPage, launch, logInOfficer, PDF, person, startAllInOne } from "./harness.mjs";

const PASSWORD = "Demo-Petugas-2026";
const OFFICER = (role) => ({ login: `${role}.pdam@demo.halo.lamsel`, password: PASSWORD });
const SURVEYOR = OFFICER("bagian_perencanaan_distribusi");
const HUBLANG = OFFICER("bagian_hublang");
const ACCOUNT_NO = "01-2345-678";

let server;
let browser;
let caseId;

async function token(login, password) {
  const answer = await fetch(`${server.base}/api/v1/auth/login`, { method: "POST",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ login, password }) });
  assert.equal(answer.status, 200, await answer.clone().text());
  return { Authorization: `Bearer ${(await answer.json()).access_token}` };
}

async function act(who, action, step) {
  const answer = await fetch(`${server.base}/api/v1/umum/cases/${caseId}/actions`, { method: "POST",
    headers: { ...(await token(who.login, who.password)), "Content-Type": "application/json" },
    body: JSON.stringify({ action, step, comment: "Diteruskan" }) });
  assert.equal(answer.status, 200, await answer.text());
}

async function openCase(page) {
  // The service answers at once; the gateway's read model may lag: look again a while.
  const form = page.locator("form.action").first();
  for (let i = 0; i < 20; i++) {
    await page.goto(`/petugas/umum/${caseId}`);
    await page.getByRole("heading", { name: "Riwayat" }).waitFor();
    if (await form.count()) return;
    await page.waitForTimeout(500);
  }
}

function submitted(page) {
  return page.waitForResponse((r) => r.url().endsWith("/actions") && r.request().method() === "POST");
}

describe("officer action inputs", { concurrency: false }, () => {
  before(async () => {
    server = await startAllInOne();
    browser = await launch();
    const body = new FormData();
    body.append("data", JSON.stringify({ sop_key: "pdam-pemasangan-sambungan-baru", form: {
      nama_calon_pelanggan: "Warga Uji", nik_calon_pelanggan: "1801015203950007",
      telepon: "081370001234", alamat_pemasangan: "Jl. Lintas Sumatra 1", desa: "Way Urang",
      kecamatan: "Kalianda", golongan_pelanggan: "rumah_tangga" } }));
    for (const key of ["surat_permohonan", "identitas"]) {
      body.append(key, new Blob([PDF], { type: "application/pdf" }), `${key}.pdf`);
    }
    const opened = await fetch(`${server.base}/api/v1/umum/cases`, { method: "POST",
      headers: await token("warga1@demo.halo.lamsel", "Demo-Warga-2026"), body });
    assert.equal(opened.status, 201, await opened.clone().text());
    caseId = (await opened.json()).case_id;
    await act(OFFICER("front_office"), "teruskan", "penerimaan");
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("asks the surveyor for the site plan and sends it with the action", async () => {
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, SURVEYOR);
    await openCase(page);
    const form = page.locator("form.action", { hasText: "Lokasi ditinjau" });
    const file = form.getByLabel(/^Gambar Denah Lokasi/);
    await file.waitFor();
    await checkPage(page, "action-inputs-survey");
    await form.getByRole("button", { name: "Lokasi ditinjau" }).click();
    await form.locator(".field-error").first().waitFor();
    assert.equal(await file.getAttribute("aria-invalid"), "true");
    await file.setInputFiles({ name: "denah.pdf", mimeType: "application/pdf", buffer: PDF });
    const [answer] = await Promise.all([submitted(page),
      form.getByRole("button", { name: "Lokasi ditinjau" }).click()]);
    assert.equal(answer.status(), 200, await answer.text());
    await form.waitFor({ state: "detached" });
    await context.close();
  });

  it("asks customer service for the account number and then lists what was recorded", async () => {
    await act(HUBLANG, "setujui", "persetujuan");
    await act(OFFICER("front_office"), "lunas", "pembayaran");
    const { page, context } = await person(browser, server.base);
    await logInOfficer(page, HUBLANG);
    await openCase(page);
    const form = page.locator("form.action", { hasText: "nomor rekening pelanggan terbit" });
    await form.getByLabel(/^Nomor Rekening Pelanggan/).fill(ACCOUNT_NO);
    const [answer] = await Promise.all([submitted(page), form.getByRole("button").click()]);
    assert.equal(answer.status(), 200, await answer.text());
    await page.getByRole("heading", { name: "Dicatat petugas" }).waitFor();
    await page.getByText(ACCOUNT_NO).waitFor();
    // The site plan the surveyor attached is among the case's documents, by its SOP name.
    await page.getByRole("button", { name: "Gambar Denah Lokasi" }).waitFor();
    await checkPage(page, "action-inputs-recorded");
    await context.close();
  });
});
