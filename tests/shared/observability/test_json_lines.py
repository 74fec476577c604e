"""The JSON log line: one object per record, the same keys whatever the values, personal
keys masked, and a line even for values the fast encoder refuses."""

from __future__ import annotations

import json
import logging

from shared.observability.logging import JsonFormatter, request_id_var


def _record(**extra: object) -> logging.LogRecord:
    return logging.getLogger("halo.test").makeRecord(
        "halo.test", logging.INFO, __file__, 1, "kejadian %s", ("a",), None, extra=extra)


def test_a_line_carries_the_record_the_request_id_and_the_extra_fields() -> None:
    token = request_id_var.set("req-1")
    try:
        line = JsonFormatter().format(_record(service="dukcapil", status=200, ms=1.5,
                                              route="/cases/{case_id}"))
    finally:
        request_id_var.reset(token)
    data = json.loads(line)
    assert "\n" not in line
    assert {k: data[k] for k in ("level", "logger", "msg", "request_id")} == {
        "level": "info", "logger": "halo.test", "msg": "kejadian a", "request_id": "req-1"}
    assert (data["service"], data["status"], data["ms"], data["route"]) == (
        "dukcapil", 200, 1.5, "/cases/{case_id}")
    assert data["ts"].endswith("+00:00")


def test_personal_keys_are_masked() -> None:
    data = json.loads(JsonFormatter().format(_record(nik="1801010303260003", Phone="0812")))
    assert data["nik"] == data["Phone"] == "[disaring]"


def test_values_the_fast_encoder_refuses_still_make_a_line() -> None:
    data = json.loads(JsonFormatter().format(_record(big=2 ** 70, keys={1: "x"},
                                                     thing=object())))
    assert data["big"] == 2 ** 70
    assert data["keys"] == {"1": "x"}
    assert data["thing"].startswith("<object object")
