// The client checks agree with the server's rules (shared/engine/submission.py and identity).
import { describe, expect, it } from "vitest";
import type { DocumentSpec, FormField } from "../../src/api/types";
import { checkRegistration, checkSubmission, checkValue, coerce, identityProblems, isKkField }
  from "../../src/validate";

const KIA: FormField[] = [
  { name: "nik_anak", label: "NIK anak", type: "nik" },
  { name: "nama_anak", label: "Nama anak", type: "string" },
  { name: "tanggal_lahir_anak", label: "Tanggal lahir", type: "date" },
  { name: "nomor_kk", label: "Nomor KK", type: "nik" },
  { name: "pengambilan", label: "Cara", type: "choice", choices: ["unduh_halo_lamsel", "ekspedisi"] },
  { name: "catatan", label: "Catatan", type: "text", required: false },
];
const DOCS: DocumentSpec[] = [{ key: "berkas_persyaratan", label: "Berkas" },
  { key: "pas_foto", label: "Foto", required: false }];

describe("SOP form checks", () => {
  it("names every missing required field and document, and nothing optional", () => {
    const problems = checkSubmission(KIA, {}, DOCS, new Set());
    expect(problems.map((p) => p.field)).toEqual(["nik_anak", "nama_anak", "tanggal_lahir_anak",
      "nomor_kk", "pengambilan", "documents.berkas_persyaratan"]);
    expect(problems.every((p) => p.problem === "required")).toBe(true);
  });

  it("accepts a complete KIA request", () => {
    const values = { nik_anak: coerce(KIA[0], "1801-0145-0524-0001"), nama_anak: "Siti",
      tanggal_lahir_anak: "2024-05-05", nomor_kk: "1801012202200003",
      pengambilan: "unduh_halo_lamsel" };
    expect(values.nik_anak).toBe("1801014505240001");
    expect(checkSubmission(KIA, values, DOCS, new Set(["berkas_persyaratan"]))).toEqual([]);
  });

  it("uses the server's problem codes for bad values", () => {
    expect(checkValue(KIA[0], "180101450524000")).toBe("not-nik");
    expect(checkValue(KIA[2], "2024-02-30")).toBe("not-date");
    expect(checkValue(KIA[4], "ambil")).toBe("not-a-choice");
    expect(checkValue({ name: "n", label: "n", type: "integer" }, coerce(
      { name: "n", label: "n", type: "integer" }, "3.5")!)).toBe("not-integer");
    expect(checkValue({ name: "p", label: "p", type: "phone" }, "+6281234567890")).toBeNull();
    expect(checkValue({ name: "e", label: "e", type: "email" }, "warga@contoh")).toBe("not-email");
  });

  it("checks a NIK as the server does: region code, birth date with +40 for women, serial", () => {
    const today = new Date(2026, 11, 3);
    expect(checkValue(KIA[0], "0000000000000000", today)).toBe("nik-region");
    expect(identityProblems("0000000000000000", false, today)).toEqual(["nik-region",
      "nik-birth-date", "nik-serial"]);
    expect(checkValue(KIA[0], "1801014505240001", today)).toBeNull(); // a girl, 5 May 2024
    expect(checkValue(KIA[0], "1801010505240001", today)).toBeNull(); // a boy
    expect(checkValue(KIA[0], "1801013205240001", today)).toBe("nik-birth-date"); // day 32
    expect(checkValue(KIA[0], "1801017205240001", today)).toBe("nik-birth-date"); // 72 - 40
    expect(checkValue(KIA[0], "1801010513240001", today)).toBe("nik-birth-date"); // month 13
    expect(checkValue(KIA[0], "1801012412260001", today)).toBe("nik-future");
    expect(checkValue(KIA[0], "1899014505240001", today)).toBe("nik-region");
    expect(checkValue(KIA[0], "1801014505240000", today)).toBe("nik-serial");
  });

  it("checks a KK field (named nomor_kk) by its recording date, without the +40", () => {
    const today = new Date(2026, 11, 3);
    expect(isKkField(KIA[3])).toBe(true);
    expect(isKkField(KIA[0])).toBe(false);
    expect(checkValue(KIA[3], "1801012202200003", today)).toBeNull();
    expect(checkValue(KIA[3], "1801014505240001", today)).toBe("kk-date");
    expect(checkValue(KIA[3], "0000000000000000", today)).toBe("kk-region");
    expect(checkValue(KIA[3], "18010122022000", today)).toBe("not-kk");
  });

  it("refuses text over the maximum length and control characters", () => {
    expect(checkValue(KIA[1], "S".repeat(200))).toBeNull();
    expect(checkValue(KIA[1], "S".repeat(201))).toBe("too-long");
    expect(checkValue(KIA[5], "u".repeat(4001))).toBe("too-long");
    expect(checkValue({ name: "k", label: "k", max_length: 5 } as FormField, "123456")).toBe("too-long");
    expect(checkValue(KIA[1], "Siti\u0000Aminah")).toBe("control-characters");
    expect(checkValue(KIA[1], "Siti\nAminah")).toBe("control-characters");
    expect(checkValue(KIA[5], "Baris satu\r\nBaris dua\n\tmenjorok")).toBeNull();
    expect(checkValue(KIA[5], "Baris\u0000satu")).toBe("control-characters");
  });

  it("checks only what is given when completing a returned file", () => {
    expect(checkSubmission(KIA, { nama_anak: "Siti" }, DOCS, new Set(), true)).toEqual([]);
  });
});

describe("registration checks", () => {
  it("lists every problem at once", () => {
    const problems = checkRegistration({ nik: "123", name: "Siti", email: "x", phone: "12345",
      password: "short1" });
    expect(problems.map((p) => `${p.field}:${p.problem}`)).toEqual(["nik:nik-format",
      "email:not-email", "phone:not-phone", "password:password-too-short"]);
  });

  it("accepts the forms the server accepts", () => {
    expect(checkRegistration({ nik: "1801 0145 0790 0003", name: "Siti Aminah",
      email: "siti@contoh.id", phone: "0812-3456-7890", password: "Lampung-Selatan-77" })).toEqual([]);
  });
});

describe("problem words", () => {
  it("has a word of its own for every problem the client checks can name", async () => {
    const { id } = await import("../../src/i18n-id");
    const today = new Date("2026-12-03T00:00:00Z");
    const codes = new Set<string>([
      ...identityProblems("0000000000000000", false, today),
      ...identityProblems("1801014513990000", false, today),
      ...identityProblems("1801019912300000", true, today),
      ...identityProblems("1801010101300001", false, today),
      ...identityProblems("9999992202200003", true, today),
    ]);
    for (const [field, value] of [
      [{ name: "nama", label: "Nama", type: "string" }, "x".repeat(201)],
      [{ name: "nama", label: "Nama", type: "string" }, "a\u0000b"],
      [{ name: "nik", label: "NIK", type: "nik" }, "123"],
      [{ name: "nomor_kk", label: "KK", type: "nik" }, "123"],
    ] as [FormField, string][]) {
      const code = checkValue(field, value, today);
      expect(code, field.name).not.toBeNull();
      codes.add(code as string);
    }
    expect([...codes].sort()).toEqual(["control-characters", "kk-date", "kk-region", "kk-serial",
      "nik-birth-date", "nik-region", "nik-serial", "not-kk", "not-nik", "too-long"]);
    const missing = [...codes].filter((c) => !(`problem.${c}` in id));
    expect(missing).toEqual([]);
  });
});
