"""simulate: Halo's evaluation order over a repo, offline, with every assumption named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from haloform.analyze.simulate import simulate
from haloform.analyze.simulate_format import as_dict, text
from haloform.kinds.refs import lookup_ref
from haloform.load.repo import Repo
from haloform.load.validate import validate_repo
from tests.repo_builder import write_repo

EXAMPLES = Path(__file__).parents[2] / "examples"
P1 = lookup_ref("priority", "P1 Critical")


def guid(n: int) -> str:
    return f"{n:08d}-0000-4000-8000-000000000000"


def rule(n: int, name: str, precedence: int, *lines: str) -> str:
    head = f"kind: TicketRule\nguid: {guid(n)}\nname: {name}\nprecedence: {precedence}\n"
    return head + "".join(f"{line}\n" for line in lines)


def repo_of(tmp_path: Path, *documents: str) -> Repo:
    repo = validate_repo(write_repo(tmp_path, {"r.yaml": "---\n".join(documents)}))
    assert repo.diagnostics.errors == []
    return repo


def matched(repo: Repo, ticket: dict[str, Any], event: str = "new") -> list[str]:
    run = simulate(repo, ticket, "existing" if event == "existing" else "new")
    return [match.rule.name for match in run.matched]


SUMMARY_NET = "criteria: [{fieldname: summary, type: 2, value_string: network}]"


def test_rules_run_by_precedence_and_stopmatching_ends_the_evaluation(tmp_path: Path) -> None:
    repo = repo_of(
        tmp_path,
        rule(1, "Late", 30, SUMMARY_NET, "new_team: Late"),
        rule(2, "Stopper", 20, SUMMARY_NET, "stopmatching: true", "new_team: Stop"),
        rule(3, "Early", 10, SUMMARY_NET, "new_team: Early"),
    )
    run = simulate(repo, {"summary": "network down"})
    assert [(m.rule.name, m.stopped) for m in run.matched] == [
        ("Early", False),
        ("Stopper", True),
    ]
    assert run.stopped_by == "Stopper"
    assert run.result["team"] == "Stop"
    assert run.result_assumes == {"team": ("override",)}
    assert "override" in run.assumptions


def test_a_non_matching_stopmatching_rule_stops_nothing(tmp_path: Path) -> None:
    repo = repo_of(
        tmp_path,
        rule(
            1,
            "Stopper",
            1,
            "stopmatching: true",
            "criteria: [{fieldname: summary, type: 2, value_string: printer}]",
        ),
        rule(2, "Net", 2, SUMMARY_NET),
    )
    assert matched(repo, {"summary": "network"}) == ["Net"]


def test_inactive_rules_are_skipped(tmp_path: Path) -> None:
    repo = repo_of(
        tmp_path,
        rule(1, "Off", 1, SUMMARY_NET, "active: false", "stopmatching: true"),
        rule(2, "On", 2, SUMMARY_NET),
    )
    run = simulate(repo, {"summary": "network"})
    assert [m.rule.name for m in run.matched] == ["On"]
    assert [(view.name, reason) for view, reason in run.skipped] == [("Off", "inactive")]


def test_step_rules_are_not_evaluated_at_the_top_level(tmp_path: Path) -> None:
    workflow = f"""kind: Workflow
guid: {guid(9)}
name: W
steps:
  - step_id: 1
    isstart: true
    name: Only
    isend: true
    rules:
      - {{name: Step rule, criteria: [{{fieldname: summary, type: 2, value_string: network}}]}}
"""
    repo = repo_of(tmp_path, workflow, rule(1, "Top", 5, SUMMARY_NET))
    assert matched(repo, {"summary": "network"}) == ["Top"]


def test_use_is_checked_against_the_event(tmp_path: Path) -> None:
    repo = repo_of(
        tmp_path,
        rule(1, "Both", 1, SUMMARY_NET),
        rule(2, "New only", 2, SUMMARY_NET, "use: 1"),
        rule(3, "Existing only", 3, SUMMARY_NET, "use: 2"),
        rule(4, "Manual", 4, SUMMARY_NET, "use: 3"),
    )
    ticket = {"summary": "network"}
    assert matched(repo, ticket, "new") == ["Both", "New only"]
    assert matched(repo, ticket, "existing") == ["Both", "Existing only"]
    assert "use" in simulate(repo, ticket).assumptions


def test_an_unknown_use_code_makes_the_rule_undecidable(tmp_path: Path) -> None:
    repo = repo_of(tmp_path, rule(1, "Odd", 1, SUMMARY_NET, "use: 7"))
    run = simulate(repo, {"summary": "network"})
    assert run.matched == []
    assert [(u.rule.name, u.reasons) for u in run.undecided] == [
        ("Odd", ("use code 7 is unknown",))
    ]


def test_criteria_groups_are_ored_and_anded_with_the_rule_s_criteria(tmp_path: Path) -> None:
    groups = """use_criteria_groups: true
