"""validate: what only the repo as a whole can tell, every finding located and collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from haloform.diagnostics import Diagnostics, Location
from haloform.load.repo import load_repo
from haloform.load.validate import check_repo, check_resource, summary, validate_repo
from tests.examples import RESOURCE_COUNT
from tests.kinds import documents
from tests.repo_builder import Files, consistent_repo, write_repo

GUID_1 = "11111111-1111-4111-8111-111111111111"
GUID_2 = "22222222-2222-4222-8222-222222222222"
GUID_3 = "33333333-3333-4333-8333-333333333333"

INCIDENT = f"""
    kind: Workflow
    guid: {GUID_1}
    name: Incident Lifecycle
    steps:
      - step_id: 1
        isstart: true
        actions:
          - {{action_id: {{outcome: Resolve}}, end_step: 2}}
      - {{step_id: 2, name: Resolved}}
"""
"""A sound workflow: 10 lines, referable as 'Incident Lifecycle' or by GUID_1."""


def rule(name: str, guid: str, *lines: str) -> str:
    """A ticket rule document with extra top-level lines."""
    return "\n".join([f"kind: TicketRule\nguid: {guid}\nname: {name}", *lines]) + "\n"


def findings(root: Path, files: Files, variables: dict[str, str] | None = None) -> list[str]:
    """Every finding of ``validate_repo``, file paths relative to ``root``."""
    repo = validate_repo(write_repo(root, files), variables)
    return [str(d).replace(f"{root}/", "") for d in repo.diagnostics]


def test_a_consistent_repo_only_warns_about_its_raw_ids(tmp_path: Path) -> None:
    repo = validate_repo(consistent_repo(tmp_path))
    assert repo.diagnostics.errors == []
    assert sorted(str(d.field) for d in repo.diagnostics.warnings) == [
        "always_allow_actions[1]",
        "new_status_id",
        "steps[1].actions[0].time_limit_action_id",
    ]


def test_the_examples_are_clean() -> None:
    examples = Path(__file__).parents[2] / "examples"
    repo = validate_repo(examples, {"network_team": "Network"})
    assert [str(d) for d in repo.diagnostics] == []
    assert len(repo.resources) == RESOURCE_COUNT


def test_each_resource_is_checked_as_it_loads_and_the_repo_after(tmp_path: Path) -> None:
    files = {
        "a.yaml": rule("A", GUID_1, "precedence: x"),
        "b.yaml": rule("B", GUID_2, "new_status_id: 4"),
        "c.yaml": rule("B", GUID_3),
    }
    root = write_repo(tmp_path, files)
    assert [d.field for d in load_repo(root).diagnostics] == ["precedence"]
    repo = load_repo(root, check=check_resource)
    assert [d.field for d in repo.diagnostics] == ["precedence", "new_status_id"]
    check_repo(repo)
    assert [d.field for d in repo.diagnostics] == ["precedence", "new_status_id", "name"]


def test_a_message_after_loading_is_placed_from_the_document_read_again(
    tmp_path: Path,
) -> None:
    """Bodies are dropped once validated: a later message parses its document again
    and still points at the line and column in its file."""
    text = f"{rule('A', GUID_1)}---\n# note\n{rule('B', GUID_2, '  # why', 'new_status_id: 4')}"
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("new_status"))
    item = load_repo(write_repo(tmp_path, {"rules.yaml": text})).resources[1]
    assert item.document.body is None
    where = item.at(("new_status_id",))
    assert (where.file, where.line, where.column) == (str(tmp_path / "rules.yaml"), line, 1)


# --- identities ------------------------------------------------------------------------------


def test_a_guid_used_twice_is_an_error_at_the_second(tmp_path: Path) -> None:
    result = findings(
        tmp_path,
        {"a.yaml": rule("First", GUID_1), "b.yaml": f"# copied\n{rule('Second', GUID_1)}"},
    )
    assert result == [
        f"b.yaml:3:1: error: guid: guid {GUID_1} is already used at a.yaml:1; every resource "
        "needs its own (copying a guid would overwrite the other record in Halo)"
    ]


def test_a_guid_is_the_same_guid_however_it_is_spelled(tmp_path: Path) -> None:
    result = findings(
        tmp_path, {"a.yaml": rule("First", GUID_1), "b.yaml": rule("Second", GUID_1.upper())}
    )
    assert len(result) == 1 and "is already used at" in result[0]


def test_a_guid_shared_with_a_tombstone_is_an_error_at_the_tombstone(tmp_path: Path) -> None:
    tomb = f"kind: Workflow\nguid: {GUID_1}\nname: Old\ndeleted: true\n"
    result = findings(
        tmp_path, {"a.yaml": tomb, "b.yaml": f"kind: Workflow\nguid: {GUID_1}\nname: New\n"}
    )
    assert result == [
        f"a.yaml:2:1: error: guid: guid {GUID_1} is already used at b.yaml:1; every resource "
        "needs its own (copying a guid would overwrite the other record in Halo)"
    ]


def test_two_tombstones_with_one_guid_is_an_error(tmp_path: Path) -> None:
    tomb = f"kind: TicketRule\nguid: {GUID_1}\nname: Old\ndeleted: true\n"
    result = findings(tmp_path, {"a.yaml": f"{tomb}---\n{tomb}"})
    assert [line.split(": ")[0] for line in result] == ["a.yaml:7:1"]


def test_names_are_unique_within_a_kind_ignoring_case(tmp_path: Path) -> None:
    result = findings(
        tmp_path,
        {"rules.yaml": f"{rule('P1 to Network', GUID_1)}---\n{rule('p1 TO network', GUID_2)}"},
    )
    assert result == [
        "rules.yaml:7:1: error: name: another TicketRule is named 'p1 TO network' "
        "(at rules.yaml:1); names must be unique within a kind"
    ]


def test_one_name_may_be_used_by_different_kinds(tmp_path: Path) -> None:
    event = f"kind: EventRule\nguid: {GUID_2}\nname: Same\n"
    assert findings(tmp_path, {"a.yaml": rule("Same", GUID_1), "b.yaml": event}) == []


# --- references to managed resources ---------------------------------------------------------


def test_a_reference_by_name_to_a_defined_workflow_ignores_case(tmp_path: Path) -> None:
    files = {
        "wf.yaml": INCIDENT,
        "r.yaml": rule("R", GUID_2, "new_workflow_id: {workflow: INCIDENT lifecycle}"),
    }
    assert findings(tmp_path, files) == []


def test_a_reference_by_guid_to_a_defined_workflow(tmp_path: Path) -> None:
    files = {
        "wf.yaml": INCIDENT,
        "r.yaml": rule("R", GUID_2, f"new_workflow_id: {{workflow: {{guid: {GUID_1.upper()}}}}}"),
    }
    assert findings(tmp_path, files) == []


UNMANAGED = "; plan looks for it in the tenant (an unmanaged dependency)"
"""Not in the repo is a warning: the tenant may hold it (an unmanaged dependency)."""


def test_an_undefined_name_suggests_the_closest_workflow(tmp_path: Path) -> None:
    files = {
        "wf.yaml": INCIDENT,
        "r.yaml": rule("R", GUID_2, "new_workflow_id: {workflow: Incident Lifecylce}"),
    }
    assert findings(tmp_path, files) == [
        "r.yaml:4:1: warning[unmanaged-reference]: "
        "new_workflow_id: {workflow: Incident Lifecylce}: no Workflow of "
        f"that name in this repo{UNMANAGED}; did you mean 'Incident Lifecycle'?"
    ]


def test_an_undefined_name_with_nothing_close_has_no_suggestion(tmp_path: Path) -> None:
    files = {
        "wf.yaml": INCIDENT,
        "r.yaml": rule("R", GUID_2, "new_workflow_id: {workflow: Change Approval}"),
    }
    assert findings(tmp_path, files) == [
        "r.yaml:4:1: warning[unmanaged-reference]: "
        "new_workflow_id: {workflow: Change Approval}: no Workflow of "
        f"that name in this repo{UNMANAGED}"
    ]


def test_an_undefined_guid(tmp_path: Path) -> None:
    files = {"r.yaml": rule("R", GUID_2, f"new_workflow_id: {{workflow: {{guid: {GUID_3}}}}}")}
    assert findings(tmp_path, files) == [
        f"r.yaml:4:1: warning[unmanaged-reference]: "
        f"new_workflow_id: {{workflow: {{guid: {GUID_3}}}}}: no Workflow "
        f"of that guid in this repo{UNMANAGED}"
    ]


def test_references_deep_inside_a_workflow_are_located(tmp_path: Path) -> None:
    document = documents.workflow()  # its step 3 and a step rule name 'Problem Management'
    result = findings(tmp_path, {"wf.yaml": [document]})
    unmanaged = [line for line in result if UNMANAGED in line]
    assert unmanaged == [
        f"wf.yaml:40:5: warning[unmanaged-reference]: "
        f"steps[1].rules[0].new_workflow_id: {{workflow: {{guid: "
        f"{documents.PROBLEM_GUID}}}}}: no Workflow of that guid in this repo{UNMANAGED}",
        "wf.yaml:45:3: warning[unmanaged-reference]: "
        "steps[2].new_flow_id: {workflow: Problem Management}: no "
        f"Workflow of that name in this repo{UNMANAGED}",
    ]
    assert [line for line in result if ": error: " in line] == []


def test_a_reference_to_a_deleted_workflow(tmp_path: Path) -> None:
    tomb = f"kind: Workflow\nguid: {GUID_1}\nname: Old Flow\ndeleted: true\n"
    by_name = rule("By name", GUID_2, "new_workflow_id: {workflow: old flow}")
    by_guid = rule("By guid", GUID_3, f"new_workflow_id: {{workflow: {{guid: {GUID_1}}}}}")
    result = findings(tmp_path, {"gone.yaml": tomb, "r.yaml": f"{by_name}---\n{by_guid}"})
    assert result == [
        "r.yaml:4:1: error: new_workflow_id: {workflow: old flow}: that Workflow is marked "
        "deleted in this repo",
        f"r.yaml:9:1: error: new_workflow_id: {{workflow: {{guid: {GUID_1}}}}}: that Workflow "
        "is marked deleted in this repo",
    ]


def test_a_reference_to_an_unreadable_workflow_is_not_reported_again(tmp_path: Path) -> None:
    broken = f"kind: Workflow\nguid: {GUID_1.upper()}\nname: Broken Flow\nsteps: 3\n"
    by_name = rule("By name", GUID_2, "new_workflow_id: {workflow: broken flow}")
    by_guid = rule("By guid", GUID_3, f"new_workflow_id: {{workflow: {{guid: {GUID_1}}}}}")
    result = findings(tmp_path, {"wf.yaml": broken, "r.yaml": f"{by_name}---\n{by_guid}"})
    assert result == ["wf.yaml:4:8: error: steps: expected a list, got 3"]


def test_a_workflow_may_refer_to_itself(tmp_path: Path) -> None:
    itself = INCIDENT + "      - {step_id: 3, new_flow_id: {workflow: Incident Lifecycle}}\n"
    result = findings(tmp_path, {"wf.yaml": itself})
    assert [line for line in result if "error" in line] == []


# --- portability -----------------------------------------------------------------------------


def test_a_raw_tenant_id_is_a_warning_naming_the_portable_form(tmp_path: Path) -> None:
    files = {"r.yaml": rule("R", GUID_1, "new_status_id: 12", "new_workflow_id: 3")}
    assert findings(tmp_path, files) == [
        "r.yaml:4:1: warning[tenant-id]: "
        "new_status_id: 12 is a tenant id and differs between tenants: "
        "write {status: <name>}",
        "r.yaml:5:1: warning[tenant-id]: "
        "new_workflow_id: 3 is a tenant id and differs between tenants: "
        "write {workflow: <name>}",
    ]


def test_a_category_reference_warns_that_it_cannot_be_resolved(tmp_path: Path) -> None:
    files = {
        "r.yaml": rule(
            "R", GUID_1, "criteria:", "  - {fieldname: category_1, value_int: {category: Disk}}"
        )
    }
    assert findings(tmp_path, files) == [
        "r.yaml:5:29: warning[unresolvable-reference]: "
        "criteria[0].value_int: {category: Disk} cannot be resolved: "
        "Halo's API offers no category list, so plan will ask for a raw id here"
    ]


def test_warnings_are_not_errors(tmp_path: Path) -> None:
    repo = validate_repo(write_repo(tmp_path, {"r.yaml": rule("R", GUID_1, "new_status_id: 1")}))
    assert repo.diagnostics.errors == [] and len(repo.diagnostics.warnings) == 1


# --- each kind's own check -------------------------------------------------------------------


def test_a_kinds_findings_are_located_in_the_file(tmp_path: Path) -> None:
    broken = f"""
        kind: Workflow
        guid: {GUID_1}
        name: W
        stages: [{{sequence: 1, outcome_step: 7}}]
        steps:
          - step_id: 1
            isstart: true
            stage_number: 2
            actions:
              - {{action_id: {{outcome: Go}}, end_step: 9}}
              - {{action_id: {{outcome: Stay}}, start_step: 5}}
          - {{step_id: 2, name: Lost, isstart: true}}
          - {{step_id: 3, name: Orphan}}
    """
    assert findings(tmp_path, {"wf.yaml": broken}) == [
        "wf.yaml:4:24: error: stages[0].outcome_step: no step 7 in this workflow",
        "wf.yaml:8:5: error: steps[0].stage_number: no stage with sequence 2",
        "wf.yaml:10:36: warning[dangling-step]: steps[0].actions[0].end_step: no step 9 in "
        "this workflow: Halo keeps the action, but pressing it leads nowhere",
        "wf.yaml:11:9: error: steps[0].actions[1]: an action needs 'end_step' (the step it "
        "leads to)",
        "wf.yaml:11:38: warning[dangling-step]: steps[0].actions[1].start_step: no step 5 in "
        "this workflow: Halo keeps the action, but pressing it leads nowhere",
        "wf.yaml:12:6: warning[unreachable-step]: "
        "steps[1].step_id: step 2 (Lost) cannot be reached from the "
        "start step by any action",
        "wf.yaml:12:30: error: steps[1].isstart: a second start step (step 1 is the first)",
        "wf.yaml:13:6: warning[unreachable-step]: "
        "steps[2].step_id: step 3 (Orphan) cannot be reached from the "
        "start step by any action",
    ]


def test_a_missing_start_is_reported_at_the_steps_key(tmp_path: Path) -> None:
    no_start = f"kind: Workflow\nguid: {GUID_1}\nname: W\nsteps:\n  - {{step_id: 1}}\n"
    assert findings(tmp_path, {"wf.yaml": no_start}) == [
        "wf.yaml:4:1: error: steps: no step has 'isstart: true'; a workflow needs one start"
    ]


# --- precedence ------------------------------------------------------------------------------


def test_a_shared_precedence_is_lint_s_judgement_not_validate_s(tmp_path: Path) -> None:
    """Whether two rules of one precedence collide depends on their criteria: lint's
    ``ambiguous-order`` tells (tests/analyze); validate checks integrity only."""
    rules = "---\n".join([rule("A", GUID_1, "precedence: 10"), rule("B", GUID_2, "precedence: 10")])
    assert findings(tmp_path, {"rules.yaml": rules}) == []


# --- every problem at once ------------------------------------------------------------------


def test_one_run_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    result = findings(
        tmp_path,
        {
            "a.yaml": "kind: Workflow\nname: [unclosed\n",
            "b.yaml": rule("B", GUID_1, "precedence: high"),
            "c.yaml": rule("C", GUID_1, "new_workflow_id: {workflow: Nope}"),
            "d.yaml": rule("D", GUID_2, "note: ${undefined}"),
        },
        variables={},
    )
    assert [line.split(": ")[0] for line in result] == [
        "a.yaml:3:1",
        "b.yaml:4:13",
        "c.yaml:4:1",
        "d.yaml:4:1",
        "d.yaml:4:7",
    ]
    assert "no Workflow of that name" in result[2]
    assert "undefined variable 'undefined'" in result[4]


# --- summary ------------------------------------------------------------------------------


def test_summary_lists_findings_in_file_order_then_counts() -> None:
    found = Diagnostics()
    found.warning("second", Location("b.yaml", 2, 1), "x")
    found.error("first", Location("a.yaml", 9, 3))
    assert list(summary(found)) == [
        "a.yaml:9:3: error: first",
        "b.yaml:2:1: warning: x: second",
        "1 error, 1 warning",
    ]


@pytest.mark.parametrize(
    ("errors", "warnings", "line"),
    [(0, 0, "0 errors, 0 warnings"), (2, 1, "2 errors, 1 warning"), (1, 3, "1 error, 3 warnings")],
)
def test_summary_counts(errors: int, warnings: int, line: str) -> None:
    found = Diagnostics()
    for number in range(errors):
        found.error(f"e{number}")
    for number in range(warnings):
        found.warning(f"w{number}")
    assert list(summary(found))[-1] == line
    assert len(list(summary(found))) == errors + warnings + 1


def test_a_raw_tenant_id_in_a_lookup_criterion_is_warned_about(tmp_path: Path) -> None:
    body = rule(
        "R",
        GUID_2,
        "criteria:",
        "  - {fieldname: priority_id, type: 0, value_int: 1015}",
        "  - {fieldname: status_id, type: 0, value_int: {status: New}}",
        "  - {fieldname: fieldid_99, type: 0, value_int: 7}",
        "  - {fieldname: priority_id, type: 29, value_int: 0}",
    )
    assert findings(tmp_path, {"r.yaml": body}) == [
        "r.yaml:5:39: warning[tenant-id]: "
        "criteria[0].value_int: 1015 is this tenant's id of a priority "
        "(priority_id) and differs between tenants: write {priority: <name>}"
    ]
