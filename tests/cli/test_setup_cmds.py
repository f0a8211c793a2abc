"""``init`` starts a repo that plans at once; ``fmt`` restores the one layout, keeping
comments, and changes nothing the second time; completion knows the repo's names."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from haloform.cli.completion import complete_env, complete_target
from haloform.cli.main import cli
from haloform.load import schemas
from haloform.load.validate import validate_repo
from tests.repo_builder import write_repo

GUID = "5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01"


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_init_writes_a_repo_that_plans_against_the_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "halo-config"
    _run("init", str(root))
    assert ".haloform/" in (root / ".gitignore").read_text()
    project = (root / "haloform.yaml").read_text()
    assert project.startswith("# yaml-language-server: $schema=schemas/haloform.schema.json")
    assert "emulator: true" in project and "# production:" in project
    assert sorted(p.name for p in (root / "schemas").iterdir()) == sorted(schemas.generate())
    monkeypatch.chdir(root)
    assert "No changes" in _run("plan", ".")
    assert _run("schemas", "--check") == ""


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "haloform.yaml").write_text("version: 1\n")
    output = _run("init", str(tmp_path), code=1)
    assert "already exists: init never overwrites" in output
    assert (tmp_path / "haloform.yaml").read_text() == "version: 1\n"
    assert not (tmp_path / ".gitignore").exists()


MESSY = textwrap.dedent(
    f"""\
    # Routes P1s.
    name: 'P1 to Network'   # the name reviewers know
    precedence: 10
    guid: {GUID}
    kind: TicketRule
    new_team: "Network"
    criteria:
    -   fieldname: priority_id
        type: 0
        value_int: {{priority: P1 Critical}}
    -   {{fieldname: summary, type: 2, value_string: "123"}}
    stopmatching: true
    """
)


def test_fmt_restores_the_layout_keeps_comments_and_values(tmp_path: Path) -> None:
    write_repo(tmp_path, {"rules/p1.yaml": MESSY})
    before = validate_repo(tmp_path).resources[0].resource
    assert "would be reformatted" in _run("fmt", str(tmp_path), "--check", code=1)
    _run("fmt", str(tmp_path))
    text = (tmp_path / "rules/p1.yaml").read_text()
    assert text == textwrap.dedent(
        f"""\
        # Routes P1s.
        kind: TicketRule
        guid: {GUID}
        name: P1 to Network     # the name reviewers know
        precedence: 10
        stopmatching: true
        criteria:
          - {{fieldname: priority_id, type: 0, value_int: {{priority: P1 Critical}}}}
          - {{fieldname: summary, type: 2, value_string: '123'}}
        new_team: Network
        """
    )
    assert validate_repo(tmp_path).resources[0].resource == before
    assert _run("fmt", str(tmp_path), "--check") == ""
    _run("fmt", str(tmp_path))
    assert (tmp_path / "rules/p1.yaml").read_text() == text


def test_fmt_leaves_unknown_kinds_and_broken_files_alone(tmp_path: Path) -> None:
    write_repo(tmp_path, {"a.yaml": "kind: Mystery\nb: 1\na: 2\n", "b.yaml": "kind: [\n"})
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "a.yaml").read_text() == "kind: Mystery\nb: 1\na: 2\n"
    assert (tmp_path / "b.yaml").read_text() == "kind: [\n"
    assert "b.yaml" in result.stderr and "left as it is" in result.stderr


def test_completion_scripts_for_each_shell() -> None:
    for shell in ("bash", "zsh", "fish"):
        assert "_HALOFORM_COMPLETE" in _run("completion", shell)


def test_env_and_target_complete_from_the_repo(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "haloform.yaml": "version: 1\nenvironments:\n  prod: {emulator: true}\n"
            "  preview: {emulator: true}\n",
            "rules/p1.yaml": MESSY,
        },
    )
    ctx = cli.make_context("haloform", ["plan", str(tmp_path)], resilient_parsing=True)
    plan = cli.commands["plan"]
    sub = plan.make_context("plan", [str(tmp_path)], parent=ctx, resilient_parsing=True)
    env = next(p for p in plan.params if p.name == "env")
    target = next(p for p in plan.params if p.name == "targets")
    assert complete_env(sub, env, "pr") == ["preview", "prod"]
    assert [item.value for item in complete_target(sub, target, "ticketrule/")] == [
        "TicketRule/P1 to Network"
    ]
    assert env.shell_complete(sub, "pre")[0].value == "preview"
