"""lint, simulate and test through the real command group: exit codes and formats."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from haloform.cli.main import cli
from tests.repo_builder import write_repo

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
FIXTURE = ROOT / "tests" / "analyze" / "lint_fixture"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def test_lint_the_examples_is_clean() -> None:
    result = run("lint", EXAMPLES)
    assert result.exit_code == 0, result.output
    assert result.output == "0 errors, 0 warnings\n"


def test_lint_exits_1_on_errors_and_lists_every_finding() -> None:
    result = run("lint", FIXTURE)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "6 errors, 4 warnings"
    assert "rules.yaml:15:1: error[unreachable-rule]: can never match:" in result.output


def test_lint_warnings_fail_only_when_strict(tmp_path: Path) -> None:
    rule = "kind: TicketRule\nguid: {g}\nname: {n}\nprecedence: 5\nnew_team: {n}\n"
    root = write_repo(
        tmp_path,
        {
            "r.yaml": rule.format(g="11111111-1111-4111-8111-111111111111", n="A")
            + "---\n"
            + rule.format(g="22222222-2222-4222-8222-222222222222", n="B")
        },
    )
    assert run("lint", root).exit_code == 0
    assert run("lint", root, "--strict").exit_code == 1


def test_lint_json_and_github_formats() -> None:
    shown = json.loads(run("lint", FIXTURE, "--format", "json").output)
    assert (shown["errors"], shown["warnings"]) == (6, 4)
    first = shown["findings"][0]
    assert set(first) == {"file", "line", "rule", "severity", "message", "resource", "related"}
    github = run("lint", FIXTURE, "--format", "github").output.splitlines()
    assert len(github) == 10
    assert github[1].startswith(
        f"::error file={FIXTURE}/rules.yaml,line=15,title=haloform unreachable-rule::can never"
    )


def test_lint_refuses_a_repo_that_does_not_validate(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"r.yaml": "kind: TicketRule\nname: x\nprecedence: high\n"})
    result = run("lint", root)
    assert result.exit_code == 1
    assert "the repo does not validate" in result.output
    assert "Traceback" not in result.output


def test_simulate_prints_json_for_a_ticket_file(tmp_path: Path) -> None:
    ticket = tmp_path / "ticket.yaml"
    ticket.write_text("summary: Core network down\npriority_id: {priority: P1 Critical}\n")
    result = run("simulate", EXAMPLES, "--ticket", ticket, "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [m["name"] for m in shown["matched"]] == ["P1 to Network team"]
    assert {"matched", "result", "assumptions"} <= set(shown)


def test_simulate_existing_ticket_text(tmp_path: Path) -> None:
    ticket = tmp_path / "ticket.yaml"
    ticket.write_text("summary: reset my password\n")
    result = run("simulate", EXAMPLES, "--ticket", ticket, "--event", "existing")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Rules an existing ticket matches")
    assert "Password resets use the template" in result.output


def test_simulate_reports_a_bad_ticket_file_with_its_line(tmp_path: Path) -> None:
    ticket = tmp_path / "ticket.yaml"
    ticket.write_text("summary: x\npriority_id: {prio: P1}\n")
    result = run("simulate", EXAMPLES, "--ticket", ticket)
    assert result.exit_code == 1
    assert f"{ticket}:2:14: error: priority_id: expected a lookup reference" in result.output


def test_test_runs_the_examples_and_writes_junit() -> None:
    result = run("test", EXAMPLES)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("6 passed, 0 failed\n")
    junit = run("test", EXAMPLES, "--format", "junit")
    assert junit.output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite')


def test_test_exits_1_on_a_failure(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {"t.yaml": "kind: RuleTest\nname: nothing\nticket: {}\nexpect: {rules: [Nope]}\n"},
    )
    result = run("test", root)
    assert result.exit_code == 1
    assert "FAIL  RuleTest 'nothing'" in result.output
