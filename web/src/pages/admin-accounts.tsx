// The agency admin's accounts page: the agency's officers with their roles and status, a form
// to create one with roles of the agency, changing an officer's roles, disabling/enabling.
import { useState } from "preact/hooks";
import { ApiError, auth, call } from "../api/client";
import type { Agency, AgencyRole, FieldProblem, Profile } from "../api/types";
import { formatTime, t } from "../i18n";
import { without } from "../form";
import { Empty, ErrorBox, Field, Loading, problemsFor, problemText, useLoad } from "../ui";
import { AdminFrame, loadAgency, roleLabel } from "./admin-shared";

const FIELDS = ["name", "email", "phone", "password"] as const;

function RoleChoices({ idPrefix, roles, chosen, setChosen, problems, legend }: {
  idPrefix: string; roles: AgencyRole[]; chosen: Set<string>; setChosen: (s: Set<string>) => void;
  problems: FieldProblem[]; legend: string;
}) {
  const mine = problemsFor(problems, "roles");
  return <fieldset class={mine.length ? "invalid" : undefined}
    aria-describedby={mine.length ? `${idPrefix}-roles-error` : undefined}>
    <legend>{legend}<span aria-hidden="true"> *</span><span class="sr-only"> ({t("required")})</span></legend>
    <div class="role-grid">{roles.map((r) => <label class="choice" key={r.key}>
      <input type="checkbox" name={`${idPrefix}-role`} value={r.key} checked={chosen.has(r.key)}
        onChange={(e) => {
          const next = new Set(chosen);
          if (e.currentTarget.checked) next.add(r.key); else next.delete(r.key);
          setChosen(next);
        }} />{r.label}</label>)}</div>
    {mine.map((p, i) => <p class="field-error" id={`${idPrefix}-roles-error`} key={i}>{problemText(p)}</p>)}
  </fieldset>;
}

function CreateOfficer({ agency, info, onCreated }: { agency: string; info: Agency;
  onCreated: (p: Profile) => void }) {
  const [form, setForm] = useState<Record<string, string>>({});
  const [roles, setRoles] = useState<Set<string>>(new Set());
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const assignable = info.roles.filter((r) => r.assignable);
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const local: FieldProblem[] = [];
    if (!roles.size) local.push({ field: "roles", problem: "roles-empty", message: t("admin.accounts.pickRole") });
    for (const name of ["name", "email", "password"]) {
      if (!form[name]?.trim()) local.push({ field: name, problem: "required" });
    }
    setProblems(local);
    if (local.length) {
      (document.querySelector<HTMLElement>("#create-officer [aria-invalid=true], #create-officer fieldset.invalid input"))?.focus();
      return;
    }
    setBusy(true);
    try {
      const body = { ...form, phone: form.phone?.trim() || undefined,
        roles: [...roles].sort().map((r) => `${agency}:${r}`) };
      const created = await call<Profile>("POST", `/api/v1/agencies/${agency}/officers`, { json: body });
      setForm({});
      setRoles(new Set());
      setProblems([]);
      onCreated(created);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) setProblems(err.errors);
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  const types: Record<string, "email" | "tel" | "password"> = { email: "email", phone: "tel", password: "password" };
  const complete: Record<string, string> = { name: "off", email: "off", phone: "off", password: "new-password" };
  return <form id="create-officer" class="panel" onSubmit={submit} noValidate>
    <h2>{t("admin.accounts.create")}</h2>
    {FIELDS.map((name) => {
      const invalid = problemsFor(problems, name).length > 0;
      const hint = name === "password" ? t("admin.accounts.passwordHint")
        : name === "phone" ? t("admin.accounts.phoneHint") : undefined;
      const described = [hint ? `o-${name}-hint` : "", invalid ? `o-${name}-error` : ""].filter(Boolean).join(" ");
      return <Field key={name} id={`o-${name}`} label={t(`admin.accounts.${name}`)} problems={problems}
        hint={hint} required={name !== "phone"}>
        <input id={`o-${name}`} name={name} type={(types[name] ?? "text") as "text"} required={name !== "phone"}
          autoComplete={complete[name]} aria-invalid={invalid || undefined}
          aria-describedby={described || undefined} value={form[name] ?? ""}
          onInput={(e) => { setForm({ ...form, [name]: e.currentTarget.value }); setProblems((p) => without(p, name)); }} />
      </Field>;
    })}
    <RoleChoices idPrefix="o" roles={assignable} chosen={roles} problems={problems}
      legend={t("admin.accounts.roles")} setChosen={(s) => { setRoles(s); setProblems((p) => without(p, "roles")); }} />
    {problems.filter((p) => ![...FIELDS, "roles"].includes(p.field as never)).map((p, i) =>
      <p class="field-error" key={i}>{p.field}: {problemText(p)}</p>)}
    <ErrorBox error={failure} />
    <button type="submit" disabled={busy}>{busy ? t("admin.accounts.creating") : t("admin.accounts.createSubmit")}</button>
  </form>;
}

