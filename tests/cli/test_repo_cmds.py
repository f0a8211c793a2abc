"""The offline commands through the real command group: validate, add-guids, schemas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from haloform.cli.main import cli
from haloform.load import schemas
from tests.goldens import assert_golden
from tests.repo_builder import consistent_repo, write_repo

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
BROKEN = sorted((ROOT / "tests" / "corpus" / "broken").glob("*.yaml"))

GUID_1 = "11111111-1111-4111-8111-111111111111"
GUID_2 = "22222222-2222-4222-8222-222222222222"
GUID_3 = "33333333-3333-4333-8333-333333333333"
GUID_4 = "44444444-4444-4444-8444-444444444444"
GUID_5 = "55555555-5555-4555-8555-555555555555"

BROKEN_TREE = {
    "haloform.yaml": "variables:\n  team: Network\n",
    "workflows/incident.yaml": f"""
        # yaml-language-server: $schema=../schemas/workflow.schema.json
        kind: Workflow
        guid: {GUID_1}
        name: Incident Lifecycle
        steps:
          - step_id: 1
            name: Logged
            isstart: true
            actions:
              - {{action_id: {{outcome: Assign}}, end_step: 2}}
              - {{action_id: 41, end_step: 7}}
          - {{step_id: 2, name: Assigned}}
          - {{step_id: 3, name: Forgotten}}
    """,
    "workflows/copy.yaml": f"""
        kind: Workflow
        guid: {GUID_1}
        name: incident lifecycle
        steps:
          - {{step_id: 1, isstart: true}}
    """,
    "workflows/old.yaml": f"""
        kind: Workflow
        guid: {GUID_2}
        name: Old Problem Flow
        deleted: true
    """,
    "ticket-rules/rules.yaml": f"""
        kind: TicketRule
        guid: {GUID_3}
        name: Incidents for ${{team}}
        precedence: 10
        criteria:
          - {{fieldname: category_1, value_int: {{category: Hardware}}}}
        new_workflow_id: {{workflow: Incident Lifecylce}}
        ---
        kind: TicketRule
        guid: {GUID_4}
        name: Problems for ${{teem}}
        precedence: 10
        new_workflow_id: {{workflow: Old Problem Flow}}
        ---
        kind: TicketRule
        guid: {GUID_5}
        name: Catch-all
        stopmatching: sometimes
    """,
    "ticket-rules/broken.yaml": """
        kind: TicketRule
        name: [unclosed
    """,
}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --- validate --------------------------------------------------------------------------------


def test_validate_passes_the_examples() -> None:
    result = invoke("validate", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    assert result.output == "0 errors, 0 warnings\n"


def test_validate_lists_every_problem_of_a_broken_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_repo(tmp_path / "repo", BROKEN_TREE)
    monkeypatch.chdir(tmp_path)
    result = invoke("validate", "repo")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert_golden("validate-broken-tree.txt", result.output)


def test_every_problem_line_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_repo(tmp_path / "repo", BROKEN_TREE)
    monkeypatch.chdir(tmp_path)
    *problems, count = invoke("validate", "repo").output.splitlines()
    assert len(problems) >= 10
    for line in problems:
        severity = r"(error|warning\[[a-z-]+\])"
        assert re.match(rf"^repo/[\w/.-]+\.yaml:\d+:\d+: {severity}: ", line), line
    assert re.fullmatch(r"\d+ errors, \d+ warnings", count)


def test_warnings_alone_do_not_fail_validate(tmp_path: Path) -> None:
    result = invoke("validate", str(consistent_repo(tmp_path)))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "0 errors, 3 warnings"


def test_validate_checks_the_current_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_repo(tmp_path, {"r.yaml": "kind: TicketRule\nname: R\n"})
    monkeypatch.chdir(tmp_path)
    result = invoke("validate")
    assert result.exit_code == 1
    assert result.output == "r.yaml:1:1: error: guid: 'guid' is required\n1 error, 0 warnings\n"


ENVIRONMENTS = {
    "haloform.yaml": """
        default_environment: a
        variables: {flow: Incident Lifecycle}
        environments:
          a: {emulator: true}
          b:
            emulator: true
            variables: {flow: Problem Management}
    """,
    "workflows/incident.yaml": f"""
        kind: Workflow
        guid: {GUID_1}
        name: Incident Lifecycle
    """,
    "rules.yaml": f"""
        kind: TicketRule
        guid: {GUID_3}
        name: R
        new_workflow_id: {{workflow: "${{flow}}"}}
    """,
}


def test_validate_uses_the_default_environments_variables(tmp_path: Path) -> None:
    result = invoke("validate", str(write_repo(tmp_path, ENVIRONMENTS)))
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_validate_env_picks_that_environments_variables(tmp_path: Path) -> None:
    result = invoke("validate", str(write_repo(tmp_path, ENVIRONMENTS)), "--env", "b")
    assert result.exit_code == 0
    assert (
        f"{tmp_path}/rules.yaml:4:1: warning[unmanaged-reference]: "
        "new_workflow_id: {workflow: Problem Management}: "
        "no Workflow of that name in this repo; plan looks for it in the tenant (an unmanaged "
        "dependency)\n"
    ) in result.output


def test_validate_an_unknown_environment(tmp_path: Path) -> None:
    result = invoke("validate", str(write_repo(tmp_path, ENVIRONMENTS)), "--env", "prod")
    assert result.exit_code == 1
    assert "Error: no environment 'prod' in haloform.yaml (known: a, b, embedded)" in result.stderr


def test_validate_an_invalid_project_file(tmp_path: Path) -> None:
    write_repo(tmp_path, {"haloform.yaml": "enviroments: {}\n"})
    result = invoke("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        f"{tmp_path}/haloform.yaml:1:1: error: enviroments: unknown field 'enviroments'; "
        "did you mean 'environments'?"
    ) in result.stderr


def _expected_locations(path: Path) -> list[str]:
    """The ``file:line:col: severity:`` prefix each ``# expect:`` comment announces."""
    found = re.findall(r"^# expect: (.*)$", path.read_text(), flags=re.MULTILINE)
    prefixes = []
    for expect in found:
        where = re.match(r"^(?:(\d+(?::\d+)?): )?(error|warning(?:\[[a-z-]+\])?): ", expect)
        assert where, expect
        place = f"{path}:{where.group(1)}" if where.group(1) else str(path)
        prefixes.append(f"{place}: {where.group(2)}: ")
    return prefixes


@pytest.mark.parametrize("path", BROKEN, ids=[path.name for path in BROKEN])
def test_validate_each_broken_corpus_file(path: Path) -> None:
    result = invoke("validate", str(path))
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    for prefix in _expected_locations(path):
        assert any(line.startswith(prefix) for line in lines), (prefix, result.output)
    if path.name == "empty.yaml":  # nothing wrong, nothing declared: a warning only
        assert result.exit_code == 0
        assert lines == [
            f"{path}: warning[empty-file]: the file holds no resource (it is empty)",
            "0 errors, 1 warning",
        ]
    else:
        assert result.exit_code == 1
        assert re.fullmatch(r"[1-9]\d* errors?, 0 warnings", lines[-1])


# --- add-guids -------------------------------------------------------------------------------


def test_add_guids_writes_and_reports_each_guid(tmp_path: Path) -> None:
    write_repo(tmp_path, {"w.yaml": "kind: Workflow\nname: W\n---\nkind: TicketRule\nname: R\n"})
    result = invoke("add-guids", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = (tmp_path / "w.yaml").read_text()
    guids = re.findall(r"^guid: (\S+)$", written, flags=re.MULTILINE)
    assert len(set(guids)) == 2
    assert result.output.splitlines() == [
        f"{tmp_path}/w.yaml:1: Workflow 'W' got guid {guids[0]}",
        f"{tmp_path}/w.yaml:4: TicketRule 'R' got guid {guids[1]}",
        "2 resources got a guid",
    ]
    assert invoke("validate", str(tmp_path)).exit_code == 0


def test_add_guids_dry_run_writes_nothing(tmp_path: Path) -> None:
    write_repo(tmp_path, {"w.yaml": "kind: Workflow\nname: W\n"})
    result = invoke("add-guids", str(tmp_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"{tmp_path}/w.yaml:1: Workflow 'W' would get guid [0-9a-f-]{{36}}\n"
        r"1 resource would get a guid\n",
        result.output,
    )
    assert (tmp_path / "w.yaml").read_text() == "kind: Workflow\nname: W\n"


def test_add_guids_with_nothing_to_do(tmp_path: Path) -> None:
    result = invoke("add-guids", str(consistent_repo(tmp_path)))
    assert result.exit_code == 0
    assert result.output == "0 resources got a guid\n"


def test_add_guids_reports_a_file_it_cannot_read_and_fails(tmp_path: Path) -> None:
    write_repo(
        tmp_path, {"a.yaml": "kind: Workflow\nname: [x\n", "b.yaml": "kind: Workflow\nname: B\n"}
    )
    result = invoke("add-guids", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path}/a.yaml:3:1: error: ")
    assert result.stdout.splitlines()[-1] == "1 resource got a guid"
    assert (tmp_path / "a.yaml").read_text() == "kind: Workflow\nname: [x\n"


# --- schemas ---------------------------------------------------------------------------------


def test_schemas_writes_then_check_passes(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    written = invoke("schemas", "--out", str(out))
    assert written.exit_code == 0, written.output
    assert sorted(written.output.splitlines()) == sorted(
        f"wrote {out / name}" for name in schemas.generate()
    )
    again = invoke("schemas", "--out", str(out))
    assert (again.exit_code, again.output) == (0, "")
    checked = invoke("schemas", "--out", str(out), "--check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_schemas_check_fails_on_a_stale_file_and_writes_nothing(tmp_path: Path) -> None:
    schemas.write(tmp_path)
    (tmp_path / "workflow.schema.json").write_text("{}\n")
    result = invoke("schemas", "--out", str(tmp_path), "--check")
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path}/workflow.schema.json is out of date: run 'haloform schemas --out {tmp_path}'\n"
    )
    assert (tmp_path / "workflow.schema.json").read_text() == "{}\n"


def test_schemas_check_of_a_missing_directory_names_every_file(tmp_path: Path) -> None:
    result = invoke("schemas", "--out", str(tmp_path / "none"), "--check")
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == len(schemas.generate())
    assert not (tmp_path / "none").exists()


def test_the_repos_own_schemas_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("schemas", "--check")
    assert (result.exit_code, result.output) == (0, "")
