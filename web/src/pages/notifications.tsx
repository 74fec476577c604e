// The citizen's notification feed: newest first, unread marked, read one or all.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import type { NotificationPage } from "../api/types";
import { formatTime, t } from "../i18n";
import { Empty, ErrorBox, Loading, useLoad } from "../ui";

export function NotificationsPage() {
  const [page, error, reload] = useLoad(() => call<NotificationPage>("GET",
    "/api/v1/me/notifications", { query: { limit: 50 } }), []);
  const [busy, setBusy] = useState(false);
  const readAll = async () => {
    setBusy(true);
    await call("POST", "/api/v1/me/notifications/read-all").catch(() => undefined);
    setBusy(false);
    reload();
  };
  return <section>
    <h1>{t("notifications.title")}</h1>
    <ErrorBox error={error} />
    {!page && !error ? <Loading /> : null}
    {page?.unread_count ? <p><button type="button" class="secondary" disabled={busy} onClick={readAll}>
      {t("notifications.readAll", { n: page.unread_count })}</button></p> : null}
    {page && !page.items.length ? <Empty title={t("notifications.empty")} hint={t("notifications.empty.hint")} /> : null}
    <ul class="cards">{(page?.items ?? []).map((n) => <li key={n.id}
      class={`card${n.read_at ? "" : " unread"}`}>
      <p><strong>{n.title}</strong>{n.read_at ? "" : <span class="badge badge-open">{t("notifications.new")}</span>}</p>
      <p>{n.body}</p>
      <p class="meta">{formatTime(n.created_at)} · <a href={`/lacak/${n.tracking_no}`}
        onClick={() => { if (!n.read_at) void call("POST", `/api/v1/me/notifications/${n.id}/read`).catch(() => undefined); }}>
        {n.tracking_no}</a></p>
    </li>)}</ul>
  </section>;
}
