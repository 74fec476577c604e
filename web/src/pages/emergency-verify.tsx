// The reporter confirms their number: step 1 the number (a code is sent), step 2 the 6-digit
// code (a reporter's token kept in sessionStorage). Each refusal is shown at its field: the
// number's format, a wrong code with the attempts left, an expired or void code, and a 429
// with the wait it names, counted down.
import { useEffect, useState } from "preact/hooks";
import type { FieldProblem } from "../api/types";
import { t } from "../i18n";
import { ErrorBox, Field } from "../ui";
import { EmergencyError, requestCode, verifyCode, type Reporter } from "./emergency-api";
import { codeField, formatWait, isMobileNumber } from "./emergency-logic";

/** Seconds left until `until` (ms), ticking once a second; 0 when passed or unset. */
export function useCountdown(until: number | null): number {
  const left = () => (until ? Math.max(0, Math.ceil((until - Date.now()) / 1000)) : 0);
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (!until) return undefined;
    const timer = setInterval(() => {
      const next = left();
      setSeconds(next);
      if (!next) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  return seconds;
}

/** A refusal as problems at the page's fields; what has no field stays a general error. */
export function placeRefusal(err: unknown, fallbackField: string,
                             field: (f: string) => string = (f) => f): { problems: FieldProblem[];
  general: unknown; waitUntil: number | null } {
  if (!(err instanceof EmergencyError) || err.status === 0) {
    return { problems: [], general: err, waitUntil: null };
  }
  if (err.status === 429) {
    const seconds = err.retryAfter ?? 60;
    return { problems: [{ field: fallbackField, problem: "sos-limited" }],
      general: undefined, waitUntil: Date.now() + seconds * 1000 };
  }
  if (err.errors.length) {
    return { problems: err.errors.map((p) => ({ ...p, field: field(p.field) })), general: undefined,
      waitUntil: null };
  }
  const at = codeField(err.code);
  if (at) return { problems: [{ field: at, problem: err.code, message: err.message }], general: undefined,
    waitUntil: null };
  return { problems: [], general: err, waitUntil: null };
}

/** The countdown of a 429's wait, just below the field it refused. */
export function WaitNote({ id, wait }: { id: string; wait: number }) {
  return wait ? <p class="field-error" id={`${id}-wait`} role="status">
    {t("sos.wait", { wait: formatWait(wait) })}</p> : null;
}

export function Verify({ onDone, onStep }: { onDone: (who: Reporter) => void;
  onStep?: (step: "phone" | "code") => void }) {
  const [step, setStepState] = useState<"phone" | "code">("phone");
  const setStep = (next: "phone" | "code") => { setStepState(next); onStep?.(next); };
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState("");
  const [minutes, setMinutes] = useState(5);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [resent, setResent] = useState(false);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [waitFor, setWaitFor] = useState<"send" | "check">("send");
  const wait = useCountdown(waitUntil);
  const holdSend = waitFor === "send" && wait > 0;
  const holdCheck = waitFor === "check" && wait > 0;
  const refused = (err: unknown, at: string, action: "send" | "check") => {
    const placed = placeRefusal(err, at);
    setWaitFor(action);
    setProblems(placed.problems);
    setFailure(placed.general);
    setWaitUntil(placed.waitUntil);
    requestAnimationFrame(() => document.getElementById(`f-${at}`)?.focus());
  };
  const ask = async (again: boolean) => {
    setFailure(undefined);
    setResent(false);
    if (!isMobileNumber(phone)) {
      setProblems([{ field: "telepon", problem: "not-phone" }]);
      document.getElementById("f-telepon")?.focus();
      return;
    }
    setBusy(true);
    try {
      const sent = await requestCode(phone.trim());
      setMinutes(Math.max(1, Math.round(sent.berlaku_detik / 60)));
      setProblems([]);
      setWaitUntil(null);
      setCode("");
      setStep("code");
      setResent(again);
      requestAnimationFrame(() => document.getElementById("f-kode")?.focus());
    } catch (err) {
      refused(err, again ? "kode" : "telepon", "send");
    } finally {
      setBusy(false);
    }
  };
  const check = async () => {
    setFailure(undefined);
    setResent(false);
    if (!/^\d{6}$/.test(code.trim())) {
      setProblems([{ field: "kode", problem: "otp-digits" }]);
      document.getElementById("f-kode")?.focus();
      return;
    }
    setBusy(true);
    try {
      onDone(await verifyCode(phone.trim(), code.trim()));
    } catch (err) {
      refused(err, "kode", "check");
      setBusy(false);
    }
  };
  const mine = (field: string) => problems.some((p) => p.field === field);
  const described = (field: string, hint: boolean) => [hint ? `f-${field}-hint` : "",
    mine(field) ? `f-${field}-error` : "", wait ? `f-${field}-wait` : ""]
    .filter(Boolean).join(" ") || undefined;
  if (step === "phone") {
    return <form class="sos-form" onSubmit={(e) => { e.preventDefault(); void ask(false); }} noValidate>
      <Field id="f-telepon" label={t("sos.phone")} hint={t("sos.phone.hint")} problems={problems} required>
        <input id="f-telepon" name="telepon" type="tel" inputMode="tel" autoComplete="tel" required
          value={phone} aria-invalid={mine("telepon") || undefined} aria-describedby={described("telepon", true)}
          onInput={(e) => { setPhone(e.currentTarget.value); setProblems([]); setWaitUntil(null); }} />
      </Field>
      <WaitNote id="f-telepon" wait={wait} />
      <ErrorBox error={failure} />
      <button type="submit" class="sos-go" disabled={busy || holdSend}>
        {busy ? t("sos.phone.sending") : t("sos.phone.send")}</button>
    </form>;
  }
  return <form class="sos-form" onSubmit={(e) => { e.preventDefault(); void check(); }} noValidate>
    {resent ? <p class="alert ok" role="status">{t("sos.code.resent")}</p> : null}
    <Field id="f-kode" label={t("sos.code")} problems={problems} required
      hint={t("sos.code.hint", { phone: phone.trim(), minutes })}>
      <input id="f-kode" name="kode" class="sos-code" inputMode="numeric" autoComplete="one-time-code"
        pattern="[0-9]{6}" maxLength={6} required value={code} aria-invalid={mine("kode") || undefined}
        aria-describedby={described("kode", true)}
        onInput={(e) => { setCode(e.currentTarget.value.replace(/\D/g, "").slice(0, 6)); setProblems([]); }} />
    </Field>
    <WaitNote id="f-kode" wait={wait} />
    <ErrorBox error={failure} />
    <p class="actions-row">
      <button type="submit" class="sos-go" disabled={busy || holdCheck}>
        {busy ? t("sos.code.checking") : t("sos.code.check")}</button>
      <button type="button" class="secondary" disabled={busy || holdSend} onClick={() => void ask(true)}>
        {t("sos.code.again")}</button>
      <button type="button" class="link" onClick={() => { setStep("phone"); setProblems([]); setFailure(undefined); }}>
        {t("sos.code.change")}</button>
    </p>
  </form>;
}
