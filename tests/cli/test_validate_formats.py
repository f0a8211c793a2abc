"""``haloform validate --format json|github``: findings for programs and PR diffs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from haloform.cli.main import cli
from haloform.diagnostics import Diagnostics, Location
from haloform.render.diagnostics import github

BROKEN = """kind: Workflow
guid: 8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11
name: Incident
steps:
  - {step_id: 1, name: Logged, isstart: true, actions: [{action_id: 41, end_step: 7}]}
  - {step_id: 2, name: Logged again, isstart: true}
"""


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "incident.yaml").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def test_github_format_prints_annotations_on_the_file_and_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(_repo(tmp_path)), "--format", "github"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        line.startswith("::error file=") and "line=6,col=" in line and "isstart" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("::warning file=") and "line=5,col=" in line and "end_step" in line
        for line in lines
    ), lines


def test_json_format_lists_every_finding(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(_repo(tmp_path)), "--format", "json"])
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["errors"] >= 1
    assert {"severity", "file", "line", "column", "field", "message"} <= set(body["diagnostics"][0])


def test_an_annotation_cannot_be_ended_early_or_forged() -> None:
    found = Diagnostics()
    found.error("bad\n::error::forged 100%", Location("a,b:c.yaml", 3, 4))
    assert (
        github(found) == "::error file=a%2Cb%3Ac.yaml,line=3,col=4::bad%0A::error::forged 100%25\n"
    )
