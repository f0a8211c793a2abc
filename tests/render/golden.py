"""The renderers' golden files, under ``tests/render/golden/`` (see ``tests.goldens``)."""

from __future__ import annotations

from pathlib import Path

from tests import goldens

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    goldens.assert_golden(name, actual, GOLDEN)
