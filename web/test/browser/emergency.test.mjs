// The emergency report without an account in Debian's Chromium against a real all-in-one:
// the header's red link opens /darurat, a number too short is refused at its field, the code
// is asked for (read from the gateway's Maildir, <varDir>/mail/new, addressed to the number),
// a wrong code is refused at its field with the attempts left, the right one opens the report;
// the browser grants a location in Kalianda, the report reaches the Kalianda post and the live
// status shows it; the damkar officer walks the case to the arrival in the officer pages and
// the reporter's page shows the arrival by itself; another browser reopens the status after
// confirming the number again; a fourth code for one number is a 429 whose wait is counted
// down at the code field; a logged-in citizen reports without a code; a report from outside
// the regency is refused at the location. Then the Disdukcapil admin creates a webhook
// subscription (the secret shown once), pings a closed port and sees the failed attempt,
// pauses it; rotates a secret, pings a local receiver (signed with both secrets), replays the
// delivered ping and deletes the subscription.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkPage, launch, logInOfficer, startAllInOne } from "./harness.mjs";

const KALIANDA = { latitude: -5.72, longitude: 105.59, accuracy: 12 };
const JAKARTA = { latitude: -6.2, longitude: 106.82, accuracy: 20 };
const OFFICER = { login: "petugas_pemadam.damkar@demo.halo.lamsel", password: "Demo-Petugas-2026" };
const ADMIN = { login: "admin.disdukcapil@demo.halo.lamsel", password: "Demo-Admin-2026" };
const PHONE = `0812${String(Date.now() % 1e8).padStart(8, "0")}`;
const NORMALISED = `+62${PHONE.slice(1)}`;

let server;
let browser;
let reporter;
let trackingNo;
let caseId;

/** A mail body as text (7bit, quoted-printable or base64, as Python's email writes it). */
function bodyText(raw) {
  const split = raw.indexOf("\n\n");
  const head = raw.slice(0, split);
  const body = raw.slice(split + 2);
  const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    return body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
  return body;
}

