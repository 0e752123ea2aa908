"""The shape of the code, checked: what the domain may not know.

The domain — the visibility rules (``cercle/access``), every app's services
(writes) and selectors (reads) — raises domain errors (``cercle.access.NotFound``
and ``Forbidden``) and knows nothing of requests and responses: pages and the
API translate those errors, each in one place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cercle

PACKAGE = Path(cercle.__file__).parent
HTTP_MODULES = ("django.http", "django.shortcuts", "django.template", "ninja")


def _domain_modules() -> list[Path]:
    return sorted(
        [
            *PACKAGE.glob("access/*.py"),
            *PACKAGE.glob("*/services.py"),
            *PACKAGE.glob("*/selectors.py"),
        ]
    )


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_domain_knows_nothing_of_http() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imports(path) if name.startswith(HTTP_MODULES)
        )
        for path in _domain_modules()
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert not offenders, (
        f"HTTP in the domain (raise cercle.access.NotFound/Forbidden): {offenders}"
    )


def test_the_check_looks_at_every_app() -> None:
    """The glob above must find the services of the apps we know, or it proves nothing."""
    found = {str(p.relative_to(PACKAGE)) for p in _domain_modules()}
    for expected in ("posts/services.py", "communities/services.py", "access/posts.py"):
        assert expected in found


WRITES = {
    "save",
    "delete",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def test_selectors_only_read() -> None:
    """Reads and writes stay apart: a selector that writes belongs in services.py."""
    offenders: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.glob("*/selectors.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITES
            ):
                offenders.setdefault(str(path.relative_to(PACKAGE)), []).append(
                    f"line {node.lineno}: .{node.func.attr}()"
                )
    assert not offenders, f"selectors that write: {offenders}"
