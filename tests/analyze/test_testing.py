"""test: RuleTest and WorkflowTest documents, their failures readable, and JUnit XML."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from haloform.analyze.testing import TestResult, run_tests
from haloform.analyze.testing_format import junit, text
from haloform.load.validate import validate_repo

EXAMPLES = Path(__file__).parents[2] / "examples"


def results(root: Path) -> list[TestResult]:
    repo = validate_repo(root, {"network_team": "Network"})
    assert repo.diagnostics.errors == []
    return run_tests(repo)


def test_the_examples_tests_pass() -> None:
    found = results(EXAMPLES)
    assert {r.kind for r in found} == {"RuleTest", "WorkflowTest"}
    assert [r.failures for r in found if not r.passed] == []


def broken_examples(tmp_path: Path, file: str, old: str, new: str) -> list[TestResult]:
    root = shutil.copytree(EXAMPLES, tmp_path / "repo")
    path = root / "tests" / file
    text_before = path.read_text()
    assert old in text_before
    path.write_text(text_before.replace(old, new, 1))
    return [r for r in results(root) if not r.passed]


def test_a_wrong_rule_list_shows_expected_and_actual(tmp_path: Path) -> None:
    (failed,) = broken_examples(
        tmp_path, "rules.yaml", "rules: [P1 to Network team]", "rules: [P1 to Network team, X]"
    )
    assert failed.name == "P1 outages go to Network"
    assert failed.failures == (
        "expect.rules names 'X': no TicketRule of that name in this repo",
        "rules: expected [P1 to Network team, X]\n       actual   [P1 to Network team]",
    )


def test_a_wrong_value_shows_expected_and_actual(tmp_path: Path) -> None:
    (failed,) = broken_examples(
        tmp_path, "rules.yaml", "new_agent_id: {agent: Carol Network}", "new_agent_id: {agent: Bob}"
    )
    assert failed.failures == (
        "sets.new_agent_id: expected {agent: Bob}\n       actual   {agent: Carol Network}",
    )


def test_a_field_no_rule_sets_says_so(tmp_path: Path) -> None:
    (failed,) = broken_examples(
        tmp_path, "rules.yaml", "sets: {new_team", "sets: {new_sla_id: x, new_team"
    )
    assert failed.failures[0].startswith("sets.new_sla_id: expected x")
    assert "actual   {sla: Platinum}" in failed.failures[0]


def test_an_action_a_step_does_not_offer_fails_the_walk(tmp_path: Path) -> None:
    (failed,) = broken_examples(tmp_path, "workflows.yaml", "path: [Close]", "path: [Resolve]")
    assert failed.failures == (
        "path[0] 'Resolve': not available at step 1 (Requested) "
        "(available: {outcome: Assign}, {outcome: Close})",
    )


def test_ending_at_another_step_shows_both(tmp_path: Path) -> None:
    (failed,) = broken_examples(
        tmp_path, "workflows.yaml", "path: [Assign, Resolve]", "path: [Assign]"
    )
    assert failed.failures == (
        "expect_step: expected 'Resolved'\n       actual   step 2 (Assigned)",
    )


def test_an_unknown_workflow_fails(tmp_path: Path) -> None:
    (failed,) = broken_examples(
        tmp_path, "workflows.yaml", "workflow: Service Request Fulfilment", "workflow: Nope"
    )
    assert failed.failures == ("workflow 'Nope': no Workflow of that name in this repo",)


def test_text_and_junit_report_failures(tmp_path: Path) -> None:
    found = results(EXAMPLES)
    broken = TestResult("RuleTest", "bad", found[0].location, ("rules: expected [A]\n  actual []",))
    shown = text([*found, broken])
    assert "FAIL  RuleTest 'bad'" in shown
    assert shown.endswith("6 passed, 1 failed\n")
    suite = ET.fromstring(junit([*found, broken]))
    assert suite.attrib["tests"] == "7" and suite.attrib["failures"] == "1"
    failures = suite.findall("testcase/failure")
    assert len(failures) == 1
    assert failures[0].attrib["message"] == "rules: expected [A]"
    assert failures[0].text == "rules: expected [A]\n  actual []"
