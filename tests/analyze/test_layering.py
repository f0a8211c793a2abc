"""analyze/ sits above load/ and kinds/ and below tasks/ and cli/: it never imports what needs a
tenant or renders a plan, so lint, simulate and test stay offline by construction."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "src" / "haloform" / "analyze"
FORBIDDEN = ("plan", "apply", "render", "fetch", "halo", "resolve", "diff", "export", "cli")


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_analyze_imports_nothing_above_or_beside_load(path: Path) -> None:
    bad = {
        module
        for module in imported(path)
        if any(module.startswith(f"haloform.{name}") for name in FORBIDDEN)
    }
    assert bad == set()


def test_the_core_does_not_import_analyze() -> None:
    src = PACKAGE.parent
    users = [
        path.relative_to(src).as_posix()
        for path in src.rglob("*.py")
        if PACKAGE not in path.parents
        and not path.is_relative_to(src / "cli")
        and not path.is_relative_to(src / "tasks")
        and any(module.startswith("haloform.analyze") for module in imported(path))
    ]
    assert users == []
