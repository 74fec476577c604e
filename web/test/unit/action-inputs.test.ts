// An officer action's declared inputs (`accepts` of the case's actions): recognised only on
// officer actions, handed to the form renderer with their types and choices, checked on the
// client as the server checks them, and sent as the same multipart body `lengkapi` uses.
import { describe, expect, it } from "vitest";
import type { CaseAction } from "../../src/api/types";
import { actionBody, checkInputs, inputDocuments, inputFields, takesInputs }
  from "../../src/pages/action-inputs";

const PDF_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/webp"];
const DITINJAU: CaseAction = {
  step: "peninjauan", name: "ditinjau", label: "Lokasi ditinjau", kind: "forward", to: "pengesahan",
  comment_required: false,
  accepts: {
    fields: [
      { key: "hasil", label: "Hasil", required: true, type: "choice", choices: ["layak", "tidak_layak"] },
      { key: "jarak_pipa", label: "Jarak (m)", required: true, type: "number" },
      { key: "saksi", label: "Saksi", required: false, type: "string" }],
    documents: [
      { key: "berita_acara", label: "Berita Acara", required: true, types: PDF_TYPES },
      { key: "foto", label: "Foto", required: false, types: ["image/jpeg"] }],
  },
};

describe("officer action inputs", () => {
  it("are recognised on officer actions only, not on an applicant step's uploads", () => {
    expect(takesInputs(DITINJAU)).toBe(true);
    expect(takesInputs({ ...DITINJAU, accepts: null })).toBe(false);
    expect(takesInputs({ ...DITINJAU, name: "ajukan", accepts: { fields: [],
      documents: [{ key: "ktp", label: "KTP", required: false }] } })).toBe(false);
    expect(takesInputs({ ...DITINJAU, kind: "resubmit" })).toBe(false);
  });

  it("hand the renderer each field's type, choices and whether it is required", () => {
    expect(inputFields(DITINJAU)).toEqual([
      { name: "hasil", label: "Hasil", type: "choice", required: true, choices: ["layak", "tidak_layak"] },
      { name: "jarak_pipa", label: "Jarak (m)", type: "number", required: true, choices: [] },
      { name: "saksi", label: "Saksi", type: "string", required: false, choices: [] }]);
    expect(inputDocuments(DITINJAU).map((d) => [d.key, d.required, d.types])).toEqual([
      ["berita_acara", true, PDF_TYPES], ["foto", false, ["image/jpeg"]]]);
  });

  it("name every missing required input and every wrong value, as the server does", () => {
    expect(checkInputs(DITINJAU, {}, {}).problems).toEqual([
      { field: "hasil", problem: "required" }, { field: "jarak_pipa", problem: "required" },
      { field: "documents.berita_acara", problem: "required" }]);
    const file = new File(["%PDF-1.4"], "ba.pdf", { type: "application/pdf" });
    const wrong = checkInputs(DITINJAU, { hasil: "bagus", jarak_pipa: "dua" }, { berita_acara: file });
    expect(wrong.problems.map((p) => p.field)).toEqual(["hasil", "jarak_pipa"]);
    const right = checkInputs(DITINJAU, { hasil: "layak", jarak_pipa: "12.5" }, { berita_acara: file });
    expect(right).toEqual({ form: { hasil: "layak", jarak_pipa: 12.5 }, problems: [] });
  });

  it("go in the multipart body: the action as JSON in `data`, one part per document key", () => {
    const file = new File(["%PDF-1.4"], "ba.pdf", { type: "application/pdf" });
    const body = actionBody(DITINJAU, { hasil: "layak", jarak_pipa: 3 }, "  ", { berita_acara: file });
    expect(JSON.parse(String(body.get("data")))).toEqual({ action: "ditinjau", step: "peninjauan",
      form: { hasil: "layak", jarak_pipa: 3 } });
    expect((body.get("berita_acara") as File).name).toBe("ba.pdf");
    expect([...body.keys()]).toEqual(["data", "berita_acara"]);
  });
});
