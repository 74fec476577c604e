// The app shell: header with navigation and the language choice, and the page for the path.
import { useEffect, useState } from "preact/hooks";
import { auth } from "./api/client";
import { lang, onLangChange, setLang, t } from "./i18n";
import { deferred } from "./deferred";
import { ApplyPage } from "./pages/apply";
import { LoginPage, RegisterPage } from "./pages/account";
import { CasesPage } from "./pages/cases";
import { CatalogPage } from "./pages/catalog";
import { EmergencyPage } from "./pages/emergency";
import { EmergencyStatusPage } from "./pages/emergency-status";
import { NotificationsPage } from "./pages/notifications";
import { ServicePage } from "./pages/service";
import { SurveyPage } from "./pages/survey";
import { TrackingPage } from "./pages/tracking";
import { isAgencyAdmin, isOfficer } from "./roles";
import { match, navigate, useLocation } from "./router";

const AdminPages = deferred(() => import("./pages/admin-routes").then((m) => m.adminPage));
const OfficerPages = deferred(() => import("./pages/officer-routes").then((m) => m.officerPage));

function useRerender(subscribe: (fn: () => void) => () => void): void {
  const [, set] = useState(0);
  useEffect(() => subscribe(() => set((n) => n + 1)), []);
}

const NESTED = ["/petugas/beban-kerja"];
const PROTECTED = ["/kasus", "/lacak", "/notifikasi", "/survei", "/petugas", "/admin", "/layanan/*/*/ajukan"];

function needsLogin(path: string): boolean {
  return PROTECTED.some((p) => p.includes("*")
    ? new RegExp(`^${p.replace(/\*/g, "[^/]+")}$`).test(path) : path === p || path.startsWith(`${p}/`));
}

function Page({ url }: { url: URL }) {
  const path = url.pathname;
  const q = url.searchParams;
  if (needsLogin(path) && !auth.get()) {
    return <LoginPage query={new URLSearchParams({ next: path + url.search })} />;
  }
  const notFound = <section><h1>{t("notFound.title")}</h1><p><a href="/">{t("nav.catalog")}</a></p></section>;
  const under = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  if (under("/admin")) return <AdminPages path={path} query={q} fallback={notFound} />;
  if (under("/petugas")) return <OfficerPages path={path} query={q} fallback={notFound} />;
  let m;
  if ((m = match("/", path))) return <CatalogPage query={q} />;
  if ((m = match("/layanan/:service/:key", path))) return <ServicePage service={m.service} sopKey={m.key} />;
  if ((m = match("/layanan/:service/:key/ajukan", path))) return <ApplyPage service={m.service} sopKey={m.key} />;
  if ((m = match("/masuk", path))) return <LoginPage query={q} />;
  if ((m = match("/daftar", path))) return <RegisterPage />;
  if ((m = match("/kasus", path))) return <CasesPage />;
  if ((m = match("/lacak/:no", path))) return <TrackingPage no={m.no} fresh={q.has("baru")} />;
  if ((m = match("/notifikasi", path))) return <NotificationsPage />;
  if ((m = match("/darurat", path))) return <EmergencyPage />;
  if ((m = match("/darurat/:no", path))) return <EmergencyStatusPage no={m.no} fresh={q.has("baru")} />;
  if ((m = match("/survei/:no", path))) return <SurveyPage no={m.no} />;
  return notFound;
}

export function App() {
  const url = useLocation();
  useRerender(onLangChange);
  useRerender(auth.onChange);
  const who = auth.get()?.profile;
  const officer = isOfficer(who);
  const admin = isAgencyAdmin(who);
  useEffect(() => {
    const title = document.querySelector("main h1")?.textContent;
    document.title = title ? `${title} · Halo Lamsel` : "Halo Lamsel";
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [url.pathname]);
  const logout = async () => {
    await auth.logout();
    navigate("/");
  };
  // The current link is the longest one the path starts with (/petugas/beban-kerja, not /petugas).
  const within = (href: string) => url.pathname === href || (href !== "/" && url.pathname.startsWith(href));
  const link = (href: string, label: string) => <a href={href}
    aria-current={within(href) && !NESTED.some((n) => n !== href && n.startsWith(href) && within(n))
      ? "page" : undefined}>{label}</a>;
  return <>
    <a class="skip" href="#main">{t("skip")}</a>
    <header class="top">
      <a class="brand" href="/">Halo Lamsel</a>
      <a class="sos-link" href="/darurat" aria-current={within("/darurat") ? "page" : undefined}>{t("nav.emergency")}</a>
      <nav aria-label={t("nav.label")}>
        {link("/", t("nav.catalog"))}
        {who && !officer && !admin ? link("/kasus", t("nav.cases")) : null}
        {who && !officer && !admin ? link("/notifikasi", t("nav.notifications")) : null}
        {officer ? link("/petugas", t("nav.inbox")) : null}
        {officer ? link("/petugas/beban-kerja", t("nav.workload")) : null}
        {admin ? link("/admin", t("admin.nav.admin")) : null}
        {who ? <button type="button" class="link" onClick={logout}>{t("nav.logout")}</button>
          : link("/masuk", t("nav.login"))}
        <button type="button" class="link lang" lang={lang() === "id" ? "en" : "id"}
          onClick={() => setLang(lang() === "id" ? "en" : "id")}>{lang() === "id" ? "English" : "Bahasa Indonesia"}</button>
      </nav>
    </header>
    <main id="main" tabIndex={-1}><Page url={url} /></main>
    <footer class="foot"><p>{t("footer")}</p></footer>
  </>;
}