/** The newest one-time code the gateway's Maildir holds for the number. */
async function codeFor(phone, since) {
  const folder = join(server.varDir, "mail", "new");
  for (let i = 0; i < 100; i++) {
    let names = [];
    try { names = readdirSync(folder); } catch { /* not written yet */ }
    const mails = names.map((n) => join(folder, n)).filter((p) => statSync(p).mtimeMs >= since - 1000)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    for (const path of mails) {
      const raw = readFileSync(path, "utf8").replace(/\r\n/g, "\n");
      const to = /^To:\s*(.+)$/mi.exec(raw.slice(0, raw.indexOf("\n\n")))?.[1]?.trim();
      const code = /\b(\d{6})\b/.exec(bodyText(raw))?.[1];
      if (to === phone && code) return code;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("no code reached the Maildir");
}

function closedPort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

before(async () => {
  server = await startAllInOne();
  browser = await launch();
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 360, height: 740 },
    locale: "id-ID", timezoneId: "Asia/Jakarta", geolocation: KALIANDA });
  await context.grantPermissions(["geolocation"], { origin: server.base });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  reporter = { context, page };
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("emergency report without an account", { concurrency: false }, () => {
  it("opens from the header's red link with 112 first, and refuses a bad number at its field", async () => {
    const { page } = reporter;
    await page.goto("/");
    await page.getByRole("link", { name: "Lapor darurat" }).click();
    await page.getByRole("heading", { name: "Lapor Kebakaran / Penyelamatan" }).waitFor();
    const first = page.locator("main a").first();
    assert.equal(await first.getAttribute("href"), "tel:112");
    assert.equal(await first.innerText(), "Darurat? Telepon 112");
    await checkPage(page, "emergency-phone");
    await page.getByLabel(/^Nomor HP/).fill("12345");
    await page.getByRole("button", { name: "Kirim kode" }).click();
    await page.locator(".field.invalid", { hasText: "Nomor WhatsApp harus berformat" }).waitFor();
    assert.equal(await page.getByLabel(/^Nomor HP/).getAttribute("aria-invalid"), "true");
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Report a fire / rescue" }).waitFor();
    assert.equal(await page.locator("main a").first().innerText(), "Emergency? Call 112");
    await checkPage(page, "emergency-phone-en");
    await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await page.getByRole("heading", { name: "Lapor Kebakaran / Penyelamatan" }).waitFor();
  });

  it("sends a code, refuses a wrong one at its field with the attempts left, accepts the right one", async () => {
    const { page } = reporter;
    const since = Date.now();
    await page.getByLabel(/^Nomor HP/).fill(PHONE);
    await page.getByRole("button", { name: "Kirim kode" }).click();
    const input = page.getByLabel(/^Kode 6 angka/);
    await input.waitFor();
    assert.equal(await input.getAttribute("inputmode"), "numeric");
    assert.equal(await input.getAttribute("autocomplete"), "one-time-code");
    const code = await codeFor(NORMALISED, since);
    const wrong = code === "000000" ? "111111" : "000000";
    await input.fill(wrong);
    await page.getByRole("button", { name: "Lanjutkan" }).click();
    await page.locator(".field.invalid", { hasText: "Kode salah. Sisa percobaan: 4." }).waitFor();
    assert.equal(await input.getAttribute("aria-invalid"), "true");
    await checkPage(page, "emergency-code-wrong");
    await input.fill(code);
    await page.getByRole("button", { name: "Lanjutkan" }).click();
    await page.getByText(`Nomor ${PHONE} terkonfirmasi.`).waitFor();
    // The token is the tab's only: sessionStorage, not the citizen's session in localStorage.
    const stored = await page.evaluate(() => [sessionStorage.getItem("halo.darurat"), localStorage.getItem("halo.session")]);
    assert.ok(stored[0] && JSON.parse(stored[0]).token);
    assert.equal(stored[1], null);
  });

  it("reports a fire at the device's location and sees the post and the live status", async () => {
    const { page } = reporter;
    await page.getByText(/Lokasi didapat: akurasi ±12 m/).waitFor();
    await page.getByLabel(/^Alamat atau patokan/).fill("Jl. Soekarno-Hatta, dekat Masjid Agung Kalianda");
    await page.getByLabel(/^Keterangan/).fill("Rumah terbakar, penghuni sudah keluar");
    await checkPage(page, "emergency-report");
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/damkar/darurat") && r.request().method() === "POST"),
      page.getByRole("button", { name: "Kirim laporan darurat" }).click()]);
    assert.equal(answer.status(), 201);
    ({ tracking_no: trackingNo, case_id: caseId } = await answer.json());
    await page.waitForURL(new RegExp(`/darurat/${trackingNo}`));
    await page.getByText("Laporan terkirim ke Markas Komando Damkar Kalianda.", { exact: false }).waitFor();
    const call = page.getByRole("link", { name: /Telepon pos: 0727-000-101/ });
    assert.equal(await call.getAttribute("href"), "tel:0727000101");
    await page.getByText(/km dari lokasi Anda/).waitFor();
    const times = await page.locator(".sos-times").innerText();
    assert.match(times, /Laporan diterima\n.*WIB/);
    assert.match(times, /Petugas tiba di lokasi\nbelum/);
    await checkPage(page, "emergency-status");
  });

  it("shows the arrival the damkar officer records, without a reload", async () => {
    const officer = await browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 800 },
      locale: "id-ID", timezoneId: "Asia/Jakarta" });
    const page = await officer.newPage();
    page.setDefaultTimeout(20_000);
    await logInOfficer(page, OFFICER);
    await page.goto(`/petugas/damkar/${caseId}`);
    await page.getByText(trackingNo).first().waitFor();
    for (const label of ["Laporan diterima, peralatan disiapkan", "Berangkat menuju lokasi",
      "Kasie dan Kabid telah diinformasikan", "Tiba di lokasi"]) {
      const button = page.getByRole("button", { name: label, exact: true });
      await button.click();
      await button.waitFor({ state: "detached" });
    }
    await officer.close();
    const { page: mine } = reporter;
    // textContent has no line breaks between a time's name and its value.
    await mine.locator(".sos-times", { hasText: /Petugas tiba di lokasi\s*\d+ Des/ }).waitFor({ timeout: 30_000 });
    await mine.getByText(/Petugas tiba \d+(,\d)? menit setelah laporan \(standar 15 menit\)/).waitFor();
    assert.match(await mine.locator(".sos-times").innerText(), /Petugas berangkat\n.*WIB/);
    await checkPage(mine, "emergency-arrived");
  });

  it("opens the status in another browser once the number is confirmed again", async () => {
    const other = await browser.newContext({ baseURL: server.base, viewport: { width: 360, height: 740 },
      locale: "id-ID", timezoneId: "Asia/Jakarta" });
    const page = await other.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`/darurat/${trackingNo}`);
    await page.getByText("Untuk melihat laporan ini, konfirmasi nomor yang dipakai melapor.").waitFor();
    const since = Date.now();
    await page.getByLabel(/^Nomor HP/).fill(PHONE);
    await page.getByRole("button", { name: "Kirim kode" }).click();
    await page.getByLabel(/^Kode 6 angka/).fill(await codeFor(NORMALISED, since));
    await page.getByRole("button", { name: "Lanjutkan" }).click();
    await page.getByText("Markas Komando Damkar Kalianda").waitFor();
    await page.locator(".sos-times", { hasText: /Petugas tiba di lokasi\s*\d+ Des/ }).waitFor();
    await other.close();
  });

  it("shows a 429's wait at the code field and holds the buttons until then", async () => {
    const other = await browser.newContext({ baseURL: server.base, viewport: { width: 360, height: 740 },
      locale: "id-ID", timezoneId: "Asia/Jakarta" });
    const page = await other.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto("/darurat");
    await page.getByLabel(/^Nomor HP/).fill("0813-1111-2222");
    await page.getByRole("button", { name: "Kirim kode" }).click();
    for (let i = 0; i < 2; i++) {
      const [sent] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/otp")),
        page.getByRole("button", { name: "Kirim kode baru" }).click()]);
      assert.equal(sent.status(), 202);
      await page.getByRole("button", { name: "Kirim kode baru" }).and(page.locator(":enabled")).waitFor();
    }
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/otp")),
      page.getByRole("button", { name: "Kirim kode baru" }).click()]);
    assert.equal(refused.status(), 429);
    const wait = Number(refused.headers()["retry-after"]);
    assert.ok(wait > 60, `Retry-After ${wait}`);
    await page.locator(".field.invalid", { hasText: "Terlalu banyak permintaan" }).waitFor();
    assert.match(await page.locator("#f-kode-wait").innerText(), /^Tunggu \d+ menit( \d+ detik)?, lalu coba lagi\.$/);
    assert.match(await page.getByLabel(/^Kode 6 angka/).getAttribute("aria-describedby"), /f-kode-wait/);
    // No new code until then; the last code sent still holds, so it may still be entered.
    assert.ok(await page.getByRole("button", { name: "Kirim kode baru" }).isDisabled());
    assert.ok(await page.getByRole("button", { name: "Lanjutkan" }).isEnabled());
    await checkPage(page, "emergency-code-limited");
    await other.close();
  });

  it("lets a logged-in citizen report with their own account, without a code", async () => {
    const context = await browser.newContext({ baseURL: server.base, viewport: { width: 360, height: 740 },
      locale: "id-ID", timezoneId: "Asia/Jakarta", geolocation: KALIANDA });
    await context.grantPermissions(["geolocation"], { origin: server.base });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto("/masuk");
    await page.getByLabel(/^NIK, e-mail/).fill("warga1@demo.halo.lamsel");
    await page.getByLabel(/^Kata sandi/).fill("Demo-Warga-2026");
    await page.getByRole("button", { name: "Masuk" }).click();
    await page.waitForURL(/\/kasus/);
    await page.getByRole("link", { name: "Lapor darurat" }).click();
    await page.getByText("Anda masuk sebagai Budi Santoso", { exact: false }).waitFor();
    assert.equal(await page.getByLabel(/^Kode 6 angka/).count(), 0);
    assert.equal(await page.getByLabel(/^Nomor HP/).inputValue(), "+6281200000001");
    await page.getByLabel("Penyelamatan (bukan kebakaran)").check();
    await page.getByLabel("Jenis penyelamatan").selectOption("pohon_tumbang");
    await page.getByText(/Lokasi didapat/).waitFor();
    await page.getByLabel(/^Alamat atau patokan/).fill("Jl. Lintas Sumatera, Kalianda");
    await page.getByRole("button", { name: "Kirim laporan darurat" }).click();
    await page.getByText("Laporan terkirim ke Markas Komando Damkar Kalianda.", { exact: false }).waitFor();
    await context.close();
  });

  it("refuses a report from outside the regency at the location", async () => {
    const { page, context } = reporter;
    await context.setGeolocation(JAKARTA);
    await page.getByRole("link", { name: "Buat laporan baru" }).click();
    await page.getByText(/Lokasi didapat: akurasi ±20 m/).waitFor();
    await page.getByLabel(/^Alamat atau patokan/).fill("Jl. M.H. Thamrin, Jakarta");
    await page.getByRole("button", { name: "Kirim laporan darurat" }).click();
    const location = page.locator("fieldset.sos-location.invalid");
    await location.getByText(/di luar wilayah Kabupaten Lampung Selatan/).waitFor();
    await checkPage(page, "emergency-outside");
  });
});

