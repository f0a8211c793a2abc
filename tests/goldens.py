"""Golden files: rendered output pinned byte for byte.

Run ``UPDATE_GOLDEN=1 .venv/bin/python -m pytest`` to rewrite them after an intended
change, then review the diff like any other. Each test folder keeps its own
``golden/`` beside it; this is the one comparison they all use.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str, directory: Path = GOLDEN_DIR) -> None:
    """``actual`` must equal ``directory/<name>`` (or rewrites it on request)."""
    path = directory / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.is_file(), f"no golden file {path}: run with UPDATE_GOLDEN=1, review it"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites)"
