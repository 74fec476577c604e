"""The dependency arrows of ARCHITECTURE.md §2 and §7, checked on the source with ``ast``:

* the SOP engine (``shared/engine``) is pure: no fastapi, starlette, sqlalchemy, sqlmodel,
  aiokafka or httpx;
* ``shared`` never names ``gateway`` or a department (``services``);
* ``services`` never imports ``gateway``;
* no service package imports another service package.

Every ``.py`` file is parsed; ``import x``, ``from x import y`` and relative imports (resolved
against the file's package) count, wherever they are (also inside functions and
``TYPE_CHECKING`` blocks), and so does ``importlib.import_module("literal")``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")
IMPURE = ("fastapi", "starlette", "sqlalchemy", "sqlmodel", "aiokafka", "httpx")


@dataclass(frozen=True)
class Import:
    module: str
    """Dotted name of the importing file's module (``shared.engine.engine``)."""
    target: str
    """A dotted name it imports (for ``from a import b``: both ``a`` and ``a.b``)."""
    line: int


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _base(module: str, is_package: bool, level: int) -> str:
    """The package a relative import of ``level`` dots starts from."""
    parts = module.split(".")
    package = parts if is_package else parts[:-1]
    if level - 1 > len(package):
        raise ValueError(f"{module}: relative import beyond the top level")
    kept = package[:len(package) - (level - 1)]
    return ".".join(kept)


def imports_of(source: str, relative: Path) -> list[Import]:
    """Every module ``source`` (the file at ``relative`` from the repo root) imports."""
    module = module_name(relative)
    is_package = relative.name == "__init__.py"
    found: list[Import] = []
    for node in ast.walk(ast.parse(source, filename=str(relative))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _base(module, is_package, node.level)
                origin = ".".join(p for p in (base, node.module or "") if p)
            else:
                origin = node.module or ""
            if origin:
                found.append(Import(module, origin, node.lineno))
            found += [Import(module, f"{origin}.{a.name}" if origin else a.name, node.lineno)
                      for a in node.names if a.name != "*"]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and _is_dynamic_import(node.func)):
            found.append(Import(module, node.args[0].value, node.lineno))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr == "import_module"
    return isinstance(func, ast.Name) and func.id in ("import_module", "__import__")


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _service_of(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "services" and parts[1] in SERVICES:
        return parts[1]
    return None


def violations(found: list[Import]) -> list[str]:
    """The imports that break a rule, as ``module:line imports target (rule)``."""
    out: list[str] = []
    for imp in found:
        source, target = imp.module, imp.target
        why = None
        if _within(source, "shared.engine") and any(_within(target, p) for p in IMPURE):
            why = "the engine is pure"
        elif _within(source, "shared") and (_within(target, "gateway")
                                            or _within(target, "services")):
            why = "shared names no process or department"
        elif _within(source, "services") and _within(target, "gateway"):
            why = "services never import the gateway"
        elif (own := _service_of(source)) and (other := _service_of(target)) and other != own:
            why = "services never import each other"
        if why:
            out.append(f"{source}:{imp.line} imports {target} ({why})")
    return out


def source_files(top: str) -> list[Path]:
    return sorted(p for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("top", ["shared", "services"])
def test_the_dependency_arrows_point_one_way(top: str) -> None:
    files = source_files(top)
    assert len(files) > 10, f"no source found under {top}/"
    found: list[Import] = []
    for path in files:
        found += imports_of(path.read_text(encoding="utf-8"), path.relative_to(ROOT))
    assert found, "nothing parsed: the check would prove nothing"
    assert violations(found) == []


def test_the_engine_is_scanned() -> None:
    engine = [p.relative_to(ROOT) for p in source_files("shared/engine")]
    assert Path("shared/engine/engine.py") in engine and Path("shared/engine/access.py") in engine


@pytest.mark.parametrize(("path", "source", "target"), [
    ("shared/engine/x.py", "import sqlalchemy.orm\n", "sqlalchemy.orm"),
    ("shared/engine/x.py", "from fastapi import Depends\n", "fastapi"),
    ("shared/engine/x.py", "def f():\n    import httpx\n", "httpx"),
    ("shared/engine/x.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
     "    from sqlmodel import Session\n", "sqlmodel"),
    ("shared/engine/x.py", "from starlette.requests import Request\n", "starlette.requests"),
    ("shared/engine/x.py", "import aiokafka as k\n", "aiokafka"),
    ("shared/engine/x.py", "from ..db import session\n", "shared.db"),  # allowed elsewhere
    ("shared/web/x.py", "from gateway.app import create_gateway_app\n", "gateway.app"),
    ("shared/web/x.py", "from ...gateway import app\n", "gateway"),
    ("shared/web/x.py", "from ... import services\n", "services"),
    ("shared/cases/x.py", "import importlib\nimportlib.import_module('services.umum.app')\n",
     "services.umum.app"),
    ("services/dukcapil/x.py", "from gateway.settings import SERVICES\n", "gateway.settings"),
    ("services/dukcapil/x.py", "from ..umum import hooks\n", "services.umum"),
    ("services/dukcapil/routes/x.py", "from ...pajak.nop import parse\n", "services.pajak.nop"),
    ("services/dukcapil/__init__.py", "from ..pengaduan import app\n", "services.pengaduan"),
    ("services/umum/x.py", "from services import damkar\n", "services.damkar"),
])
def test_a_violation_is_caught(path: str, source: str, target: str) -> None:
    found = imports_of(source, Path(path))
    assert target in {i.target for i in found}
    bad = violations(found)
    if target == "shared.db":
        assert bad == []  # the engine may not, but the resolution is right
        assert violations(imports_of(source, Path("shared/engine/sub/x.py"))) == []
        return
    assert bad and all(path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
                       in b for b in bad), bad


@pytest.mark.parametrize(("path", "source"), [
    ("shared/engine/x.py", "from shared.calendar import standard_time\nimport datetime\n"),
    ("shared/engine/x.py", "from .state import Principal\n"),
    ("shared/web/x.py", "from fastapi import FastAPI\nimport sqlalchemy\n"),
    ("services/dukcapil/x.py", "from shared.web.app import create_service_app\n"
     "from .hooks import hooks\nfrom . import routes\n"),
    ("services/worker.py", "import importlib\nfrom shared.settings import ServiceSettings\n"),
    ("gateway/allinone.py", "from services.dukcapil.app import create_app\n"),
])
def test_what_is_allowed_is_not_flagged(path: str, source: str) -> None:
    assert violations(imports_of(source, Path(path))) == []


def test_relative_imports_resolve_against_the_package() -> None:
    found = imports_of("from . import a\nfrom .. import b\nfrom ..c import d\n",
                       Path("services/dukcapil/hooks.py"))
    assert {i.target for i in found} == {"services.dukcapil", "services.dukcapil.a",
                                         "services", "services.b", "services.c",
                                         "services.c.d"}
    package = imports_of("from . import a\n", Path("services/dukcapil/__init__.py"))
    assert {i.target for i in package} == {"services.dukcapil", "services.dukcapil.a"}
