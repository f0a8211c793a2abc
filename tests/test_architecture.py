"""The layout DESIGN.md draws, held by tests: layers, boundaries, module size.

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
    """Modules stay small enough to read in one sitting; split by job, not by count."""
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text().splitlines()) for path in SRC.rglob("*.py")
    }
    too_big = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert too_big == {}, f"modules over {MAX_LINES} lines: {too_big}"


def test_the_top_level_holds_only_what_every_stage_shares() -> None:
    flat = sorted(p.name for p in SRC.glob("*.py"))
    assert flat == ["__init__.py", "diagnostics.py", "errors.py"]
