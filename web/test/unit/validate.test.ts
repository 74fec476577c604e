// The client checks agree with the server's rules (shared/engine/submission.py and identity).
import { describe, expect, it } from "vitest";
import type { DocumentSpec, FormField } from "../../src/api/types";
import { checkRegistration, checkSubmission, checkValue, coerce } from "../../src/validate";

const KIA: FormField[] = [
  { name: "nik_anak", label: "NIK anak", type: "nik" },
  { name: "nama_anak", label: "Nama anak", type: "string" },
  { name: "tanggal_lahir_anak", label: "Tanggal lahir", type: "date" },
  { name: "pengambilan", label: "Cara", type: "choice", choices: ["unduh_halo_lamsel", "ekspedisi"] },
  { name: "catatan", label: "Catatan", type: "text", required: false },
];
const DOCS: DocumentSpec[] = [{ key: "berkas_persyaratan", label: "Berkas" },
  { key: "pas_foto", label: "Foto", required: false }];

describe("SOP form checks", () => {
  it("names every missing required field and document, and nothing optional", () => {
    const problems = checkSubmission(KIA, {}, DOCS, new Set());
    expect(problems.map((p) => p.field)).toEqual(["nik_anak", "nama_anak", "tanggal_lahir_anak",
      "pengambilan", "documents.berkas_persyaratan"]);
    expect(problems.every((p) => p.problem === "required")).toBe(true);
  });

  it("accepts a complete KIA request", () => {
    const values = { nik_anak: coerce(KIA[0], "1801-0145-0524-0001"), nama_anak: "Siti",
      tanggal_lahir_anak: "2024-05-05", pengambilan: "unduh_halo_lamsel" };
    expect(values.nik_anak).toBe("1801014505240001");
    expect(checkSubmission(KIA, values, DOCS, new Set(["berkas_persyaratan"]))).toEqual([]);
  });

  it("uses the server's problem codes for bad values", () => {
    expect(checkValue(KIA[0], "180101450524000")).toBe("not-nik");
    expect(checkValue(KIA[2], "2024-02-30")).toBe("not-date");
    expect(checkValue(KIA[3], "ambil")).toBe("not-a-choice");
    expect(checkValue({ name: "n", label: "n", type: "integer" }, coerce(
      { name: "n", label: "n", type: "integer" }, "3.5")!)).toBe("not-integer");
    expect(checkValue({ name: "p", label: "p", type: "phone" }, "+6281234567890")).toBeNull();
    expect(checkValue({ name: "e", label: "e", type: "email" }, "warga@contoh")).toBe("not-email");
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
