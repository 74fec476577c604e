// One timeline per tracking number, across agencies: where the case stands, what a return
// asks for (reason, documents, deadline) with the form to complete it, and the outputs with
// their download and verification links.
import { useState } from "preact/hooks";
import { ApiError, apiPath, call, download } from "../api/client";
import type { Case, Tracking } from "../api/types";
import { eventLabel, formatTime, humanize, t } from "../i18n";
import { ErrorBox, Loading, StatusBadge, useLoad } from "../ui";
import { Resubmit } from "./resubmit";

/** The tracking read model follows the services' events: a case just opened may take a
 * moment to appear, so a 404 is asked again a few times before it is shown. */
async function tracking(no: string): Promise<Tracking> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call<Tracking>("GET", `/api/v1/tracking/${encodeURIComponent(no)}`);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404) || attempt >= 8) throw err;
      await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
    }
  }
}

export function TrackingPage({ no, fresh }: { no: string; fresh: boolean }) {
  const [data, error, reload] = useLoad(async () => {
    const track = await tracking(no);
    const detail = await call<Case>("GET", apiPath(track.case_url)).catch(() => undefined);
    return { track, detail };
  }, [no]);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const { track, detail } = data;
  const resubmit = detail?.actions.find((a) => a.kind === "resubmit");
  const get = async (path: string, name: string) => {
    setBusy(name);
    setFailure(undefined);
    try {
      await download(apiPath(path), name);
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(null);
    }
  };
  return <section>
    <p class="crumbs"><a href="/kasus">{t("nav.cases")}</a></p>
    {fresh ? <p class="alert ok" role="status">{t("tracking.submitted")}</p> : null}
    <h1>{track.title}</h1>
    <p class="meta"><span class="mono">{track.tracking_no}</span> · <StatusBadge status={track.status} late={track.overdue} /></p>
    {track.current_step ? <p>{t("tracking.now", { holder: humanize(track.current_step.holder) })}
      {track.current_step.due_at ? ` · ${t("tracking.due", { at: formatTime(track.current_step.due_at) })}` : ""}</p> : null}
    {track.reason && !resubmit ? <p class="alert warn">{t("tracking.reason")}: {track.reason}</p> : null}
    {resubmit && detail ? <Resubmit detail={detail} action={resubmit} onDone={reload} /> : null}
    {track.outputs?.length ? <><h2>{t("tracking.outputs")}</h2>
      <ul class="cards">{track.outputs.map((o) => <li class="card" key={o.id}>
        <p><strong>{o.title}</strong> · {o.number}{o.revoked ? ` · ${t("tracking.revoked")}` : ""}</p>
        <p class="actions-row">
          <button type="button" disabled={busy !== null}
            onClick={() => get(o.download_url, `${o.number.replace(/[^\w.-]+/g, "_")}.pdf`)}>
            {busy ? t("tracking.downloading") : t("tracking.download")}</button>
          <a class="button secondary" href={o.verify_url} target="_blank" rel="noopener">{t("tracking.verify")}</a>
        </p></li>)}</ul></> : null}
    {detail?.documents.length ? <><h2>{t("tracking.documents")}</h2><ul>
      {detail.documents.map((d) => {
        const doc = d as { id: string; key: string; filename?: string; name?: string };
        const name = doc.filename ?? doc.name ?? doc.key;
        return <li key={doc.id}><button type="button" class="link" disabled={busy !== null}
          onClick={() => get(`/api/v1/${track.service}/cases/${track.case_id}/documents/${doc.id}`, name)}>
          {name}</button></li>;
      })}</ul></> : null}
    <ErrorBox error={failure} />
    {["completed", "rejected"].includes(track.status) ? <p><a class="button" href={`/survei/${track.tracking_no}`}>
      {t("tracking.survey")}</a></p> : null}
    <h2>{t("tracking.timeline")}</h2>
    <ol class="timeline">{[...track.timeline].reverse().map((e) => {
      const d = (e.details ?? {}) as { reason?: string; deadline?: string;
        requested?: { documents?: string[]; fields?: string[] }; output?: { number?: string } };
      return <li key={e.seq}>
        <p><strong>{eventLabel(e.type)}</strong>
          {e.step ? ` · ${humanize(e.step)}` : ""}</p>
        <p class="meta">{formatTime(e.at)} · {humanize(e.actor_role)}{e.actor_agency ? ` (${e.actor_agency})` : ""}</p>
        {d.reason ? <p>{t("tracking.reason")}: {d.reason}</p> : null}
        {d.requested?.documents?.length || d.requested?.fields?.length ? <p>{t("tracking.requested")}:{" "}
          {[...(d.requested.documents ?? []), ...(d.requested.fields ?? [])].map(humanize).join(", ")}</p> : null}
        {d.deadline ? <p>{t("tracking.deadline", { at: formatTime(d.deadline) })}</p> : null}
        {d.output?.number ? <p>{t("tracking.output", { number: d.output.number })}</p> : null}
      </li>;
    })}</ol>
  </section>;
}
