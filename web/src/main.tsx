// Entry: render the app and register the service worker (the app is installable).
import { render } from "preact";
import { App } from "./app";
import { lang } from "./i18n";
import "./styles.css";

document.documentElement.lang = lang();
const root = document.getElementById("app")!;
root.textContent = ""; // the "loading" text shown before the script ran
render(<App />, root);

if ("serviceWorker" in navigator && location.protocol !== "file:") {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => undefined);
  });
}
