"""The three commands' outputs pinned byte for byte (tests/golden/analyze-*)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from haloform.cli.main import cli
from tests.goldens import assert_golden

ROOT = Path(__file__).parents[2]
FIXTURE = "tests/analyze/lint_fixture"
TICKET = """\
summary: Password reset, database is slow
symptom: database timeouts
priority_id: P3 Medium
tickettype_id: {tickettype: Incident}
"""


@pytest.fixture(autouse=True)
def at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the output are as given: relative to the repository root."""
    monkeypatch.chdir(ROOT)


def output(*args: str) -> str:
    return CliRunner().invoke(cli, list(args)).output


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_lint_outputs(fmt: str) -> None:
    assert_golden(f"analyze-lint.{fmt}", output("lint", FIXTURE, "--format", fmt))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_simulate_outputs(fmt: str, tmp_path: Path) -> None:
    ticket = tmp_path / "ticket.yaml"
    ticket.write_text(TICKET)
    shown = output("simulate", "examples", "--ticket", str(ticket), "--format", fmt)
    assert_golden(f"analyze-simulate.{fmt}", shown)


@pytest.mark.parametrize("fmt", ["text", "junit"])
def test_test_outputs(fmt: str) -> None:
    assert_golden(f"analyze-test.{fmt}", output("test", "examples", "--format", fmt))
