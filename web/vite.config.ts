// Vite build of the Halo Lamsel web app. `npm run dev` proxies the API to a running
// all-in-one (http://127.0.0.1:8000), so the app only ever calls the public REST API.
import { defineConfig } from "vitest/config";

const api = process.env.HALO_API || "http://127.0.0.1:8000";

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { target: "es2020", sourcemap: false, reportCompressedSize: true },
  test: { include: ["test/unit/**/*.test.ts"], environment: "node" },
  server: {
    proxy: Object.fromEntries(["/api", "/verify", "/.well-known"].map((p) => [p, api])),
  },
});
