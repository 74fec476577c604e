"""Checks of a problem+json answer."""

from __future__ import annotations

from typing import Any

import httpx


def assert_indonesian(response: httpx.Response, status: int, code: str, title: str,
                      detail: str) -> dict[str, Any]:
    """The answer is a problem+json in Bahasa Indonesia with exactly this title and detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == "id"
    problem: dict[str, Any] = response.json()
    assert (problem["status"], problem["code"], problem["title"], problem["detail"]) == (
        status, code, title, detail)
    return problem
