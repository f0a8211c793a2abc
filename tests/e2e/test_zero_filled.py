"""Against a tenant that answers as a real one does (docs/halo-api.md, "Real rows are
zero-filled": every setter of every rule, criterion, step and action is there, with 0,
"", false or [] for "not set"), every round trip holds: export writes no unset value
and warns about no id 0, plans as no changes where it came from, and promotes to a
second tenant that converges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.conftest import Haloform, applied_examples, without_progress
from tests.examples import RESOURCE_COUNT

MEANINGFUL_ZEROS = frozenset({"type", "step_id", "end_step", "seq", "sequence"})
"""Fields whose 0 is a value of its own (a criterion's ``type: 0`` is "is equal to")."""


def unset_values(node: Any, path: str = "") -> list[str]:
    """Every place a document writes 0, "", false or [] (Halo's "not set")."""
    if isinstance(node, list):
        return [found for item in node for found in unset_values(item, f"{path}[]")]
    if not isinstance(node, dict):
        return []
    found = []
    for key, value in node.items():
        where = f"{path}.{key}" if path else str(key)
        zero = value in (0, "", []) and not isinstance(value, float)
        if zero and key not in MEANINGFUL_ZEROS:
            found.append(f"{where}: {value!r}")
        found.extend(unset_values(value, where))
    return found


@pytest.fixture
def hf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Haloform:
    """The examples applied to a zero-filled ``local`` tenant (``other`` is one too)."""
    return _applied_examples(tmp_path, monkeypatch, zero_filled=True)


def _applied_examples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, zero_filled: bool
) -> Haloform:
    variant = "zero_filled: true" if zero_filled else ""
    return applied_examples(tmp_path / "repo", monkeypatch, variant)


def exported_texts(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.yaml"))
    }


def test_the_examples_plan_as_no_changes_on_a_zero_filled_tenant(hf: Haloform) -> None:
    assert "No changes" in hf("plan", "config", "--env", "local", "--detailed-exitcode").stdout


def test_an_export_writes_no_unset_value_and_plans_as_no_changes(hf: Haloform) -> None:
    result = hf("export", "--env", "local", "--out", "exported")
    assert without_progress(result.stderr) == []  # no "agent id 0 ... not portable"
    texts = exported_texts(hf.root / "exported")
    assert len(texts) == RESOURCE_COUNT
    unset = {name: unset_values(YAML(typ="safe").load(text)) for name, text in texts.items()}
    assert {name: found for name, found in unset.items() if found} == {}
    assert "0 errors" in hf("validate", "exported").stdout
    plan = hf("plan", "exported", "--env", "local", "--detailed-exitcode").stdout
    assert "No changes" in plan
    assert "access_control_level" not in plan


def test_an_export_promotes_to_a_second_zero_filled_tenant_and_converges(hf: Haloform) -> None:
    hf("export", "--env", "local", "--out", "exported")
    report = hf("plan", "exported", "--env", "other", "--detailed-exitcode", code=2).stdout
    assert f"Plan: {RESOURCE_COUNT} to create, 0 to update, 0 to delete." in report
    hf("apply", "exported", "--env", "other", "--auto-approve")
    assert "No changes" in hf("plan", "exported", "--env", "other", "--detailed-exitcode").stdout
    # and the other tenant exports to the very same files
    hf("export", "--env", "other", "--out", "exported-other")
    assert exported_texts(hf.root / "exported-other") == exported_texts(hf.root / "exported")


def test_a_detail_only_field_export_writes_is_read_back_by_plan(hf: Haloform) -> None:
    """``access_control_level`` only comes with a rule's detail: a plan of a file that
    sets it reads that detail, so the export plans as no changes."""
    hf.create_in_tenant("/TicketRules", name="Restricted", access_control_level=2)
    hf("export", "--env", "local", "--out", "exported", "--kinds", "TicketRule")
    text = (hf.root / "exported/ticket-rules/restricted.yaml").read_text(encoding="utf-8")
    assert "access_control_level: 2\n" in text
    plan = hf("plan", "exported", "--env", "local", "--detailed-exitcode", "-v")
    assert "No changes" in plan.stdout


@pytest.mark.parametrize("zero_filled", [False, True], ids=["tidy rows", "zero-filled rows"])
def test_null_clears_a_field_and_the_plan_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zero_filled: bool
) -> None:
    hf = _applied_examples(tmp_path, monkeypatch, zero_filled=zero_filled)
    rule = "config/ticket-rules/p1-to-network.yaml"
    hf.edit(rule, "new_agent_id: {agent: Carol Network}", "new_agent_id: null")
    hf.edit(rule, "new_team: ${network_team}", "new_team: null")
    plan = hf("plan", "config", "--env", "local", "--detailed-exitcode", code=2).stdout
    assert '- new_agent_id: {agent: "Carol Network"} -> (cleared)' in plan
    assert '- new_team: "Network" -> (cleared)' in plan
    hf("apply", "config", "--env", "local", "--auto-approve")
    assert "No changes" in hf("plan", "config", "--env", "local", "--detailed-exitcode").stdout
    [stored] = [r for r in hf.records("TicketRules") if r["name"] == "P1 to Network team"]
    assert stored["new_agent_id"] == 0 and stored["new_team"] == ""


def test_null_where_halo_has_no_unset_value_is_refused(hf: Haloform) -> None:
    rule = "config/ticket-rules/p1-to-network.yaml"
    hf.edit(rule, "precedence: 10", "precedence: null")
    result = hf("validate", "config", code=1)
    assert f"{rule}:5" in result.stdout + result.stderr
    assert "null clears a field" in result.stdout + result.stderr