function OfficerCard({ agency, info, officer, me, onChanged }: { agency: string; info: Agency;
  officer: Profile; me: string | undefined; onChanged: (p: Profile) => void }) {
  const [editing, setEditing] = useState(false);
  const bare = (r: string) => r.slice(r.indexOf(":") + 1);
  const [roles, setRoles] = useState<Set<string>>(new Set(officer.roles.map(bare)));
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const isAdmin = officer.roles.includes(`${agency}:admin`);
  const manageable = !isAdmin && officer.id !== me;
  const base = `/api/v1/agencies/${agency}/officers/${officer.id}`;
  const run = async (what: string, work: () => Promise<Profile>, message: string) => {
    setBusy(what);
    setFailure(undefined);
    setDone(undefined);
    try {
      const next = await work();
      onChanged(next);
      setDone(message);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) setProblems(err.errors);
      else setFailure(err);
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  const saveRoles = async (e: Event) => {
    e.preventDefault();
    if (!roles.size) {
      setProblems([{ field: "roles", problem: "roles-empty", message: t("admin.accounts.pickRole") }]);
      return;
    }
    const ok = await run("roles", () => call<Profile>("PUT", `${base}/roles`,
      { json: { roles: [...roles].sort().map((r) => `${agency}:${r}`) } }), t("admin.accounts.rolesSaved"));
    if (ok) setEditing(false);
  };
  const disabled = officer.status !== "active";
  return <li class={`card${disabled ? " muted" : ""}`}>
    <h3>{officer.name}</h3>
    <p class="meta">{officer.email}{officer.phone ? ` · ${officer.phone}` : ""}</p>
    <p class="meta">{t("admin.accounts.since", { at: formatTime(officer.created_at) })}</p>
    <p><span class={`badge ${disabled ? "badge-rejected" : "badge-completed"}`}>
      {disabled ? t("admin.accounts.disabled") : t("admin.accounts.active")}</span></p>
    <ul class="role-list" aria-label={t("admin.accounts.roles")}>
      {officer.roles.map((r) => <li key={r}>{roleLabel(info, r)}</li>)}</ul>
    {done ? <p class="alert ok" role="status">{done}</p> : null}
    <ErrorBox error={failure} />
    {manageable && !editing ? <div class="actions-row">
      <button type="button" class="secondary" onClick={() => { setEditing(true); setProblems([]); setDone(undefined); }}>
        {t("admin.accounts.editRoles")}<span class="sr-only"> {officer.name}</span></button>
      {disabled
        ? <button type="button" class="secondary" disabled={busy !== undefined}
            onClick={() => run("status", () => call<Profile>("POST", `${base}/enable`), t("admin.accounts.enabled"))}>
            {busy === "status" ? t("admin.accounts.saving") : t("admin.accounts.enable")}<span class="sr-only"> {officer.name}</span></button>
        : <button type="button" class="warn" disabled={busy !== undefined}
            onClick={() => { if (confirm(t("admin.accounts.disableConfirm", { name: officer.name })))
              void run("status", () => call<Profile>("POST", `${base}/disable`), t("admin.accounts.disabledDone")); }}>
            {busy === "status" ? t("admin.accounts.saving") : t("admin.accounts.disable")}<span class="sr-only"> {officer.name}</span></button>}
    </div> : null}
    {manageable && editing ? <form onSubmit={saveRoles}>
      <RoleChoices idPrefix={`r-${officer.id}`} roles={info.roles.filter((r) => r.assignable)} chosen={roles}
        setChosen={(s) => { setRoles(s); setProblems([]); }} problems={problems}
        legend={t("admin.accounts.rolesOf", { name: officer.name })} />
      <p class="hint">{t("admin.accounts.rolesHint")}</p>
      <div class="actions-row">
        <button type="submit" disabled={busy !== undefined}>{busy === "roles" ? t("admin.accounts.saving") : t("admin.accounts.saveRoles")}</button>
        <button type="button" class="secondary" onClick={() => { setEditing(false); setRoles(new Set(officer.roles.map(bare))); }}>
          {t("admin.cancel")}</button>
      </div>
    </form> : null}
  </li>;
}

function Accounts({ agency }: { agency: string }) {
  const [info, infoError] = useLoad(() => loadAgency(agency), [agency]);
  const [list, listError, reload] = useLoad(() => call<Profile[]>("GET", `/api/v1/agencies/${agency}/officers`), [agency]);
  const [created, setCreated] = useState<Profile>();
  const [changed, setChanged] = useState<Record<string, Profile>>({});
  const me = auth.get()?.profile?.id;
  const shown = (list ?? []).map((p) => changed[p.id] ?? p);
  return <section>
    <h1>{t("admin.accounts.title")}</h1>
    <p class="lead">{info ? t("admin.accounts.lead", { agency: info.name }) : ""}</p>
    <ErrorBox error={infoError ?? listError} />
    {created ? <p class="alert ok" role="status">{t("admin.accounts.created", { name: created.name })}</p> : null}
    {!info || !list ? (infoError || listError ? null : <Loading />) : <>
      <CreateOfficer agency={agency} info={info} onCreated={(p) => { setCreated(p); reload(); }} />
      <h2>{t("admin.accounts.list", { n: shown.length })}</h2>
      {shown.length <= 1 ? <Empty title={t("admin.accounts.empty")} hint={t("admin.accounts.emptyHint")} /> : null}
      <ul class="cards">{shown.map((p) => <OfficerCard key={p.id} agency={agency} info={info} officer={p} me={me}
        onChanged={(next) => setChanged((c) => ({ ...c, [next.id]: next }))} />)}</ul>
    </>}
  </section>;
}

export function AdminAccountsPage({ path }: { path: string }) {
  return <AdminFrame path={path}>{(agency) => <Accounts agency={agency} />}</AdminFrame>;
}
