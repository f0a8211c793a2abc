"""``haloform import KIND/NAME``: adopt a tenant's resources one at a time, as
Terraform's import does, without rewriting anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Haloform, applied_examples
from tests.e2e.test_export import files


@pytest.fixture
def hf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Haloform:
    """The examples applied to ``local`` from ``config/``; an empty repo ``adopted/``
    (sharing the haloform.yaml) takes imports."""
    haloform = applied_examples(tmp_path / "repo", monkeypatch)
    (haloform.root / "adopted").mkdir()
    return haloform


def test_import_writes_only_the_named_resources_and_notes_their_references(
    hf: Haloform,
) -> None:
    hf.write({"adopted/keep.yaml": "# hand-written, must stay byte for byte\nkind: Nothing\n"})
    before = files(hf.root / "adopted")
    result = hf("import", "TicketRule/p1 to network team", "EventRule/RMM disk alerts", "adopted")
    written = sorted(set(files(hf.root / "adopted")) - set(before))
    assert written == ["event-rules/rmm-disk-alerts.yaml", "ticket-rules/p1-to-network-team.yaml"]
    assert files(hf.root / "adopted")["keep.yaml"] == before["keep.yaml"]
    assert "Imported 2 resources from embedded:local" in result.stdout
    assert (
        "note: TicketRule 'P1 to Network team' (new_workflow_id) refers to Workflow "
        "'Incident Lifecycle', which this repo does not manage: "
        "'haloform import \"Workflow/Incident Lifecycle\"' adopts it" in result.stderr
    )
    rule = (hf.root / "adopted/ticket-rules/p1-to-network-team.yaml").read_text()
    assert "new_workflow_id: {workflow: Incident Lifecycle}" in rule

    hf("import", "Workflow/Incident Lifecycle", "adopted")
    again = hf("import", "TicketRule/P1 to Network team", "adopted")
    assert "note:" not in again.stderr
    assert "created" not in again.stdout


def test_import_of_a_name_the_tenant_lacks_suggests_and_writes_nothing(hf: Haloform) -> None:
    refused = hf("import", "TicketRule/P1 to Netwrk team", "adopted", code=1)
    assert "no TicketRule named 'P1 to Netwrk team' in the tenant" in refused.stderr
    assert "did you mean 'P1 to Network team'?" in refused.stderr
    assert files(hf.root / "adopted") == {}
    bad = hf("import", "Rule/x", "adopted", code=1)
    assert "'Rule/x' names no resource: write KIND/NAME" in bad.stderr


def test_imported_resources_plan_as_no_changes(hf: Haloform) -> None:
    hf("import", "Workflow/Incident Lifecycle", "Workflow/Problem Management", "adopted")
    hf("import", "TicketRule/P1 to Network team", "adopted")
    planned = hf("plan", "adopted", "--format", "json", "--detailed-exitcode")
    assert json.loads(planned.stdout)["changes"] == []
