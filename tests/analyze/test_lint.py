"""lint: every finding of the issue, once each, at the right line, and nothing on the
examples; suppression, strictness and the plan-side lookup by resource key."""

from __future__ import annotations

import shutil
from pathlib import Path

from haloform.analyze.lint import findings_for, lint
from haloform.diagnostics import LINT_RULES, Severity
from haloform.load.repo import Repo
from haloform.load.validate import validate_repo
from tests.repo_builder import write_repo

ROOT = Path(__file__).parents[2]
FIXTURE = Path(__file__).parent / "lint_fixture"
EXAMPLES = ROOT / "examples"

EXPECTED = [
    ("events.yaml", 12, "event-key-overlap"),
    ("rules.yaml", 15, "unreachable-rule"),
    ("rules.yaml", 24, "contradictory-criteria"),
    ("rules.yaml", 40, "ambiguous-order"),
    ("rules.yaml", 55, "identical-rules"),
    ("rules.yaml", 77, "inactive-workflow"),
    ("workflows.yaml", 18, "step-unreachable"),
    ("workflows.yaml", 22, "step-no-way-out"),
    ("workflows.yaml", 23, "step-dead-end"),
    ("workflows.yaml", 41, "workflow-switch-loop"),
]
"""Each line carries a ``# rule-id`` comment in the fixture, where the finding must point."""

GUID_1 = "11111111-1111-4111-8111-111111111111"
GUID_2 = "22222222-2222-4222-8222-222222222222"
GUID_3 = "33333333-3333-4333-8333-333333333333"


def checked(root: Path) -> Repo:
    repo = validate_repo(root)
    assert repo.diagnostics.errors == []
    return repo


def located(root: Path) -> list[tuple[str, int | None, str]]:
    return [
        (Path(f.location.file).relative_to(root).as_posix(), f.location.line, f.rule)
        for f in lint(checked(root)).findings
    ]


def test_the_fixture_yields_every_finding_once_at_its_line() -> None:
    assert located(FIXTURE) == EXPECTED
    assert {rule for _, _, rule in EXPECTED} == set(LINT_RULES)


def test_each_expected_line_is_marked_with_its_rule_id_in_the_fixture() -> None:
    for file, line, rule in EXPECTED:
        text = (FIXTURE / file).read_text().splitlines()[line - 1]
        assert f"# {rule}" in text, (file, line, text)


def test_findings_name_the_other_rule_and_carry_severity() -> None:
    report = lint(checked(FIXTURE))
    shadowed = next(f for f in report.findings if f.rule == "unreachable-rule")
    assert "'Every P1 to the duty manager' (precedence 5" in shadowed.message
    assert shadowed.related == ("TicketRule/10000000-0000-4000-8000-000000000001",)
    assert shadowed.severity is Severity.ERROR
    assert len(report.errors) == 6
    assert len(report.warnings) == 4


def test_the_examples_lint_clean() -> None:
    repo = validate_repo(EXAMPLES, {"network_team": "Network"})
    assert lint(repo).findings == ()


def test_an_ignore_comment_silences_that_rule_on_that_document_only(tmp_path: Path) -> None:
    copy = shutil.copytree(FIXTURE, tmp_path / "repo")
    rules = copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("# haloform: ignore[identical-rules]", "#"))
    found = [(file, rule) for file, _, rule in located(copy)]
    assert found.count(("rules.yaml", "identical-rules")) == 2


def test_haloform_yaml_ignore_silences_a_rule_in_every_document(tmp_path: Path) -> None:
    a, b = _rule("A", GUID_1, 10, "new_team: A"), _rule("B", GUID_2, 10, "new_team: B")
    root = write_repo(tmp_path, {"r.yaml": a + "---\n" + b})
    assert [f.rule for f in lint(validate_repo(root)).findings] == ["ambiguous-order"]
    assert lint(validate_repo(root, ignore=["ambiguous-order"])).findings == ()


def test_strict_fails_on_warnings_alone(tmp_path: Path) -> None:
    a, b = _rule("A", GUID_1, 10, "new_team: A"), _rule("B", GUID_2, 10, "new_team: B")
    root = write_repo(tmp_path, {"r.yaml": a + "---\n" + b})
    report = lint(checked(root))
    assert [f.rule for f in report.findings] == ["ambiguous-order"]
    assert not report.fails()
    assert report.fails(strict=True)


def _rule(name: str, guid: str, precedence: int, *lines: str) -> str:
    head = f"kind: TicketRule\nguid: {guid}\nname: {name}\nprecedence: {precedence}\n"
    return head + "".join(f"{line}\n" for line in lines)


def test_equal_precedence_for_new_and_for_existing_tickets_is_fine(tmp_path: Path) -> None:
    new, existing = _rule("A", GUID_1, 10, "use: 1"), _rule("B", GUID_2, 10, "use: 2")
    root = write_repo(tmp_path, {"r.yaml": new + "---\n" + existing})
    assert lint(checked(root)).findings == ()


