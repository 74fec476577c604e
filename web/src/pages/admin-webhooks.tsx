// The agency admin's webhooks (/admin/webhook): the agency's subscriptions with their
// actions and deliveries, and a form to create one for an integration account; the new
// subscription's signing secret is shown once.
import { useState } from "preact/hooks";
import { ApiError, call } from "../api/client";
import type { Catalog, FieldProblem, Profile } from "../api/types";
import type { components } from "../api/schema";
import { eventLabel, t } from "../i18n";
import { without } from "../form";
import { Empty, ErrorBox, Field, Loading, problemsFor, problemText, useLoad } from "../ui";
import { AdminFrame, loadAgency } from "./admin-shared";
import { SecretOnce, SubscriptionCard, type Subscription } from "./admin-webhooks-card";

type S = components["schemas"];

/** The event types of the event contract (docs/events.md) a subscription may ask for. */
export const EVENT_TYPES = ["case.submitted", "case.step_completed", "case.returned", "case.resubmitted",
  "case.rejected", "case.completed", "case.archived", "case.expired", "case.withdrawn", "case.due_soon",
  "case.overdue", "case.escalated", "case.output_issued", "case.output_revoked"] as const;

/** The form field a refusal of the webhook API belongs to (its codes carry no `errors[]`). */
export function webhookField(code: string): string {
  if (code === "webhook-account-invalid") return "account_id";
  if (code.startsWith("webhook-url-")) return "url";
  if (code === "webhook-event-type-unknown") return "event_types";
  if (code.startsWith("webhook-sop-")) return "sop_keys";
  return "";
}

/** Every problem of a refusal at its field (`body.url` is `url`); a list otherwise empty. */
export function webhookProblems(err: unknown): FieldProblem[] {
  if (!(err instanceof ApiError)) return [];
  if (err.errors.length) {
    return err.errors.map((p) => ({ ...p, field: p.field.replace(/^body\./, "").replace(/\.\d+$/, "") }));
  }
  const field = webhookField(err.code);
  return field ? [{ field, problem: err.code, message: err.message }] : [];
}

const FIELDS = ["account_id", "url", "event_types", "sop_keys", "description"];

function Checks({ id, legend, options, chosen, setChosen, problems, required }: { id: string; legend: string;
  options: { value: string; label: string }[]; chosen: Set<string>; setChosen: (s: Set<string>) => void;
  problems: FieldProblem[]; required?: boolean }) {
  const mine = problemsFor(problems, id);
  return <fieldset id={`f-${id}`} class={mine.length ? "invalid" : undefined} tabIndex={-1}
    aria-describedby={mine.length ? `f-${id}-error` : undefined}>
    <legend>{legend}{required ? <><span aria-hidden="true"> *</span><span class="sr-only"> ({t("required")})</span></> : null}</legend>
    <div class="role-grid">{options.map((o) => <label class="choice" key={o.value}>
      <input type="checkbox" value={o.value} checked={chosen.has(o.value)} onChange={(e) => {
        const next = new Set(chosen);
        if (e.currentTarget.checked) next.add(o.value); else next.delete(o.value);
        setChosen(next);
      }} /><span>{o.label}</span></label>)}</div>
    {mine.map((p, i) => <p class="field-error" id={`f-${id}-error`} key={i}>{problemText(p)}</p>)}
  </fieldset>;
}

