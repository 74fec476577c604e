"""The all-in-one program: ``python -m gateway.allinone [--host 127.0.0.1] [--port 8000]
[--no-demo]`` (``make run``). The gateway and all seven services in one process; the app is
composed in :mod:`gateway.allinone_app`.

The start is in three stages so that the port answers at once:

1. with the standard library only, bind the port and answer on it (:mod:`gateway.early_listener`:
   ``/healthz`` 200, everything else 503 ``starting``);
2. in a thread, import the code and compose the app (the bulk of the seconds before the port
   could answer before); the early responder keeps answering meanwhile;
3. hand the same socket to uvicorn. The app's own start-up (migrations, SOP sync, the demo) then
   runs behind its listener (:mod:`gateway.allinone_start`) and ``/readyz`` turns ready when it is
   done. A start-up that fails stops the process with exit status 1.

Nothing heavy is imported at module level: ``import gateway.allinone`` is as cheap as the
program's first stage. Its figures: ``bench/startup.py`` (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
from typing import Any

from gateway.early_listener import bind, serve_early, stop_early


def build_app(**kwargs: Any) -> Any:
    """:func:`gateway.allinone_app.build_app`, imported when first called."""
    from gateway.allinone_app import build_app as build
    return build(**kwargs)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m gateway.allinone",
                                     description="Halo Lamsel, all-in-one (one process).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-demo", action="store_true", help="do not seed demo data")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    """Stage 2 (in a thread): settings, the metrics listener, logging, the composed app; the
    app and uvicorn's options. A bad setting or a taken metrics port stops the start here."""
    from gateway.run import FORWARDED_ENV, proxy_options
    from shared.observability.exposition import ALLINONE_PORT, MetricsListener, start_or_exit
    from shared.observability.logging import configure_logging
    from shared.web.long_lived import freeze_survivors

    proxy = proxy_options(os.environ.get(FORWARDED_ENV))
    # /metrics is never on the public port: a second listener, on 127.0.0.1:9464 by default.
    metrics = MetricsListener.from_env(default_port=ALLINONE_PORT)
    start_or_exit(metrics)
    if metrics.port:
        print(f"Metrik Prometheus: http://{metrics.host}:{metrics.port}/metrics", flush=True)
    base = f"http://{args.host}:{args.port}"
    # The QR codes on output documents point at this process unless told otherwise.
    os.environ.setdefault("HALO_PUBLIC_BASE_URL", base)
    configure_logging()
    app = build_app(demo=not args.no_demo, base_url=base, serve_first=True,
                    on_start_error=lambda: signal.raise_signal(signal.SIGTERM),
                    on_started=freeze_survivors)
    return app, {"host": args.host, "port": args.port, **proxy}


async def run_server(app: Any, sock: socket.socket, options: dict[str, Any]) -> None:
    """Stage 3: uvicorn serves ``app`` on the socket stage 1 bound."""
    import uvicorn

    config = uvicorn.Config(app, log_config=None, **options)
    await uvicorn.Server(config).serve(sockets=[sock])


async def serve(args: argparse.Namespace, sock: socket.socket) -> int:
    early = await serve_early(sock)
    try:
        app, options = await asyncio.to_thread(prepare, args)
    finally:
        await stop_early(early)
    await run_server(app, sock, options)
    return 1 if app.state.starting.error is not None else 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"Port {args.host}:{args.port} tidak dapat dibuka: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    try:
        return asyncio.run(serve(args, sock))
    finally:
        sock.close()


if __name__ == "__main__":
    sys.exit(main())
