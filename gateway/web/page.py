"""The page ``/`` answers while the web app has not been built."""

from __future__ import annotations

_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Halo Lamsel: aplikasi web belum dibangun</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}code{background:#f1f1f1;padding:.1rem .3rem}</style></head>
<body><main>
<h1>Aplikasi web belum dibangun</h1>
<p>API Halo Lamsel berjalan (<a href="/docs">dokumentasi API</a>), tetapi aplikasi web di
<code>web/dist</code> belum ada. Bangun dengan <code>make run</code>, atau:</p>
<p><code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code></p>
<p lang="en">The API is running (<a href="/docs">API documentation</a>), but the web app in
<code>web/dist</code> has not been built. Build it with <code>make run</code>, or
<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>.</p>
</main></body></html>
"""


def missing_build_page() -> str:
    return _PAGE