def test_equal_precedence_with_disjoint_criteria_is_fine(tmp_path: Path) -> None:
    p1 = "criteria: [{fieldname: priority_id, type: 0, value_int: {priority: P1}}]"
    p2 = "criteria: [{fieldname: priority_id, type: 0, value_int: {priority: P2}}]"
    root = write_repo(
        tmp_path, {"r.yaml": _rule("A", GUID_1, 10, p1) + "---\n" + _rule("B", GUID_2, 10, p2)}
    )
    assert lint(checked(root)).findings == ()


def test_a_catch_all_stopmatching_rule_shadows_everything_after_it_of_its_use(
    tmp_path: Path,
) -> None:
    catch_all = _rule("All", GUID_1, 1, "stopmatching: true")
    narrow = _rule(
        "Narrow", GUID_2, 9, "criteria: [{fieldname: summary, type: 2, value_string: x}]"
    )
    other_use = _rule("Existing only", GUID_3, 8, "use: 2")
    root = write_repo(tmp_path, {"r.yaml": "---\n".join([catch_all, narrow, other_use])})
    report = lint(checked(root))
    assert [(f.rule, f.resource) for f in report.findings] == [
        ("unreachable-rule", f"TicketRule/{GUID_2}")
    ]


def test_a_partial_match_is_never_taken_as_implied(tmp_path: Path) -> None:
    wide = _rule(
        "Wide",
        GUID_1,
        1,
        "stopmatching: true",
        "criteria: [{fieldname: summary, type: 0, value_string: db, partialmatch: true}]",
    )
    narrow = _rule(
        "Narrow", GUID_2, 9, "criteria: [{fieldname: summary, type: 0, value_string: db}]"
    )
    root = write_repo(tmp_path, {"r.yaml": wide + "---\n" + narrow})
    assert lint(checked(root)).findings == ()


def test_has_and_has_not_a_value_contradict(tmp_path: Path) -> None:
    both = _rule(
        "Both",
        GUID_1,
        1,
        "criteria: [{fieldname: summary, type: 29}, {fieldname: summary, type: 30}]",
    )
    root = write_repo(tmp_path, {"r.yaml": both})
    assert [f.rule for f in lint(checked(root)).findings] == ["contradictory-criteria"]


WORKFLOW = """
kind: Workflow
guid: {guid}
name: {name}
{extra}
steps:
  - step_id: 1
    name: Start
    isstart: true
    actions: [{{action_id: {{outcome: Go}}, end_step: 2}}]
  - step_id: 2
    name: Switch
    new_flow_id: {{workflow: Old}}
    rules:
      - {{name: Step rule, new_workflow_id: {{workflow: Old}}}}
"""


def test_steps_and_step_rules_sending_to_an_inactive_workflow(tmp_path: Path) -> None:
    old = WORKFLOW.format(guid=GUID_2, name="Old", extra="active: false")
    live = WORKFLOW.format(guid=GUID_1, name="Live", extra="")
    root = write_repo(tmp_path, {"w.yaml": live + "---\n" + old})
    findings = [f for f in lint(checked(root)).findings if f.rule == "inactive-workflow"]
    assert [f.message.split(":")[0] for f in findings] == [
        "steps[1].new_flow_id",
        "steps[1].rules[0].new_workflow_id",
    ]
    assert {f.resource for f in findings} == {f"Workflow/{GUID_1}"}


def test_an_always_allowed_action_is_a_way_out(tmp_path: Path) -> None:
    text = f"""
        kind: Workflow
        guid: {GUID_1}
        name: W
        always_allow_actions: [{{outcome: Close}}]
        steps:
          - step_id: 1
            name: Start
            isstart: true
            actions: [{{action_id: {{outcome: Go}}, end_step: 2}}]
          - {{step_id: 2, name: Parked}}
          - {{step_id: 3, name: End, isend: true}}
    """
    root = write_repo(tmp_path, {"w.yaml": text})
    rules = [f.rule for f in lint(checked(root)).findings]
    assert "step-no-way-out" not in rules
    assert "step-unreachable" in rules  # step 3: no action leads there


def test_findings_for_resource_keys_include_findings_that_name_them() -> None:
    repo = checked(FIXTURE)
    shadowing = "TicketRule/10000000-0000-4000-8000-000000000001"
    retired = "Workflow/20000000-0000-4000-8000-000000000002"
    assert [f.rule for f in findings_for(repo, [shadowing])] == ["unreachable-rule"]
    assert [f.rule for f in findings_for(repo, [retired])] == ["inactive-workflow"]
    assert findings_for(repo, ["TicketRule/00000000-0000-4000-8000-000000000099"]) == []