function CreateForm({ agency, accounts, onCreated }: { agency: string; accounts: Profile[];
  onCreated: (s: S["WebhookSubscriptionCreated"]) => void }) {
  const [catalog] = useLoad(() => call<Catalog>("GET", "/api/v1/catalog", { anonymous: true }), []);
  const [account, setAccount] = useState(accounts[0]?.id ?? "");
  const [url, setUrl] = useState("");
  const [types, setTypes] = useState<Set<string>>(new Set(["case.submitted"]));
  const [sops, setSops] = useState<Set<string>>(new Set());
  const [active, setActive] = useState(true);
  const [description, setDescription] = useState("");
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const mine = (catalog?.items ?? []).filter((e) => e.agency === agency);
  const focus = (found: FieldProblem[]) => requestAnimationFrame(() =>
    document.getElementById(`f-${found[0]?.field}`)?.focus());
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const local: FieldProblem[] = [];
    if (!account) local.push({ field: "account_id", problem: "required" });
    if (!url.trim()) local.push({ field: "url", problem: "required" });
    if (!types.size) local.push({ field: "event_types", problem: "event-types-empty" });
    setProblems(local);
    if (local.length) {
      focus(local);
      return;
    }
    setBusy(true);
    try {
      const created = await call<S["WebhookSubscriptionCreated"]>("POST", "/api/v1/webhooks/langganan", { json: {
        account_id: account, url: url.trim(), event_types: [...types].sort(), sop_keys: [...sops].sort(),
        active, description: description.trim() } });
      setUrl("");
      setDescription("");
      setSops(new Set());
      setProblems([]);
      onCreated(created);
    } catch (err) {
      const placed = webhookProblems(err);
      setProblems(placed);
      if (placed.length) focus(placed); else setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  const invalid = (f: string) => problemsFor(problems, f).length > 0 || undefined;
  const described = (f: string) => `f-${f}-hint${invalid(f) ? ` f-${f}-error` : ""}`;
  const stray = problems.filter((p) => !FIELDS.includes(p.field));
  return <form id="wh-create" class="panel" onSubmit={submit} noValidate>
    <h2>{t("wh.create")}</h2>
    {!accounts.length ? <p class="alert warn">{t("wh.account.none")}</p> : null}
    <Field id="f-account_id" label={t("wh.account")} hint={t("wh.account.hint")} problems={problems} required>
      <select id="f-account_id" value={account} required aria-invalid={invalid("account_id")}
        aria-describedby={described("account_id")}
        onChange={(e) => { setAccount(e.currentTarget.value); setProblems((p) => without(p, "account_id")); }}>
        {accounts.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.email})</option>)}
      </select>
    </Field>
    <Field id="f-url" label={t("wh.url")} hint={t("wh.url.hint")} problems={problems} required>
      <input id="f-url" type="url" inputMode="url" autoComplete="off" required maxLength={2000} value={url}
        aria-invalid={invalid("url")} aria-describedby={described("url")}
        onInput={(e) => { setUrl(e.currentTarget.value); setProblems((p) => without(p, "url")); }} />
    </Field>
    <Checks id="event_types" legend={t("wh.types")} required problems={problems} chosen={types}
      setChosen={(s) => { setTypes(s); setProblems((p) => without(p, "event_types")); }}
      options={EVENT_TYPES.map((e) => ({ value: e, label: `${eventLabel(e)} (${e})` }))} />
    <details class="more">
      <summary>{t("wh.sops")}: {sops.size ? t("wh.sops.chosen", { n: sops.size }) : t("wh.sops.all")}</summary>
      <p class="hint">{t("wh.sops.hint")}</p>
      <Checks id="sop_keys" legend={t("wh.sops")} problems={problems} chosen={sops}
        setChosen={(s) => { setSops(s); setProblems((p) => without(p, "sop_keys")); }}
        options={mine.map((e) => ({ value: e.key, label: e.display_title }))} />
    </details>
    {problemsFor(problems, "sop_keys").length ? <p class="field-error">{problemText(problemsFor(problems, "sop_keys")[0])}</p> : null}
    <label class="choice"><input type="checkbox" checked={active}
      onChange={(e) => setActive(e.currentTarget.checked)} />{t("wh.active")}</label>
    <Field id="f-description" label={t("wh.description")} problems={problems}>
      <input id="f-description" maxLength={200} value={description} aria-invalid={invalid("description")}
        onInput={(e) => setDescription(e.currentTarget.value)} />
    </Field>
    {stray.length ? <div class="alert error" role="alert"><p class="problems-title">{t("wh.problems")}</p>
      <ul>{stray.map((p, i) => <li key={i}>{p.field ? `${p.field}: ` : ""}{problemText(p)}</li>)}</ul></div> : null}
    <ErrorBox error={failure} />
    <button type="submit" disabled={busy || !accounts.length}>{busy ? t("wh.creating") : t("wh.submit")}</button>
  </form>;
}

function Webhooks({ agency }: { agency: string }) {
  const [data, error] = useLoad(async () => {
    const [subs, people, info] = await Promise.all([
      call<S["WebhookSubscriptionList"]>("GET", "/api/v1/webhooks/langganan"),
      call<Profile[]>("GET", `/api/v1/agencies/${encodeURIComponent(agency)}/officers`),
      loadAgency(agency)]);
    return { subs: subs.items.filter((s) => s.agency === agency), people, name: info.name };
  }, [agency]);
  const [subs, setSubs] = useState<Subscription[] | null>(null);
  const [secret, setSecret] = useState<string>();
  const [notice, setNotice] = useState<string>();
  if (error) return <section><h1>{t("wh.title")}</h1><ErrorBox error={error} /></section>;
  if (!data) return <section><h1>{t("wh.title")}</h1><Loading /></section>;
  const list = subs ?? data.subs;
  const accounts = data.people.filter((p) => p.kind === "system" && p.status === "active");
  const nameOf = (id: string) => data.people.find((p) => p.id === id)?.name ?? id;
  return <section>
    <h1>{t("wh.title")}</h1>
    <p class="lead">{t("wh.lead", { agency: data.name })}</p>
    {secret ? <SecretOnce id="wh-secret" secret={secret} note={t("wh.secret.once")} onDone={() => setSecret(undefined)} /> : null}
    {notice ? <p class="alert ok" role="status">{notice}</p> : null}
    <h2>{t("wh.list", { n: list.length })}</h2>
    {!list.length ? <Empty title={t("wh.empty")} hint={t("wh.emptyHint")} /> : null}
    <ul class="cards wh-list">{list.map((s) => <SubscriptionCard key={s.id} sub={s} accountName={nameOf(s.account_id)}
      onChanged={(next) => setSubs(list.map((x) => (x.id === next.id ? next : x)))}
      onDeleted={(id) => { setSubs(list.filter((x) => x.id !== id)); setNotice(t("wh.deleted")); }} />)}</ul>
    <CreateForm agency={agency} accounts={accounts} onCreated={(created) => {
      const { secret: shown, ...sub } = created;
      setSubs([sub, ...list]);
      setSecret(shown);
      setNotice(undefined);
      window.scrollTo(0, 0);
    }} />
  </section>;
}

export function AdminWebhooksPage({ path }: { path: string }) {
  return <AdminFrame path={path}>{(agency) => <Webhooks agency={agency} />}</AdminFrame>;
}
