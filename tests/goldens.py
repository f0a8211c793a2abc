"""Golden files: rendered output pinned byte for byte under ``tests/golden/``.

Run ``HALOFORM_UPDATE_GOLDEN=1 pytest`` to rewrite them after an intended change, then
review the diff like any other.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """``actual`` must equal ``tests/golden/<name>``."""
    path = GOLDEN_DIR / name
    if os.environ.get("HALOFORM_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with HALOFORM_UPDATE_GOLDEN=1, review it"
    assert actual == path.read_text(encoding="utf-8")
