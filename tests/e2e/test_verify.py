"""Read-back verification through the command line: what Halo does not keep fails the
apply; a clean apply says so in one line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from haloform.emulator import Emulator
from haloform.tasks import workspace

from .conftest import Haloform


@pytest.fixture
def not_kept(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """The embedded tenant of every command drops these fields on save (the knob
    ``EmulatorConfig.not_kept``); a test fills the dict before it applies."""
    dropped: dict[str, list[str]] = {}
    original = workspace._embedded

    def embedded(target: workspace.Target) -> Emulator:
        emu = original(target)
        emu.config.not_kept = dict(dropped)
        return emu

    monkeypatch.setattr(workspace, "_embedded", embedded)
    yield dropped


def _lines(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(start)]


def test_a_clean_apply_verifies_in_one_line(examples: Haloform) -> None:
    applied = examples.apply().stdout
    unverified = examples("apply", ".", "--auto-approve", "--no-verify").stdout
    assert _lines(applied, "Verified") == [line for line in applied.splitlines() if "erif" in line]
    (line,) = _lines(applied, "Verified")
    assert line.startswith("Verified: Halo kept all 10 changes (")
    # Only that line follows the report an unverified apply would print.
    assert applied.splitlines()[-1] == line
    assert "erif" not in unverified  # nothing to apply: no report at all


def test_no_verify_says_it_was_skipped(examples: Haloform) -> None:
    applied = examples("apply", ".", "--auto-approve", "--no-verify").stdout
    assert applied.splitlines()[-1].startswith("Not verified (--no-verify)")


def test_a_field_halo_does_not_keep_fails_the_apply(
    examples: Haloform, not_kept: dict[str, list[str]]
) -> None:
    not_kept["TicketRules"] = ["stopmatching"]
    applied = examples.apply(code=1).stdout
    assert "Apply: 10 created, 0 updated, 0 deleted; 0 failed, 0 not attempted." in applied
    (line,) = _lines(applied, "NOT KEPT")
    assert "Halo did not keep stopmatching on TicketRule 'P1 to Network team'" in line
    assert "(sent true, Halo holds" in line
    assert "did not converge" in applied.splitlines()[-1]
    # The next plan shows the same thing: verification told the truth.
    changes = {c["name"]: c for c in examples.plan()["changes"]}
    assert [f["path"] for f in changes["P1 to Network team"]["fields"]] == ["stopmatching"]


def test_a_removed_step_that_survives_is_reported_with_how_to_remove_it(
    examples: Haloform, not_kept: dict[str, list[str]]
) -> None:
    examples.apply()
    _remove_last_step(examples)
    not_kept["Workflow"] = ["steps"]
    applied = examples.apply(code=1).stdout
    survived = [line for line in _lines(applied, "NOT KEPT") if "which the apply removed" in line]
    assert len(survived) == 1, applied
    assert 'Halo kept steps["Closed"]' in survived[0]
    assert "Workflow 'Problem Management'" in survived[0]
    assert "remove it by hand" in survived[0]


def test_a_step_removed_as_planned_verifies(examples: Haloform) -> None:
    examples.apply()
    _remove_last_step(examples)
    applied = examples.apply().stdout
    assert applied.splitlines()[-1].startswith("Verified: Halo kept all 1 changes")


def _remove_last_step(examples: Haloform) -> None:
    """Problem Management loses its step 3 ("Closed"); step 2 becomes the end."""
    examples.edit(
        "workflows/problem.yaml",
        "  - step_id: 2\n    name: Known Error\n    actions:\n"
        "      - {action_id: {outcome: Resolve}, end_step: 3, seq: 1}\n"
        "  - {step_id: 3, name: Closed, isend: true}\n",
        "  - {step_id: 2, name: Known Error, isend: true}\n",
    )
