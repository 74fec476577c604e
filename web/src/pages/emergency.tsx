// The emergency report without an account (/darurat): 112 first, then the number confirmed by
// a one-time code (skipped for a logged-in citizen), then the report (kind, the device's
// location, the address, a note) sent to the nearest fire post; the live status follows at
// /darurat/<tracking no>.
import { useEffect, useState } from "preact/hooks";
import type { FieldProblem } from "../api/types";
import { t } from "../i18n";
import { navigate } from "../router";
import { ErrorBox, Field, problemText } from "../ui";
import { citizen, EmergencyError, reporter, sendReport, type Reporter, type ReportForm } from "./emergency-api";
import { LocationField, useDeviceLocation } from "./emergency-location";
import { isMobileNumber, reportField } from "./emergency-logic";
import { placeRefusal, useCountdown, Verify, WaitNote } from "./emergency-verify";

/** The big 112 link every emergency page starts with. */
export function Call112() {
  return <p class="sos-112"><a href="tel:112">{t("sos.call112")}</a>
    <span class="sos-112-hint">{t("sos.call112.hint")}</span></p>;
}

const RESCUES = ["orang_terjebak", "pohon_tumbang", "hewan_liar_berbisa", "sarang_tawon",
  "cincin_terjepit", "lainnya"] as const;
const REACH = ["tidak_tahu", "ya", "tidak"] as const;

function Steps({ now }: { now: 1 | 2 | 3 }) {
  const names = [t("sos.step.phone"), t("sos.step.code"), t("sos.step.report")];
  return <ol class="sos-steps" aria-label={t("sos.steps")}>{names.map((name, i) =>
    <li key={name} class={i + 1 === now ? "now" : i + 1 < now ? "done" : ""}
      aria-current={i + 1 === now ? "step" : undefined}>{name}</li>)}</ol>;
}