criteria: [{fieldname: summary, type: 2, value_string: network}]
criteria_groups:
  - {criteria: [{fieldname: priority_id, type: 0, value_int: {priority: P1 Critical}}]}
  - {criteria: [{fieldname: priority_id, type: 0, value_int: {priority: P2 High}}]}"""
    repo = repo_of(tmp_path, rule(1, "Grouped", 1, groups))
    assert matched(repo, {"summary": "network", "priority_id": "P2 High"}) == ["Grouped"]
    assert matched(repo, {"summary": "network", "priority_id": P1}) == ["Grouped"]
    assert matched(repo, {"summary": "network", "priority_id": "P3"}) == []
    assert matched(repo, {"summary": "printer", "priority_id": P1}) == []
    assert "groups" in simulate(repo, {"summary": "x"}).assumptions


def test_groups_without_the_flag_are_ignored(tmp_path: Path) -> None:
    groups = "criteria_groups: [{criteria: [{fieldname: summary, type: 30}]}]"
    repo = repo_of(tmp_path, rule(1, "R", 1, groups))
    assert matched(repo, {"summary": "anything"}) == ["R"]


def test_an_undecidable_rule_is_reported_never_silently_false(tmp_path: Path) -> None:
    repo = repo_of(
        tmp_path,
        rule(1, "Unknown code", 1, "criteria: [{fieldname: summary, type: 99, value_string: x}]"),
        rule(
            2,
            "Other table",
            2,
            "criteria: [{fieldname: name, tablename: users, type: 0, value_string: x}]",
        ),
        rule(3, "Name vs id", 3, "criteria: [{fieldname: priority_id, type: 0, value_int: 4}]"),
    )
    run = simulate(repo, {"summary": "x", "priority_id": P1})
    assert [u.rule.name for u in run.undecided] == ["Unknown code", "Other table", "Name vs id"]
    reasons = [reason for u in run.undecided for reason in u.reasons]
    assert "type code 99 has no published meaning" in reasons[0]
    assert "'users', not of the ticket" in reasons[1]
    assert "name cannot be compared with a tenant id" in reasons[2]
    assert "undecidable" in run.assumptions


def test_a_definitely_false_criterion_decides_despite_an_undecidable_one(tmp_path: Path) -> None:
    both = "criteria: [{fieldname: summary, type: 99}, {fieldname: priority_id, type: 29}]"
    repo = repo_of(tmp_path, rule(1, "R", 1, both))
    run = simulate(repo, {"summary": "x"})
    assert run.matched == [] and run.undecided == []


def test_equal_precedence_and_absent_fields_are_stated_assumptions(tmp_path: Path) -> None:
    repo = repo_of(
        tmp_path,
        rule(1, "A", 10, SUMMARY_NET, "new_team: A"),
        rule(2, "B", 10, "criteria: [{fieldname: symptom, type: 3, value_string: x}]"),
    )
    run = simulate(repo, {"summary": "network"})
    assert [(m.rule.name, m.assumes) for m in run.matched] == [
        ("A", ("ties",)),
        ("B", ("ties",)),
    ]
    shown = as_dict(run)
    texts = {a["id"]: a["text"] for a in shown["assumptions"]}
    assert "symptom" in texts["empty"]
    assert "ties" in texts


def test_a_rule_reading_a_field_an_earlier_rule_set_rests_on_an_assumption(
    tmp_path: Path,
) -> None:
    raise_it = "new_priority_id: {priority: P1 Critical}"
    reads_it = "criteria: [{fieldname: priority_id, type: 1, value_int: {priority: P1 Critical}}]"
    repo = repo_of(
        tmp_path, rule(1, "Raise", 1, SUMMARY_NET, raise_it), rule(2, "Not P1", 2, reads_it)
    )
    run = simulate(repo, {"summary": "network", "priority_id": "P3"})
    assert [(m.rule.name, m.assumes) for m in run.matched] == [
        ("Raise", ()),
        ("Not P1", ("original",)),
    ]
    assert run.result["priority_id"] == P1


def test_a_match_after_an_undecidable_stopmatching_rule_says_so(tmp_path: Path) -> None:
    odd = "criteria: [{fieldname: summary, type: 99}]"
    repo = repo_of(
        tmp_path, rule(1, "Odd", 1, odd, "stopmatching: true"), rule(2, "Net", 2, SUMMARY_NET)
    )
    run = simulate(repo, {"summary": "network"})
    assert [(m.rule.name, m.assumes) for m in run.matched] == [("Net", ("undecidable",))]


def test_tickettype_id_and_requesttype_id_are_one_field(tmp_path: Path) -> None:
    crit = "criteria: [{fieldname: requesttype_id, type: 0, value_int: {tickettype: Incident}}]"
    repo = repo_of(tmp_path, rule(1, "R", 1, crit))
    assert matched(repo, {"tickettype_id": "Incident"}) == ["R"]


def test_the_json_shape_on_the_examples() -> None:
    repo = validate_repo(EXAMPLES, {"network_team": "Network"})
    run = simulate(repo, {"summary": "Core network down", "priority_id": P1})
    shown = as_dict(run)
    assert shown["matched"] == [
        {
            "name": "P1 to Network team",
            "precedence": 10,
            "stopped": True,
            "sets": {
                "new_agent_id": {"agent": "Carol Network"},
                "new_team": "Network",
                "new_sla_id": {"sla": "Platinum"},
                "new_workflow_id": {"workflow": "Incident Lifecycle"},
            },
            "assumes": [],
        }
    ]
    assert shown["result"]["agent_id"] == {"agent": "Carol Network"}
    assert shown["result"]["priority_id"] == {"priority": "P1 Critical"}
    assert shown["stopped_by"] == "P1 to Network team"
    assert isinstance(shown["assumptions"], list)
    assert "stopmatching: no later rule is looked at" in text(run)
