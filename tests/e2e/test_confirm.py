"""The apply confirmation, as Terraform asks it (only a typed ``yes`` goes ahead), and
the progress an apply shows while it runs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from haloform.cli import apply_cmd
from haloform.cli.main import cli
from tests.e2e.conftest import Haloform


def _apply(repo: Haloform, answer: str) -> Result:
    return CliRunner().invoke(cli, ["apply", "."], input=answer, catch_exceptions=False)


def test_apply_needs_yes_typed_in_full(repo: Haloform, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apply_cmd, "interactive", lambda: True)
    repo.write({"rules.yaml": RULE})
    for answer in ("y\n", "YES please\n", "\n"):
        refused = _apply(repo, answer)
        assert refused.exit_code == 1, refused.output
        assert "Only 'yes' will be accepted" in refused.stderr
        assert "apply cancelled: nothing was sent" in refused.stderr
        assert repo.records("TicketRules") == []
    accepted = _apply(repo, "yes\n")
    assert accepted.exit_code == 0, accepted.output
    assert [row["name"] for row in repo.records("TicketRules")] == ["Yes rule"]


RULE = """
kind: TicketRule
guid: 0b7a4c2e-3f1d-4e5a-9b6c-7d8e9f0a1b2c
name: Yes rule
precedence: 5
"""


def test_apply_counts_resources_on_stderr_only(examples: Haloform) -> None:
    result = examples("apply", ".", "--auto-approve")
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 10
    assert lines[0].startswith("[1/10] created ")
    assert lines[-1].startswith("[10/10] created ")
    assert "[1/10]" not in result.stdout
