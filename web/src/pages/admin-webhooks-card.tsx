// One webhook subscription of the agency: its URL, event types, SOPs and state, with pause /
// resume, a test ping, a secret rotation (the new secret shown once), delete, and its
// deliveries.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import type { components } from "../api/schema";
import { eventLabel, formatTime, t } from "../i18n";
import { ErrorBox } from "../ui";
import { Deliveries } from "./admin-webhooks-deliveries";

type S = components["schemas"];
export type Subscription = S["WebhookSubscription"];

/** A secret shown this once, with a copy button and the warning. */
export function SecretOnce({ id, secret, note, onDone }: { id: string; secret: string; note: string;
  onDone: () => void }) {
  const [copied, setCopied] = useState<"ok" | "failed">();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("ok");
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied("failed");
    }
  };
  return <div class="alert warn wh-secret" role="alert">
    <p><strong>{t("wh.secret.title")}</strong></p>
    <p>{note}</p>
    <label for={id}>{t("wh.secret.label")}</label>
    <input id={id} class="mono" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
    <p class="actions-row">
      <button type="button" onClick={copy}>{t("wh.secret.copy")}</button>
      <button type="button" class="secondary" onClick={onDone}>{t("wh.secret.done")}</button>
    </p>
    {copied ? <p role="status">{copied === "ok" ? t("wh.secret.copied") : t("wh.secret.copyFailed")}</p> : null}
  </div>;
}

function stateOf(s: Subscription): { key: "wh.state.paused" | "wh.state.active" | "wh.state.inactive";
  badge: string } {
  if (s.paused) return { key: "wh.state.paused", badge: "badge-rejected" };
  return s.active ? { key: "wh.state.active", badge: "badge-completed" } : { key: "wh.state.inactive", badge: "badge-returned" };
}

export function SubscriptionCard({ sub, accountName, onChanged, onDeleted }: { sub: Subscription;
  accountName: string; onChanged: (s: Subscription) => void; onDeleted: (id: string) => void }) {
  const [busy, setBusy] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [secret, setSecret] = useState<{ value: string; until: string }>();
  const [open, setOpen] = useState(false);
  const [poke, setPoke] = useState(0);
  const base = `/api/v1/webhooks/langganan/${encodeURIComponent(sub.id)}`;
  const run = async (what: string, work: () => Promise<void>) => {
    setBusy(what);
    setFailure(undefined);
    setDone(undefined);
    try {
      await work();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(undefined);
    }
  };
  const toggle = () => run("active", async () => {
    onChanged(await call<Subscription>("PATCH", base, { json: { active: !(sub.active && !sub.paused) } }));
    setDone(t("wh.saved"));
  });
  const ping = () => run("ping", async () => {
    await call("POST", `${base}/uji`);
    setDone(t("wh.pinged"));
    setOpen(true);
    setPoke((n) => n + 1);
  });
  const rotate = () => {
    if (!confirm(t("wh.rotateConfirm", { url: sub.url }))) return;
    void run("rotate", async () => {
      const rotated = await call<S["WebhookSecretRotated"]>("POST", `${base}/rahasia`);
      setSecret({ value: rotated.secret, until: rotated.previous_secret_until });
      onChanged({ ...sub, previous_secret_until: rotated.previous_secret_until });
    });
  };
  const remove = () => {
    if (!confirm(t("wh.deleteConfirm", { url: sub.url }))) return;
    void run("delete", async () => {
      await call("DELETE", base);
      onDeleted(sub.id);
    });
  };
  const state = stateOf(sub);
  const running = sub.active && !sub.paused;
  return <li class="card wh-sub">
    <h3 class="mono">{sub.url}</h3>
    <p><span class={`badge ${state.badge}`}>{t(state.key)}</span></p>
    {sub.description ? <p>{sub.description}</p> : null}
    <p class="meta">{t("wh.account")}: {accountName}</p>
    <p class="meta">{t("wh.types")}: {sub.event_types.map(eventLabel).join(", ")}</p>
    <p class="meta">{t("wh.sops")}: {sub.sop_keys.length ? <span class="mono">{sub.sop_keys.join(", ")}</span>
      : t("wh.sops.all")}</p>
    <p class="meta">{t("wh.created", { at: formatTime(sub.created_at) })}</p>
    {sub.paused && sub.paused_at ? <p class="alert warn">{t("wh.paused", { at: formatTime(sub.paused_at),
      since: formatTime(sub.failing_since) })}</p>
      : sub.failing_since ? <p class="alert warn">{t("wh.failing", { since: formatTime(sub.failing_since) })}</p> : null}
    {sub.previous_secret_until && Date.parse(sub.previous_secret_until) > Date.now() && !secret
      ? <p class="meta">{t("wh.previous", { at: formatTime(sub.previous_secret_until) })}</p> : null}
    {secret ? <SecretOnce id={`wh-secret-${sub.id}`} secret={secret.value} note={`${t("wh.secret.once")} ${t("wh.secret.rotated",
      { at: formatTime(secret.until) })}`} onDone={() => setSecret(undefined)} /> : null}
    {done ? <p class="alert ok" role="status">{done}</p> : null}
    <ErrorBox error={failure} />
    <div class="actions-row">
      <button type="button" class="secondary" disabled={busy !== undefined} onClick={toggle}>
        {busy === "active" ? t("wh.busy") : running ? t("wh.pause") : t("wh.resume")}</button>
      <button type="button" class="secondary" disabled={busy !== undefined} onClick={ping}>
        {busy === "ping" ? t("wh.busy") : t("wh.ping")}</button>
      <button type="button" class="secondary" disabled={busy !== undefined} onClick={rotate}>
        {busy === "rotate" ? t("wh.busy") : t("wh.rotate")}</button>
      <button type="button" class="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? t("wh.deliveries.hide") : t("wh.deliveries")}</button>
      <button type="button" class="warn" disabled={busy !== undefined} onClick={remove}>
        {busy === "delete" ? t("wh.busy") : t("wh.delete")}</button>
    </div>
    {open ? <Deliveries id={sub.id} url={sub.url} poke={poke} /> : null}
  </li>;
}
