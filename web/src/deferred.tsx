// Pages loaded when first needed: the officers' and the agency admins' pages are chunks of
// their own, so a citizen's phone downloads only the citizen's pages on a slow connection.
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "./i18n";
import { Loading } from "./ui";

/** A chunk's address table: the page for a path, or null when the path is not its own. */
export type PageTable = (path: string, query: URLSearchParams) => VNode | null;

interface Props {
  path: string;
  query: URLSearchParams;
  fallback: VNode;
}

/** A component that loads `load`'s chunk once (again after a failure) and shows its page. */
export function deferred(load: () => Promise<PageTable>): (props: Props) => VNode {
  let ready: PageTable | undefined;
  let pending: Promise<PageTable> | undefined;
  const get = () => (pending ??= load().then((table) => (ready = table), (err: unknown) => {
    pending = undefined;
    throw err;
  }));
  return function Deferred({ path, query, fallback }: Props) {
    const [, loaded] = useState(0);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (!ready) get().then(() => loaded((n) => n + 1), () => setFailed(true));
    }, [attempt]);
    if (ready) return ready(path, query) ?? fallback;
    if (failed) {
      return <section><p class="alert error" role="alert">{t("error.network")}</p>
        <p><button type="button" onClick={() => { setFailed(false); setAttempt((n) => n + 1); }}>
          {t("deferred.retry")}</button></p></section>;
    }
    return <Loading />;
  };
}
