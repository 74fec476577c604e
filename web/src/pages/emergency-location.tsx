// The device's location for an emergency report: navigator.geolocation with high accuracy,
// the accuracy in metres, a retry, what to do when it is refused or unavailable, and the
// coordinates typed from a map app as the way left without a fix.
import { useEffect, useState } from "preact/hooks";
import type { FieldProblem } from "../api/types";
import { t } from "../i18n";
import { problemText } from "../ui";
import { accuracyMetres, COARSE_M, parseCoordinates, type Point } from "./emergency-logic";

export type FixState = "idle" | "finding" | "found" | "denied" | "unavailable" | "timeout" | "unsupported";

/** Ask the device for its position (again on `retry`); the point, or why there is none. */
export function useDeviceLocation(): [FixState, Point | null, () => void, (p: Point) => void] {
  const [state, setState] = useState<FixState>("idle");
  const [point, setPoint] = useState<Point | null>(null);
  const find = () => {
    if (!("geolocation" in navigator)) {
      setState("unsupported");
      return;
    }
    setState("finding");
    navigator.geolocation.getCurrentPosition((pos) => {
      setPoint({ lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy });
      setState("found");
    }, (err) => {
      setState(err.code === err.PERMISSION_DENIED ? "denied" : err.code === err.TIMEOUT ? "timeout"
        : "unavailable");
    }, { enableHighAccuracy: true, timeout: 30_000, maximumAge: 0 });
  };
  useEffect(find, []);
  return [state, point, find, (p) => { setPoint(p); setState("found"); }];
}

const REASONS: Record<string, "sos.location.denied" | "sos.location.unavailable" | "sos.location.timeout"
  | "sos.location.unsupported"> = { denied: "sos.location.denied", unavailable: "sos.location.unavailable",
  timeout: "sos.location.timeout", unsupported: "sos.location.unsupported" };

function coordinate(n: number): string {
  return n.toFixed(5);
}

export function LocationField({ state, point, retry, setManual, problems }: {
  state: FixState; point: Point | null; retry: () => void; setManual: (p: Point) => void;
  problems: FieldProblem[];
}) {
  const [typed, setTyped] = useState("");
  const [bad, setBad] = useState(false);
  const mine = problems.filter((p) => p.field === "lokasi");
  const reason = REASONS[state];
  const use = () => {
    const found = parseCoordinates(typed);
    setBad(!found);
    if (found) setManual(found);
  };
  return <fieldset id="f-lokasi" class={`sos-location${mine.length ? " invalid" : ""}`} tabIndex={-1}
    aria-describedby={mine.length ? "f-lokasi-error" : undefined}>
    <legend>{t("sos.location")}<span aria-hidden="true"> *</span><span class="sr-only"> ({t("required")})</span></legend>
    <div role="status" aria-live="polite">
      {state === "finding" ? <p class="loading"><span class="spinner" aria-hidden="true" />{t("sos.location.finding")}</p> : null}
      {point && state === "found" ? <>
        <p class="sos-fix">{point.accuracy !== undefined
          ? t("sos.location.found", { accuracy: accuracyMetres(point.accuracy) })
          : t("sos.location.point", { lat: coordinate(point.lat), lon: coordinate(point.lon) })}</p>
        {point.accuracy !== undefined ? <p class="meta">
          {t("sos.location.point", { lat: coordinate(point.lat), lon: coordinate(point.lon) })}</p> : null}
        {point.accuracy !== undefined && point.accuracy > COARSE_M
          ? <p class="alert warn">{t("sos.location.coarse", { accuracy: accuracyMetres(point.accuracy) })}</p> : null}
      </> : null}
      {reason ? <div class="alert warn"><p>{t(reason)}</p><p>{t("sos.location.needed")}</p></div> : null}
    </div>
    {mine.map((p, i) => <p class="field-error" id="f-lokasi-error" key={i}>{problemText(p)}</p>)}
    {state !== "unsupported" ? <p><button type="button" class="secondary" disabled={state === "finding"}
      onClick={retry}>{state === "idle" ? t("sos.location.use") : t("sos.location.retry")}</button></p> : null}
    <details class="more" open={state !== "finding" && state !== "found" && state !== "idle"}>
      <summary>{t("sos.location.manual")}</summary>
      <div class={`field${bad ? " invalid" : ""}`}>
        <label for="f-koordinat">{t("sos.location.manual.label")}</label>
        <p class="hint" id="f-koordinat-hint">{t("sos.location.manual.hint")}</p>
        <input id="f-koordinat" inputMode="decimal" autoComplete="off" value={typed}
          aria-invalid={bad || undefined}
          aria-describedby={`f-koordinat-hint${bad ? " f-koordinat-error" : ""}`}
          onInput={(e) => { setTyped(e.currentTarget.value); setBad(false); }}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); use(); } }} />
        {bad ? <p class="field-error" id="f-koordinat-error">{t("sos.location.manual.bad")}</p> : null}
      </div>
      <button type="button" class="secondary" onClick={use}>{t("sos.location.manual.set")}</button>
    </details>
  </fieldset>;
}