describe("agency admin webhooks", { concurrency: false }, () => {
  let admin;
  it("creates a subscription (secret shown once), pings a closed port and lists the failed attempt", async () => {
    const context = await browser.newContext({ baseURL: server.base, viewport: { width: 360, height: 740 },
      locale: "id-ID", timezoneId: "Asia/Jakarta" });
    admin = await context.newPage();
    admin.setDefaultTimeout(20_000);
    const page = admin;
    await page.goto("/masuk");
    await page.getByLabel(/^NIK, e-mail/).fill(ADMIN.login);
    await page.getByLabel(/^Kata sandi/).fill(ADMIN.password);
    await page.getByRole("button", { name: "Masuk" }).click();
    await page.getByRole("heading", { name: "Admin instansi" }).waitFor();
    await page.getByRole("navigation", { name: "Bagian admin instansi" }).getByRole("link", { name: "Webhook" }).click();
    await page.getByRole("heading", { name: "Webhook instansi" }).waitFor();
    await page.getByText("Belum ada langganan webhook.").waitFor();
    await checkPage(page, "admin-webhooks");

    await page.getByLabel(/^Alamat penerima/).fill("ftp://contoh");
    await page.getByRole("button", { name: "Buat langganan" }).click();
    await page.locator(".field.invalid", { hasText: /https/ }).waitFor();

    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/halo-hook`;
    await page.getByLabel(/^Alamat penerima/).fill(url);
    await page.getByLabel(/Berkas dikembalikan \(case\.returned\)/).check();
    await page.getByLabel(/^Keterangan/).fill("Uji SIAK");
    await page.getByRole("button", { name: "Buat langganan" }).click();
    const secret = page.getByLabel("Rahasia (whsec_…)");
    await secret.waitFor();
    assert.match(await secret.inputValue(), /^whsec_[0-9a-f]{64}$/);
    await page.getByText(/hanya ditampilkan sekali/).waitFor();
    await checkPage(page, "admin-webhooks-secret");
    await page.getByRole("button", { name: "Sudah saya simpan" }).click();
    assert.equal(await page.getByLabel("Rahasia (whsec_…)").count(), 0);

    const card = page.locator("li.wh-sub", { hasText: url });
    assert.match(await card.innerText(), /Aktif/);
    await card.getByRole("button", { name: "Kirim uji (ping)" }).click();
    await card.getByText("Ping diantrikan", { exact: false }).waitFor();
    const attempt = card.locator("table.wh-attempts tbody tr").first();
    await attempt.waitFor({ timeout: 30_000 });
    const text = await attempt.innerText();
    assert.match(text, /tanpa jawaban/);
    assert.match(text, /gagal, dicoba lagi/);
    assert.match(text, /\d+ ms/);
    assert.match(await card.locator(".wh-delivery").first().innerText(), /webhook\.ping/);
    await checkPage(page, "admin-webhooks-deliveries");

    await card.getByLabel("Status").selectOption("delivered");
    await card.getByText("Belum ada pengiriman.").waitFor();
    await card.getByRole("button", { name: "Jeda" }).click();
    await card.getByText("Dijeda", { exact: true }).waitFor();
    await page.reload();
    await page.locator("li.wh-sub", { hasText: url }).getByText("Dijeda", { exact: true }).waitFor();
    await context.close();
  });

  it("rotates a secret, replays a delivered ping to a local receiver and deletes the subscription", async () => {
    const received = [];
    const receiver = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (d) => { body += d; });
      req.on("end", () => { received.push({ headers: req.headers, body }); res.writeHead(200).end("ok"); });
    });
    await new Promise((ok) => receiver.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${receiver.address().port}/terima`;
    const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 800 },
      locale: "id-ID", timezoneId: "Asia/Jakarta" });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    try {
      await page.goto("/masuk");
      await page.getByLabel(/^NIK, e-mail/).fill(ADMIN.login);
      await page.getByLabel(/^Kata sandi/).fill(ADMIN.password);
      await page.getByRole("button", { name: "Masuk" }).click();
      await page.getByRole("heading", { name: "Admin instansi" }).waitFor();
      await page.goto("/admin/webhook");
      await page.getByLabel(/^Alamat penerima/).fill(url);
      await page.getByRole("button", { name: "Buat langganan" }).click();
      const first = await page.getByLabel("Rahasia (whsec_…)").inputValue();
      await page.getByRole("button", { name: "Sudah saya simpan" }).click();
      const card = page.locator("li.wh-sub", { hasText: url });
      page.once("dialog", (d) => d.accept());
      await card.getByRole("button", { name: "Ganti rahasia" }).click();
      await card.getByText(/Rahasia lama tetap menandatangani sampai/).waitFor();
      const rotated = await card.getByLabel("Rahasia (whsec_…)").inputValue();
      assert.match(rotated, /^whsec_[0-9a-f]{64}$/);
      assert.notEqual(rotated, first);
      await card.getByRole("button", { name: "Sudah saya simpan" }).click();

      await card.getByRole("button", { name: "Kirim uji (ping)" }).click();
      const delivery = card.locator(".wh-delivery").first();
      await delivery.getByText("Terkirim", { exact: true }).waitFor({ timeout: 30_000 });
      assert.match(await delivery.locator("table.wh-attempts tbody").innerText(), /200/);
      assert.equal(received.length, 1);
      // Signed by both secrets during the grace period, the new one first.
      assert.match(received[0].headers["halo-webhook-signature"], /^v1=[0-9a-f]{64} v1=[0-9a-f]{64}$/);
      await delivery.getByRole("button", { name: "Kirim ulang" }).click();
      await card.locator(".wh-delivery", { hasText: "Terkirim" }).first().waitFor();
      for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 200));
      assert.equal(received.length, 2);
      assert.equal(received[1].headers["halo-webhook-id"], received[0].headers["halo-webhook-id"]);
      await card.getByRole("button", { name: "Muat ulang" }).click();
      await card.locator("table.wh-attempts tbody tr").nth(1).waitFor();

      page.once("dialog", (d) => d.accept());
      await card.getByRole("button", { name: "Hapus" }).click();
      await page.getByText("Langganan dihapus.").waitFor();
      assert.equal(await page.locator("li.wh-sub", { hasText: url }).count(), 0);
      await page.reload();
      await page.getByRole("heading", { name: /^Langganan/ }).waitFor();
      assert.equal(await page.locator("li.wh-sub", { hasText: url }).count(), 0);
    } finally {
      await context.close();
      await new Promise((ok) => receiver.close(ok));
    }
  });
});
