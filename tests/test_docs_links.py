"""The README and the docs link only files inside the repository: every Markdown link and image
(inline ``[text](target)`` and reference ``[label]: target``) of README.md, docs/**/*.md and
web/README.md that is not a URL must name a file or folder that exists in this repository, and
no path in backticks may leave it (``../shared/...``: a clone does not have it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", ROOT / "web" / "README.md",
                *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
CODE_PATH = re.compile(r"`(\.\./[^`\s]*)`")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.I)


def links(text: str) -> list[str]:
    prose = FENCE.sub("", text)
    return INLINE.findall(prose) + REFERENCE.findall(prose)


def problems(page: Path, text: str | None = None) -> list[str]:
    """What is wrong with the links of ``page`` (its text, or ``text`` read as if it were)."""
    text = page.read_text(encoding="utf-8") if text is None else text
    found = []
    for target in links(text):
        if EXTERNAL.match(target):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        resolved = (ROOT / path.lstrip("/") if path.startswith("/")
                    else page.parent / path).resolve()
        if not resolved.is_relative_to(ROOT):
            found.append(f"{target}: outside the repository")
        elif not resolved.exists():
            found.append(f"{target}: no such file")
    found += [f"`{p}`: outside the repository" for p in CODE_PATH.findall(FENCE.sub("", text))]
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_names_a_file_of_the_repository(page: Path) -> None:
    assert problems(page) == []


def test_the_checker_finds_what_it_must() -> None:
    text = ("[ok](docs/design.md) ![shot](docs/screenshots/none.png \"t\") [web](https://x.id/a)"
            " [top](#start) `../shared/ARCHITECTURE.md`\n[ref]: ../shared/x.md\n"
            "```\n[in code](nowhere.md)\n```\n")
    assert links(text) == ["docs/design.md", "docs/screenshots/none.png", "https://x.id/a",
                           "#start", "../shared/x.md"]
    assert problems(ROOT / "README.md", text) == [
        "docs/screenshots/none.png: no such file", "../shared/x.md: outside the repository",
        "`../shared/ARCHITECTURE.md`: outside the repository"]
