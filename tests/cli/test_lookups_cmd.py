"""``haloform lookups`` against the embedded emulator and with a refused tenant URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from haloform.cli.main import cli


@pytest.fixture(autouse=True)
def _no_live_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HALO_URL", "HALO_TENANT_URL", "HALO_CLIENT_ID", "HALO_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)


def test_lists_the_embedded_tenant_and_keeps_its_state(tmp_path: Path) -> None:
    state = tmp_path / ".haloform"
    result = CliRunner().invoke(cli, ["lookups", "team", "agent", "--repo", str(tmp_path), "-v"])
    assert result.exit_code == 0, result.output
    assert "Alice Admin" in result.stdout
    assert "Network" in result.stdout
    assert "made 4 requests" in result.stderr
    assert (state / "embedded.db").is_file()


def test_a_live_tenant_over_plain_http_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_URL", "http://acme.example.com")
    monkeypatch.setenv("HALO_CLIENT_ID", "haloform")
    monkeypatch.setenv("HALO_CLIENT_SECRET", "sentinel-secret-value")
    result = CliRunner().invoke(cli, ["lookups"])
    assert result.exit_code == 1
    assert "plain http" in result.stderr
    assert "sentinel-secret-value" not in result.output
    assert "Traceback" not in result.output


def test_missing_credentials_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_URL", "https://acme.halopsa.com")
    result = CliRunner().invoke(cli, ["lookups"])
    assert result.exit_code == 1
    assert "HALO_CLIENT_ID" in result.stderr
