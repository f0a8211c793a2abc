"""Golden-file comparison for renderer output.

Run ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/render`` to rewrite the files under
``golden/`` from the current output, then review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """``actual`` equals ``golden/<name>`` byte for byte (or rewrites it on request)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"no golden file {name}: run with UPDATE_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites)"
