"""The database away (stopped, restarting, unreachable): 503 ``database-unavailable`` with
``Retry-After``, never a 500. Any other database error is still a bug: a 500 like every
other (:mod:`shared.web.problems`).

The process itself needs no restart: its engine's pool replaces dead connections once the
database answers again (``shared.db.session``, :mod:`shared.db.errors`).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.db.errors import HANDLED, database_unavailable
from shared.web.i18n import register_messages

log = logging.getLogger("halo.http")
RETRY_AFTER_S = 5
MESSAGES = {
    "database-unavailable": ("Basis data layanan sedang tidak dapat dihubungi. Coba lagi dalam "
                             "beberapa detik. Kode rujukan: {request_id}.",
                             "The service's database cannot be reached right now. Retry in a "
                             "few seconds. Reference: {request_id}."),
}
register_messages(MESSAGES)


def install_database_problems(app: FastAPI) -> None:
    # Imported here: shared.web.problems installs this, and this answers as it does.
    from shared.web.problems import log as http_log
    from shared.web.problems import problem_response

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if not database_unavailable(exc):
            http_log.exception("unhandled error", extra={"error": type(exc).__name__})
            return problem_response(request, 500, "internal-error")
        log.warning("database unavailable", extra={"error": type(exc).__name__})
        return problem_response(request, 503, "database-unavailable",
                                headers={"Retry-After": str(RETRY_AFTER_S)})

    for kind in HANDLED:
        app.add_exception_handler(kind, _database)
