"""The CI integration files are what the README says: a composite action that plans
into one comment per environment and applies the reviewed plan, and a pre-commit hook
that runs a real command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from ruamel.yaml import YAML

from haloform.cli.main import cli
from haloform.render.markdown import MARKER

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> Any:
    return YAML(typ="safe", pure=True).load((ROOT / name).read_text(encoding="utf-8"))


def test_the_action_is_composite_and_finds_its_comment_by_the_plans_marker() -> None:
    action = _load("action.yml")
    assert action["runs"]["using"] == "composite"
    steps = {step.get("name"): step for step in action["runs"]["steps"]}
    comment = steps["Create or update the plan comment"]
    assert comment["env"]["MARKER"] == MARKER.format(env="${{ inputs.env }}")
    assert "PATCH" in comment["run"] and "POST" in comment["run"]
    assert "--out" in steps["Plan"]["run"]
    apply = steps["Apply the reviewed plan"]["run"]
    assert 'haloform apply "${{ inputs.plan-file }}"' in apply


def test_the_pre_commit_hooks_run_real_commands() -> None:
    hooks = _load(".pre-commit-hooks.yaml")
    assert [hook["id"] for hook in hooks] == ["haloform-validate", "haloform-fmt"]
    for hook in hooks:
        program, *args = hook["entry"].split()
        assert program == "haloform"
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, result.output
