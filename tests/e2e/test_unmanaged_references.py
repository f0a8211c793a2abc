"""References to what the repo does not manage: a workflow that lives only in the
tenant is an unmanaged dependency (resolved there, noted), and a misspelt lookup name
gets a suggestion, as a misspelt field does."""

from __future__ import annotations

from tests.e2e.conftest import Haloform

RULE = """
kind: TicketRule
guid: 7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
name: Changes to the legacy flow
precedence: 30
new_workflow_id: {workflow: legacy change flow}
"""


def test_a_workflow_only_the_tenant_has_resolves_there_and_is_noted(repo: Haloform) -> None:
    legacy = repo.create_in_tenant("/Workflow", name="Legacy Change Flow", active=True)
    repo.write({"rule.yaml": RULE})
    validated = repo("validate", ".")
    assert "no Workflow of that name in this repo; plan looks for it in the tenant" in (
        validated.stdout
    )
    report = repo.plan()
    assert [c["name"] for c in report["changes"]] == ["Changes to the legacy flow"]
    assert any(
        "{workflow: legacy change flow} is not managed by this repo" in warning
        and "rule.yaml" in warning
        for warning in report["warnings"]
    ), report["warnings"]
    repo.apply("--auto-approve")
    [rule] = repo.records("TicketRules")
    assert rule["new_workflow_id"] == legacy["id"]
    repo.assert_converged()


def test_a_workflow_neither_has_fails_the_plan_with_a_suggestion(repo: Haloform) -> None:
    repo.create_in_tenant("/Workflow", name="Legacy Change Flow", active=True)
    repo.write({"rule.yaml": RULE.replace("legacy change flow", "Legacy Chnge Flow")})
    failed = repo("plan", ".", code=1)
    assert (
        "{workflow: Legacy Chnge Flow}: no Workflow of that name in this repo or in "
        "embedded:local; did you mean 'Legacy Change Flow'?" in failed.stderr
    )


def test_a_misspelt_lookup_name_gets_a_suggestion(repo: Haloform) -> None:
    repo.write(
        {
            "rule.yaml": RULE.replace(
                "new_workflow_id: {workflow: legacy change flow}", "new_sla_id: {sla: Standrd}"
            )
        }
    )
    failed = repo("plan", ".", code=1)
    assert "{sla: Standrd}: embedded:local has no sla of that name; did you mean 'Standard'?" in (
        failed.stderr
    )