function ReportForm({ who, onExpired }: { who: Reporter | null; onExpired: () => void }) {
  const me = citizen();
  const [jenis, setJenis] = useState<ReportForm["jenis"]>("kebakaran");
  const [rescue, setRescue] = useState<(typeof RESCUES)[number]>("lainnya");
  const [reach, setReach] = useState<(typeof REACH)[number]>("tidak_tahu");
  const [phone, setPhone] = useState(who?.phone ?? me?.phone ?? "");
  const [address, setAddress] = useState("");
  const [note, setNote] = useState("");
  const [name, setName] = useState(me?.name ?? "");
  const [state, point, retry, setManual] = useDeviceLocation();
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const wait = useCountdown(waitUntil);
  const focusFirst = (found: FieldProblem[]) => requestAnimationFrame(() =>
    document.getElementById(`f-${found[0]?.field}`)?.focus());
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const local: FieldProblem[] = [];
    if (!point) local.push({ field: "lokasi", problem: "location-missing" });
    if (!who && !isMobileNumber(phone)) local.push({ field: "telepon", problem: "not-phone" });
    if (address.trim().length < 3) local.push({ field: "alamat", problem: "address-short" });
    setProblems(local);
    if (local.length || !point) {
      focusFirst(local);
      return;
    }
    const body: ReportForm = { jenis, telepon: (who?.phone ?? phone).trim(), lat: point.lat, lon: point.lon,
      akurasi_m: point.accuracy !== undefined ? Math.min(100_000, Math.round(point.accuracy)) : undefined,
      alamat: address.trim(), keterangan: note.trim() || undefined, nama: name.trim() || undefined,
      dapat_dijangkau: reach, jenis_evakuasi: jenis === "evakuasi" ? rescue : "lainnya" };
    setBusy(true);
    try {
      const accepted = await sendReport(body);
      navigate(`/darurat/${encodeURIComponent(accepted.tracking_no)}?baru=1`);
    } catch (err) {
      setBusy(false);
      if (err instanceof EmergencyError && (err.status === 401 || err.status === 403) && who) {
        reporter.set(null);
        onExpired();
        return;
      }
      const placed = placeRefusal(err, "kirim", reportField);
      if (err instanceof EmergencyError && err.status === 429) {
        setFailure(err);
        setProblems([]);
      } else {
        setProblems(placed.problems);
        setFailure(placed.general);
        focusFirst(placed.problems);
      }
      setWaitUntil(placed.waitUntil);
    }
  };
  const invalid = (field: string) => problems.some((p) => p.field === field) || undefined;
  const described = (field: string, hint: boolean) => [hint ? `f-${field}-hint` : "",
    invalid(field) ? `f-${field}-error` : ""].filter(Boolean).join(" ") || undefined;
  const clear = (field: string) => setProblems((now) => now.filter((p) => p.field !== field));
  useEffect(() => clear("lokasi"), [point]);
  const shown = ["lokasi", "alamat", "keterangan", "nama", ...(who ? [] : ["telepon"])];
  return <form class="sos-form" onSubmit={submit} noValidate>
    {who ? <p class="alert ok" role="status">{t("sos.verified", { phone: who.phone })}</p>
      : me ? <p class="alert ok" role="status">{t("sos.citizen", { name: me.name })}</p> : null}
    <fieldset class="sos-kinds">
      <legend>{t("sos.kind")}</legend>
      {(["kebakaran", "evakuasi"] as const).map((k) => <label class="choice sos-kind" key={k}>
        <input type="radio" name="jenis" value={k} checked={jenis === k} onChange={() => setJenis(k)} />
        {t(`sos.kind.${k}`)}</label>)}
    </fieldset>
    {jenis === "evakuasi" ? <div class="field"><label for="f-jenis_evakuasi">{t("sos.rescue")}</label>
      <select id="f-jenis_evakuasi" value={rescue}
        onChange={(e) => setRescue(e.currentTarget.value as (typeof RESCUES)[number])}>
        {RESCUES.map((r) => <option key={r} value={r}>{t(`sos.rescue.${r}`)}</option>)}</select></div> : null}
    <LocationField state={state} point={point} retry={retry} problems={problems}
      setManual={(p) => { setManual(p); clear("lokasi"); }} />
    <Field id="f-alamat" label={t("sos.address")} hint={t("sos.address.hint")} problems={problems} required>
      <textarea id="f-alamat" name="alamat" rows={2} maxLength={500} required value={address}
        autoComplete="street-address" aria-invalid={invalid("alamat")} aria-describedby={described("alamat", true)}
        onInput={(e) => { setAddress(e.currentTarget.value); clear("alamat"); }} />
    </Field>
    {!who ? <Field id="f-telepon" label={t("sos.phone")} problems={problems} required>
      <input id="f-telepon" name="telepon" type="tel" inputMode="tel" autoComplete="tel" required value={phone}
        aria-invalid={invalid("telepon")} aria-describedby={described("telepon", false)}
        onInput={(e) => { setPhone(e.currentTarget.value); clear("telepon"); }} />
    </Field> : null}
    <Field id="f-keterangan" label={t("sos.note")} hint={t("sos.note.hint")} problems={problems}>
      <textarea id="f-keterangan" name="keterangan" rows={2} maxLength={2000} value={note}
        aria-describedby={described("keterangan", true)} onInput={(e) => setNote(e.currentTarget.value)} />
    </Field>
    <div class="field"><label for="f-dapat_dijangkau">{t("sos.reach")}</label>
      <select id="f-dapat_dijangkau" value={reach}
        onChange={(e) => setReach(e.currentTarget.value as (typeof REACH)[number])}>
        {REACH.map((r) => <option key={r} value={r}>{t(`sos.reach.${r}`)}</option>)}</select></div>
    <Field id="f-nama" label={t("sos.name")} problems={problems}>
      <input id="f-nama" name="nama" autoComplete="name" maxLength={100} value={name}
        onInput={(e) => setName(e.currentTarget.value)} />
    </Field>
    {problems.filter((p) => !shown.includes(p.field)).map((p, i) =>
      <p class="field-error" key={i}>{p.field ? `${p.field}: ` : ""}{problemText(p)}</p>)}
    <ErrorBox error={failure} />
    <WaitNote id="f-kirim" wait={wait} />
    <button type="submit" class="sos-go sos-send" disabled={busy || wait > 0}>
      {busy ? t("sos.sending") : t("sos.send")}</button>
  </form>;
}

export function EmergencyPage() {
  const [who, setWho] = useState<Reporter | null>(() => reporter.get());
  const [expired, setExpired] = useState(false);
  const [asking, setAsking] = useState<"phone" | "code">("phone");
  const asCitizen = !who && citizen() !== null;
  const step = who || asCitizen ? 3 : 1;
  return <section class="sos narrow">
    <Call112 />
    <h1>{t("sos.title")}</h1>
    <p class="lead">{t("sos.lead")}</p>
    {asCitizen ? null : <Steps now={step === 3 ? 3 : asking === "code" ? 2 : 1} />}
    {expired ? <p class="alert warn" role="alert">{t("sos.expired")}</p> : null}
    {step === 3 ? <ReportForm who={who} onExpired={() => { setWho(null); setExpired(true); }} />
      : <Verify onStep={setAsking} onDone={(r) => { setWho(r); setExpired(false); }} />}
  </section>;
}
