"""The emulator's packaged OpenAPI subset is the shared one, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

import haloform.emulator

PACKAGED = Path(haloform.emulator.__file__).parent / "openapi-subset.json"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "halo-api" / "openapi-subset.json"


def test_packaged_contract_matches_shared_copy() -> None:
    if not SHARED.is_file():
        pytest.skip(f"no shared/ beside the checkout ({SHARED})")
    assert PACKAGED.read_bytes() == SHARED.read_bytes()
