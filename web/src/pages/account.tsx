// Logging in (NIK, e-mail or WhatsApp number) and registering as a citizen.
import { useState } from "preact/hooks";
import { ApiError, auth, call } from "../api/client";
import type { FieldProblem, Profile } from "../api/types";
import { t } from "../i18n";
import { isOfficer } from "../roles";
import { navigate } from "../router";
import { ErrorBox, Field } from "../ui";
import { checkRegistration } from "../validate";
import { focusFirstProblem } from "./apply";
import { without } from "../form";

function safeNext(query: URLSearchParams, fallback: string): string {
  const next = query.get("next") ?? "";
  return next.startsWith("/") && !next.startsWith("//") ? next : fallback;
}

export function LoginPage({ query }: { query: URLSearchParams }) {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const who = await auth.login(login.trim(), password);
      const admin = who.roles.some((r) => r === "admin" || r.endsWith(":admin"));
      navigate(safeNext(query, admin ? "/admin" : isOfficer(who) ? "/petugas" : "/kasus"));
    } catch (err) {
      setFailure(err);
      setBusy(false);
    }
  };
  return <section class="narrow">
    <h1>{t("login.title")}</h1>
    {query.get("registered") ? <p class="alert ok" role="status">{t("register.done")}</p> : null}
    <form onSubmit={submit}>
      <Field id="login" label={t("login.login")} problems={[]} hint={t("login.hint")} required>
        <input id="login" name="login" autoComplete="username" required value={login}
          aria-describedby="login-hint" onInput={(e) => setLogin(e.currentTarget.value)} /></Field>
      <Field id="password" label={t("login.password")} problems={[]} required>
        <input id="password" name="password" type="password" autoComplete="current-password"
          required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></Field>
      <ErrorBox error={failure} />
      <button type="submit" disabled={busy}>{busy ? t("login.busy") : t("login.submit")}</button>
    </form>
    <p>{t("login.new")} <a href="/daftar">{t("register.title")}</a></p>
  </section>;
}

const FIELDS = ["nik", "name", "email", "phone", "password"] as const;

export function RegisterPage() {
  const [form, setForm] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const found = checkRegistration(form);
    setProblems(found);
    if (found.length) {
      focusFirstProblem();
      return;
    }
    setBusy(true);
    try {
      await call<Profile>("POST", "/api/v1/auth/register", { json: form, anonymous: true });
      await auth.login(form.email.trim(), form.password);
      navigate("/kasus");
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.errors.length) {
        setProblems(err.errors);
        focusFirstProblem();
      } else {
        setFailure(err);
      }
    }
  };
  const types: Record<string, "email" | "tel" | "password"> = { email: "email", phone: "tel", password: "password" };
  const complete: Record<string, string> = { name: "name", email: "email", phone: "tel",
    password: "new-password", nik: "off" };
  return <section class="narrow">
    <h1>{t("register.title")}</h1>
    <p class="lead">{t("register.lead")}</p>
    <form onSubmit={submit} noValidate>
      {FIELDS.map((name) => {
        const invalid = problems.some((p) => p.field === name);
        return <Field key={name} id={`f-${name}`} label={t(`register.${name}`)} problems={problems}
          hint={t(`register.${name}.hint`)} required>
          <input id={`f-${name}`} name={name} type={(types[name] ?? "text") as "text"} required
            autoComplete={complete[name]} inputMode={name === "nik" ? "numeric" : undefined}
            aria-invalid={invalid || undefined}
            aria-describedby={`f-${name}-hint${invalid ? ` f-${name}-error` : ""}`}
            value={form[name] ?? ""} onInput={(e) => {
              setForm({ ...form, [name]: e.currentTarget.value });
              setProblems((now) => without(now, name));
            }} />
        </Field>;
      })}
      <ErrorBox error={failure} />
      <button type="submit" disabled={busy}>{busy ? t("register.busy") : t("register.submit")}</button>
    </form>
    <p>{t("register.have")} <a href="/masuk">{t("login.title")}</a></p>
  </section>;
}
