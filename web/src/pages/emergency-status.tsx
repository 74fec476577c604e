// The live status of an emergency report (/darurat/<tracking no>): the post it was sent to
// (name, distance, its phone), the status and step, the received / dispatched / departed /
// arrived times, asked again every 12 s while the report is open (paused while the tab is
// hidden, stopped once closed). Without the reporter's token or an account that may read it,
// the number is confirmed again (the same number is the same reporter).
import { useEffect, useRef, useState } from "preact/hooks";
import { formatTime, lang, t } from "../i18n";
import { ErrorBox, Loading, StatusBadge } from "../ui";
import { EmergencyError, loadStatus, type ReportStatus } from "./emergency-api";
import { formatDistance, formatMinutes, nextRefresh, REFRESH_S } from "./emergency-logic";
import { Call112 } from "./emergency";
import { Verify } from "./emergency-verify";

function clock(at: Date): string {
  return new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "id-ID", {
    timeStyle: "medium", timeZone: "Asia/Jakarta" }).format(at) + " WIB";
}

function Times({ s }: { s: ReportStatus }) {
  const rows = [["sos.status.received", s.received_at], ["sos.status.dispatched", s.dispatched_at],
    ["sos.status.departed", s.departed_at], ["sos.status.arrived", s.arrived_at]] as const;
  return <dl class="facts sos-times">{rows.map(([key, at]) => <div key={key} class={at ? "done" : "todo"}>
    <dt>{t(key)}</dt><dd>{at ? formatTime(at) : t("sos.status.notYet")}</dd></div>)}</dl>;
}

function Status({ s }: { s: ReportStatus }) {
  const phone = s.pos.phone;
  return <>
    <div class="panel sos-post">
      <h2>{t("sos.status.post")}</h2>
      <p class="sos-post-name">{s.pos.name}</p>
      <p class="meta">{t("sos.status.distance", { km: formatDistance(s.pos.distance_km) })}</p>
      {phone ? <p><a class="button sos-call-post" href={`tel:${phone.replace(/[^\d+]/g, "")}`}>
        {t("sos.status.callPost", { phone })}</a></p> : null}
    </div>
    <h2>{t("sos.status.now")}</h2>
    <div role="status" aria-live="polite" aria-atomic="true">
      <p><StatusBadge status={s.status} />{" "}
        {s.status === "open" && s.step_label ? t("sos.status.step", { step: s.step_label }) : null}
        {s.status === "open" && s.step_due_at ? ` · ${t("sos.status.due", { at: formatTime(s.step_due_at) })}` : null}</p>
      {s.arrived_at && s.response_min !== null ? <p class="alert ok">
        {t("sos.status.arrivedIn", { min: formatMinutes(s.response_min), standard: s.standard_min })}</p> : null}
      {s.status !== "open" ? <p class="alert ok">{t("sos.status.closed")}</p> : null}
    </div>
    <h2>{t("sos.status.times")}</h2>
    <Times s={s} />
  </>;
}

export function EmergencyStatusPage({ no, fresh }: { no: string; fresh: boolean }) {
  const [data, setData] = useState<ReportStatus>();
  const [error, setError] = useState<unknown>();
  const [locked, setLocked] = useState(false);
  const [offline, setOffline] = useState(false);
  const [at, setAt] = useState<Date>();
  const [tick, setTick] = useState(0);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const schedule = (status: string) => {
      const delay = nextRefresh(status);
      if (delay !== null) timer.current = window.setTimeout(() => { if (live) setTick((n) => n + 1); }, delay);
    };
    if (document.visibilityState === "hidden") {
      const wake = () => { if (document.visibilityState === "visible") setTick((n) => n + 1); };
      document.addEventListener("visibilitychange", wake, { once: true });
      return () => { live = false; document.removeEventListener("visibilitychange", wake); };
    }
    loadStatus(no).then((s) => {
      if (!live) return;
      setData(s);
      setError(undefined);
      setLocked(false);
      setOffline(false);
      setAt(new Date());
      schedule(s.status);
    }, (err: unknown) => {
      if (!live) return;
      if (err instanceof EmergencyError && [401, 404].includes(err.status)) {
        setLocked(true);
        setError(err.status === 404 ? err : undefined);
      } else if (err instanceof EmergencyError && err.status === 0 && data) {
        setOffline(true);
        schedule("open");
      } else {
        setError(err);
        schedule(data?.status ?? "open");
      }
    });
    return () => { live = false; window.clearTimeout(timer.current); };
  }, [no, tick]);
  return <section class="sos narrow">
    <Call112 />
    <h1>{t("sos.status.title", { no })}</h1>
    {fresh && data ? <p class="alert ok" role="status">{t("sos.status.sent", { post: data.pos.name })}</p> : null}
    {locked ? <>
      <ErrorBox error={error} />
      <p>{t("sos.status.locked")}</p>
      <Verify onDone={() => setTick((n) => n + 1)} />
    </> : null}
    {!locked && !data && !error ? <Loading /> : null}
    {!locked && error ? <ErrorBox error={error} /> : null}
    {data && !locked ? <>
      <Status s={data} />
      {offline ? <p class="alert warn" role="status">{t("sos.status.offline")}</p> : null}
      {at && data.status === "open" ? <p class="meta">{t("sos.status.refreshed", { at: clock(at), s: REFRESH_S })}</p> : null}
      <p class="actions-row">
        {data.status === "open" ? <button type="button" class="secondary"
          onClick={() => { window.clearTimeout(timer.current); setTick((n) => n + 1); }}>
          {t("sos.status.refresh")}</button> : null}
        <a class="button secondary" href="/darurat">{t("sos.status.new")}</a>
      </p>
    </> : null}
  </section>;
}
