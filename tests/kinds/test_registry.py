"""The one registry of kinds, and the order references impose."""

from __future__ import annotations

from haloform.kinds import KINDS, by_kind, by_ref_key
from haloform.kinds.event_rule import EventRule
from haloform.kinds.refs import REFS
from haloform.kinds.ticket_rule import TicketRule
from haloform.kinds.workflow import Workflow
from haloform.resolve.edges import Dependency, dependencies
from tests.kinds import documents


def test_each_kind_is_found_by_its_yaml_kind_and_reference_word() -> None:
    assert len({spec.kind for spec in KINDS}) == len(KINDS)
    referable = [bool(spec.ref_key) for spec in KINDS]
    assert referable == sorted(referable, reverse=True), "referable kinds come first"
    for spec in KINDS:
        assert by_kind(spec.kind) is spec
        assert spec.model.model_fields["kind"].default == spec.kind
    assert by_kind("Automation") is None
    workflow = by_ref_key("workflow")
    assert workflow is not None and workflow.kind == "Workflow"
    assert by_ref_key("agent") is None


def test_every_referable_kind_has_a_reference_word() -> None:
    assert {spec.ref_key for spec in KINDS if spec.ref_key} <= set(REFS)


def test_export_directories_are_distinct() -> None:
    assert len({spec.directory for spec in KINDS}) == len(KINDS)


def test_a_workflow_depends_on_the_workflows_its_steps_and_step_rules_switch_to() -> None:
    workflow = Workflow.model_validate(documents.workflow())
    assert dependencies(workflow) == {
        Dependency("Workflow", name="Problem Management"),
        Dependency("Workflow", guid=documents.PROBLEM_GUID),
    }


def test_a_rule_depends_on_the_workflow_it_sets_and_not_on_lookups() -> None:
    rule = TicketRule.model_validate(documents.ticket_rule())
    assert dependencies(rule) == {Dependency("Workflow", name="Incident Lifecycle")}
    assert dependencies(EventRule.model_validate(documents.event_rule())) == set()


def test_a_workflow_that_switches_to_itself_needs_nothing_first() -> None:
    document = documents.workflow()
    document["steps"][2]["new_flow_id"] = {"workflow": "incident lifecycle"}
    document["steps"][1]["rules"][0]["new_workflow_id"] = {
        "workflow": {"guid": documents.WORKFLOW_GUID}
    }
    assert dependencies(Workflow.model_validate(document)) == set()


def test_raw_ids_are_no_dependency() -> None:
    document = {**documents.ticket_rule(), "new_workflow_id": 3}
    assert dependencies(TicketRule.model_validate(document)) == set()
