// One webhook subscription's deliveries, newest first, with a status filter; each delivery
// with its attempts (time, HTTP status, duration, outcome, error) and a replay. While a
// delivery is pending the list is read again every 5 s, so a ping's attempt shows up.
import { useEffect, useState } from "preact/hooks";
import { call } from "../api/client";
import type { components } from "../api/schema";
import { eventLabel, formatTime, t } from "../i18n";
import { Empty, ErrorBox, Loading } from "../ui";

type S = components["schemas"];
export type Delivery = S["WebhookDelivery"];
type Page = S["WebhookDeliveryPage"];
const STATUSES = ["pending", "delivered", "dead"] as const;
const PAGE = 20;
const OUTCOMES = ["delivered", "retry", "dead"] as const;
const BADGE = { pending: "badge-open", delivered: "badge-completed", dead: "badge-rejected" } as const;

function Attempts({ delivery }: { delivery: Delivery }) {
  if (!delivery.history.length) return <p class="meta">{t("wh.attempts.none")}</p>;
  return <table class="report wh-attempts">
    <caption>{t("wh.attempts")}</caption>
    <thead><tr><th scope="col">{t("wh.attempt.at")}</th><th scope="col">{t("wh.attempt.status")}</th>
      <th scope="col">{t("wh.attempt.duration")}</th><th scope="col">{t("wh.attempt.outcome")}</th>
      <th scope="col">{t("wh.attempt.error")}</th></tr></thead>
    <tbody>{delivery.history.map((a, i) => <tr key={i}>
      <th scope="row">{formatTime(a.at)}</th>
      <td data-label={t("wh.attempt.status")}>{a.status_code ?? t("wh.attempt.noAnswer")}</td>
      <td data-label={t("wh.attempt.duration")}>{t("wh.attempt.ms", { ms: a.duration_ms })}</td>
      <td data-label={t("wh.attempt.outcome")}>{OUTCOMES.includes(a.outcome as never)
        ? t(`wh.outcome.${a.outcome as (typeof OUTCOMES)[number]}`) : a.outcome}</td>
      <td data-label={t("wh.attempt.error")}><span class="mono">{a.error ?? "–"}</span></td>
    </tr>)}</tbody>
  </table>;
}

function DeliveryCard({ delivery, onReplayed }: { delivery: Delivery; onReplayed: () => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState(false);
  const replay = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      await call("POST", `/api/v1/webhooks/pengiriman/${encodeURIComponent(delivery.id)}/ulang`);
      setDone(true);
      onReplayed();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return <li class="card wh-delivery">
    <h4>{delivery.event_type === "webhook.ping" ? "webhook.ping" : eventLabel(delivery.event_type)}
      <span class={`badge ${BADGE[delivery.status]}`}>{t(`wh.delivery.${delivery.status}`)}</span></h4>
    <p class="meta"><span class="mono">{delivery.event_type}</span> · {t("wh.delivery.meta", {
      at: formatTime(delivery.created_at), n: delivery.attempts })}</p>
    {delivery.status === "pending" && delivery.next_attempt_at ? <p class="meta">
      {t("wh.delivery.next", { at: formatTime(delivery.next_attempt_at) })}</p> : null}
    <Attempts delivery={delivery} />
    {done ? <p class="alert ok" role="status">{t("wh.delivery.replayed")}</p> : null}
    <ErrorBox error={failure} />
    {delivery.status !== "pending" ? <button type="button" class="secondary" disabled={busy} onClick={replay}>
      {busy ? t("wh.busy") : t("wh.delivery.replay")}</button> : null}
  </li>;
}

export function Deliveries({ id, url, poke }: { id: string; url: string; poke: number }) {
  const [status, setStatus] = useState<string>("");
  const [limit, setLimit] = useState(PAGE);
  const [page, setPage] = useState<Page>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    call<Page>("GET", `/api/v1/webhooks/langganan/${encodeURIComponent(id)}/pengiriman`,
      { query: { status, limit } }).then((p) => {
      if (!live) return;
      setPage(p);
      setError(undefined);
      if (p.items.some((d) => d.status === "pending")) {
        timer = window.setTimeout(() => setTick((n) => n + 1), 5000);
      }
    }, (err: unknown) => { if (live) setError(err); });
    return () => { live = false; window.clearTimeout(timer); };
  }, [id, status, limit, tick, poke]);
  const heading = `wh-del-${id}`;
  return <section class="wh-deliveries" aria-labelledby={heading}>
    <h3 id={heading}>{t("wh.deliveries.of", { url })}</h3>
    <div class="filter-actions">
      <div class="field"><label for={`wh-status-${id}`}>{t("wh.deliveries.status")}</label>
        <select id={`wh-status-${id}`} value={status}
          onChange={(e) => { setStatus(e.currentTarget.value); setLimit(PAGE); }}>
          <option value="">{t("wh.deliveries.all")}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`wh.delivery.${s}`)}</option>)}
        </select></div>
      <div class="field"><button type="button" class="secondary" onClick={() => setTick((n) => n + 1)}>
        {t("wh.deliveries.reload")}</button></div>
    </div>
    <ErrorBox error={error} />
    {!page && !error ? <Loading /> : null}
    {page ? <>
      <p class="meta" role="status">{t("wh.deliveries.count", { n: page.total })}</p>
      {!page.items.length ? <Empty title={t("wh.deliveries.empty")} hint={t("wh.deliveries.emptyHint")} /> : null}
      <ul class="cards wh-delivery-list">{page.items.map((d) =>
        <DeliveryCard key={`${d.id}-${d.attempts}-${d.status}`} delivery={d} onReplayed={() => setTick((n) => n + 1)} />)}</ul>
      {page.total > page.items.length && limit < 100 ? <p><button type="button" class="secondary"
        onClick={() => setLimit((n) => Math.min(100, n + PAGE))}>{t("wh.more")}</button></p> : null}
    </> : null}
  </section>;
}
