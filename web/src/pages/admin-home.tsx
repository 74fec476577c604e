// The agency admin's start page: what each admin section is for.
import { t } from "../i18n";
import { AdminFrame, loadAgency } from "./admin-shared";
import { useLoad } from "../ui";

const CARDS = [
  ["/admin/akun", "admin.nav.accounts", "admin.home.accounts"],
  ["/admin/sop", "admin.nav.sops", "admin.home.sops"],
  ["/admin/skm", "admin.nav.skm", "admin.home.skm"],
  ["/admin/sla", "admin.nav.sla", "admin.home.sla"],
  ["/admin/webhook", "admin.nav.webhooks", "admin.home.webhooks"],
] as const;

function Home({ agency }: { agency: string }) {
  const [info] = useLoad(() => loadAgency(agency), [agency]);
  return <section>
    <h1>{t("admin.title")}</h1>
    <p class="lead">{info?.name ?? agency}</p>
    <ul class="cards">{CARDS.map(([href, title, text]) => <li class="card" key={href}>
      <a href={href}><h2>{t(title)}</h2></a><p>{t(text)}</p></li>)}</ul>
  </section>;
}

export function AdminHomePage({ path }: { path: string }) {
  return <AdminFrame path={path}>{(agency) => <Home agency={agency} />}</AdminFrame>;
}
