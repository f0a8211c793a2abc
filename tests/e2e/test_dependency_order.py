"""Deletes in the order the tenant's references demand, and reference cycles, through
the command line against an emulator that refuses to delete a workflow in use.

Names are chosen so that alphabetical order is wrong: a plan that ordered deletes by
name would delete "Change Advisory" while "Major Incident" still switches to it."""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest

from haloform.emulator import EmulatorConfig
from haloform.tasks import workspace
from tests.e2e.conftest import Haloform, changes_by_name

CHAIN = """
    kind: Workflow
    guid: cccccccc-0000-4000-8000-000000000001
    name: Change Advisory
    steps:
      - {step_id: 1, name: Review, isstart: true}
    ---
    kind: Workflow
    guid: cccccccc-0000-4000-8000-000000000002
    name: Major Incident
    steps:
      - step_id: 1
        name: Start
        isstart: true
        actions:
          - {action_id: {outcome: Escalate}, end_step: 2, seq: 1}
      - {step_id: 2, name: To change, new_flow_id: {workflow: Change Advisory}}
    ---
    kind: TicketRule
    guid: cccccccc-0000-4000-8000-000000000003
    name: Alpha rule
    precedence: 10
    new_workflow_id: {workflow: Major Incident}
"""

CYCLE = """
    kind: Workflow
    guid: aaaaaaaa-0000-4000-8000-000000000001
    name: Ping
    steps:
      - step_id: 1
        name: Start
        isstart: true
        actions:
          - {action_id: {outcome: Escalate}, end_step: 2, seq: 1}
      - {step_id: 2, name: To Pong, new_flow_id: {workflow: Pong}}
    ---
    kind: Workflow
    guid: aaaaaaaa-0000-4000-8000-000000000002
    name: Pong
    steps:
      - step_id: 1
        name: Start
        isstart: true
        actions:
          - {action_id: {outcome: Escalate}, end_step: 2, seq: 1}
      - {step_id: 2, name: To Ping, new_flow_id: {workflow: Ping}}
"""


def tombstones(text: str) -> str:
    """Every document of ``text`` reduced to its tombstone: kind, guid, name."""
    documents = []
    for document in text.split("---"):
        lines = [line for line in document.splitlines() if line.strip()]
        kept = [line for line in lines if line.strip().split(":")[0] in {"kind", "guid", "name"}]
        documents.append("\n".join([*kept[:3], "    deleted: true"]))
    return "\n    ---\n".join(documents) + "\n"


def _deletes(repo: Haloform) -> tuple[str, list[str]]:
    """``apply --allow-delete`` with every request shown (``-vv``): its report, and the
    names of what it sent DELETEs for, in the order they went out."""
    result = repo("-vv", "apply", ".", "--allow-delete", "--auto-approve")
    sent = re.findall(r"^  DELETE /\w+/\d+ \(\w+ '([^']+)'\)$", result.stderr, re.MULTILINE)
    return result.stdout, sent


def test_a_delete_chain_deletes_users_first_in_one_apply(repo: Haloform) -> None:
    repo.write({"config.yaml": CHAIN})
    repo.apply()
    repo.write({"config.yaml": tombstones(CHAIN)})

    report = repo.plan()
    assert report["summary"]["delete"] == 3
    assert report["warnings"] == []

    applied, order = _deletes(repo)
    assert "Apply: 0 created, 0 updated, 3 deleted; 0 failed, 0 not attempted." in applied
    assert order == ["Alpha rule", "Major Incident", "Change Advisory"]
    assert repo.records("Workflow") == [] and repo.records("TicketRules") == []
    repo.assert_converged()


def test_a_targeted_delete_brings_along_what_still_refers_to_it(repo: Haloform) -> None:
    repo.write({"config.yaml": CHAIN})
    repo.apply()
    repo.write({"config.yaml": tombstones(CHAIN)})

    report = repo.plan("--target", "Workflow/Major Incident")
    assert set(changes_by_name(report)) == {"Major Incident", "Alpha rule"}


def test_a_delete_cycle_is_broken_by_an_update_then_deleted_in_one_apply(
    repo: Haloform,
) -> None:
    repo.write({"workflows/pair.yaml": CYCLE})
    repo.apply()
    repo.write({"workflows/pair.yaml": tombstones(CYCLE)})

    report = repo.plan()
    changes = changes_by_name(report)
    assert [changes[name]["action"] for name in ("Ping", "Pong")] == ["delete", "delete"]
    assert changes["Ping"]["fields"] == [
        {"path": 'steps["To Pong"].new_flow_id', "before": {"workflow": "Pong"}, "after": None}
    ]
    assert changes["Pong"]["fields"] == []
    [warning] = report["warnings"]
    assert warning == (
        "reference cycle Workflow/Ping -> Workflow/Pong -> Workflow/Ping among deletes: "
        "Workflow 'Ping' is updated first to drop steps[\"To Pong\"].new_flow_id, then each "
        "is deleted"
    )
    text = repo("plan", ".").stdout
    assert '  - steps["To Pong"].new_flow_id: {workflow: "Pong"}' in text
    assert (
        '# updated first to drop steps["To Pong"].new_flow_id (reference cycle), then deleted'
        in text
    )
    markdown = repo("plan", ".", "--format", "markdown").stdout
    assert 'updated first to drop steps&#91;"To Pong"&#93;.new&#95;flow&#95;id' in markdown

    applied, order = _deletes(repo)
    assert "Apply: 0 created, 0 updated, 2 deleted; 0 failed, 0 not attempted." in applied
    assert order == ["Pong", "Ping"]
    assert "deleted Workflow 'Ping'" in applied
    assert 'after an update dropped its steps["To Pong"].new_flow_id' in applied
    assert repo.records("Workflow") == []
    repo.assert_converged()


@pytest.fixture
def require_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Embedded tenants that require ``name`` on every save, updates included."""
    strict = functools.partial(EmulatorConfig, require_name_on_update=True)
    monkeypatch.setattr(workspace, "EmulatorConfig", strict)


@pytest.mark.usefixtures("require_name")
def test_a_create_cycle_into_an_empty_tenant_converges_in_one_apply(repo: Haloform) -> None:
    repo.write({"workflows/pair.yaml": CYCLE})

    applied = repo.apply().stdout
    assert "Apply: 2 created, 0 updated, 0 deleted; 0 failed, 0 not attempted." in applied
    repo.assert_converged()

    flows = {record["name"]: record for record in repo.records("Workflow")}
    steps: dict[str, list[dict[str, Any]]] = {name: flow["steps"] for name, flow in flows.items()}
    assert {name: len(found) for name, found in steps.items()} == {"Ping": 2, "Pong": 2}
    switches = {
        name: [step["new_flow_id"] for step in found if step.get("new_flow_id")]
        for name, found in steps.items()
    }
    assert switches == {"Ping": [flows["Pong"]["id"]], "Pong": [flows["Ping"]["id"]]}
