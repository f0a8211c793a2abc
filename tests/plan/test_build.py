"""The planner is a pure function of a repo and a snapshot: these tests build the
tenant in memory (``tests.plan.tenant``'s records) and never start an emulator."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from haloform.diagnostics import ConfigErrors
from haloform.kinds import KINDS, by_kind
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest, make_plan
from haloform.plan.deletions import needed_by_deletes, planned_deletions
from haloform.plan.model import Action
from haloform.snapshot.state import LiveKind, LiveState
from tests.kinds import documents
from tests.plan import tenant
from tests.repo_builder import problem_workflow, write_repo


def snapshot(**rows: list[dict[str, Any]]) -> LiveState:
    """A tenant holding ``rows`` by kind, each record read in full (as details)."""
    kinds = {}
    for spec in KINDS:
        records = [copy.deepcopy(record) for record in rows.get(spec.kind, [])]
        kind = LiveKind(spec, records)
        kind.details.update({record["id"]: record for record in records})
        kinds[spec.kind] = kind
    return LiveState(kinds, tenant.INDEX.directory)


def request(root: Path, files: dict[str, Any]) -> PlanRequest:
    write_repo(root, files)
    repo = validate_repo(root)
    repo.diagnostics.raise_for_errors()
    return PlanRequest(repo=repo, environment="test", tenant="memory:test", specs=KINDS)


def applied() -> LiveState:
    """The tenant after the repo of ``files()`` was applied to it."""
    return snapshot(
        Workflow=[tenant.live_workflow(), tenant.live_problem()],
        TicketRule=[tenant.live_ticket_rule()],
    )


def files(**rule: Any) -> dict[str, Any]:
    return {
        "workflows/incident.yaml": [documents.workflow()],
        "workflows/problem.yaml": [problem_workflow()],
        "ticket-rules/p1.yaml": [{**documents.ticket_rule(), **rule}],
    }


def test_a_tenant_that_holds_the_repo_plans_as_no_changes(tmp_path: Path) -> None:
    plan = make_plan(request(tmp_path, files()), applied())
    assert plan.changes == ()
    assert plan.unchanged == 3


def test_an_edit_is_an_update_of_that_field_alone(tmp_path: Path) -> None:
    plan = make_plan(request(tmp_path, files(precedence=3)), applied())
    [change] = plan.changes
    assert (change.action, change.name) == (Action.UPDATE, "P1 to Network team")
    assert [(field.path, field.before, field.after) for field in change.fields] == [
        ("precedence", 10, 3)
    ]


def test_an_empty_tenant_gets_every_resource_created_workflows_first(tmp_path: Path) -> None:
    plan = make_plan(request(tmp_path, files()), snapshot())
    assert [change.action for change in plan.changes] == [Action.CREATE] * 3
    rule = next(change for change in plan.changes if change.kind == "TicketRule")
    assert set(rule.depends_on) == {f"Workflow/{documents.WORKFLOW_GUID}"}


def test_a_missing_lookup_fails_before_anything_is_planned(tmp_path: Path) -> None:
    with pytest.raises(ConfigErrors, match="memory:test has no agent of that name"):
        make_plan(request(tmp_path, files(new_agent_id={"agent": "Nobody"})), applied())


def test_deletes_are_known_from_the_rows_and_read_in_full_where_they_need_it(
    tmp_path: Path,
) -> None:
    """A tombstone's record is doomed from the list alone; a workflow (which declares
    ``in_use`` in its detail) must be read whole, and the planner then warns."""
    doomed = {"kind": "Workflow", "guid": documents.PROBLEM_GUID, "name": "Problem Management"}
    tomb = {**doomed, "deleted": True}
    built = request(tmp_path, {"workflows/problem.yaml": [tomb]})
    live = snapshot(Workflow=[{**tenant.live_problem(), "in_use": True}])
    deletes, _ = planned_deletions(built.repo, built.prune, live)
    assert [change.key for change in deletes] == [f"Workflow/{documents.PROBLEM_GUID}"]
    workflow = by_kind("Workflow")
    assert workflow is not None
    assert needed_by_deletes(deletes)(workflow, live.kinds["Workflow"].rows[0]) is None
    plan = make_plan(built, live)
    assert [change.action for change in plan.changes] == [Action.DELETE]
    assert any("is in use" in str(warning) for warning in plan.warnings)


def test_planning_twice_gives_the_same_plan(tmp_path: Path) -> None:
    built = request(tmp_path, files(precedence=3))
    live = applied()
    assert make_plan(built, live).digest == make_plan(built, live).digest
