"""The layout docs/ARCHITECTURE.md draws, held by tests: layers, boundaries, module size.

The contracts live in pyproject.toml (``[tool.importlinter]``) so that ``lint-imports``
run by hand and this test check the same thing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "haloform"
MAX_LINES = 400
LONGER: dict[str, str] = {}
"""Modules allowed past ``MAX_LINES``, each with the reviewed reason it is one concept:
the cap is a guide, never a reason to cut a concept in two (empty today)."""


def test_import_contracts_are_kept() -> None:
    """cli on top, stages only downwards, halo/ and the emulator on their own."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " broken" not in result.stdout.replace("0 broken", "")


def test_every_package_of_the_flow_is_under_a_contract() -> None:
    """A new stage package must be placed in the layers, or the contracts prove nothing."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    packages = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists())
    missing = [name for name in packages if f'"haloform.{name}"' not in pyproject]
    assert missing == [], f"packages no import-linter contract names: {missing}"


def test_no_module_is_over_the_size_limit() -> None:
    """Modules stay small enough to read in one sitting; split by job, not by count: a
    module that is one concept and longer goes in ``LONGER``, with why, for review."""
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text().splitlines()) for path in SRC.rglob("*.py")
    }
    too_big = {
        name: lines for name, lines in sizes.items() if lines > MAX_LINES and name not in LONGER
    }
    assert too_big == {}, f"modules over {MAX_LINES} lines (split by job, or list why): {too_big}"
    stale = [name for name in LONGER if sizes.get(name, 0) <= MAX_LINES]
    assert stale == [], f"listed in LONGER but no longer long: {stale}"


def test_the_top_level_holds_only_what_every_stage_shares() -> None:
    flat = sorted(p.name for p in SRC.glob("*.py"))
    assert flat == ["__init__.py", "diagnostics.py", "errors.py"]
