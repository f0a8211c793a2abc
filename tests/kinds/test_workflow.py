"""Workflows: steps keyed by step_id, actions by outcome and end step, and what the
payload adds that a file leaves implicit."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from haloform.kinds.refs import Ref
from haloform.kinds.workflow import WORKFLOW, Workflow
from tests.kinds import documents


def ids(ref: Ref) -> int:
    """A stand-in tenant: every name gets a number from its length."""
    return 100 + len(str(ref))


def test_the_payload_resolves_references_and_leaves_out_what_the_file_does_not_set() -> None:
    payload = Workflow.model_validate(documents.workflow()).to_payload(ids)
    assert "kind" not in payload
    assert payload["guid"] == documents.WORKFLOW_GUID
    assert "active" not in payload and "flow_chart_json" not in payload
    first = payload["steps"][0]
    assert first == {
        "step_id": 1,
        "name": "Logged",
        "isstart": True,
        "actions": [
            {"action_id": ids_of("outcome", "Assign"), "end_step": 2, "seq": 1, "start_step": 1},
            {"action_id": ids_of("outcome", "Escalate"), "end_step": 3, "seq": 2, "start_step": 1},
        ],
    }
    assert payload["steps"][1]["actions"][0]["time_limit_action_id"] == 7
    assert payload["steps"][2]["new_flow_id"] == ids_of("workflow", "Problem Management")


def ids_of(target: str, name: str) -> int:
    return 100 + len(f"{{{target}: {name}}}")


def test_always_allowed_outcomes_are_sent_as_outcome_objects() -> None:
    payload = Workflow.model_validate(documents.workflow()).to_payload(ids)
    assert payload["always_allow_actions"] == [{"id": ids_of("outcome", "Add Note")}, {"id": 41}]


def test_an_explicit_start_step_is_kept() -> None:
    document = documents.workflow()
    document["steps"][0]["actions"][0]["start_step"] = 9
    payload = WORKFLOW.payload(Workflow.model_validate(document), ids)
    assert payload["steps"][0]["actions"][0]["start_step"] == 9


def test_step_rules_travel_inside_their_step() -> None:
    payload = Workflow.model_validate(documents.workflow()).to_payload(ids)
    (rule,) = payload["steps"][1]["rules"]
    assert rule["name"] == "Chase the agent"
    assert rule["criteria"] == [{"fieldname": "status_id", "value_int": ids_of("status", "New")}]


def test_one_outcome_may_lead_to_different_steps_but_not_twice_to_one() -> None:
    document = documents.workflow()
    actions: list[dict[str, Any]] = document["steps"][0]["actions"]
    actions.append({"action_id": {"outcome": "Assign"}, "end_step": 3})
    Workflow.model_validate(document)
    actions.append({"action_id": {"outcome": "Assign"}, "end_step": 2})
    with pytest.raises(ValidationError) as caught:
        Workflow.model_validate(document)
    (error,) = caught.value.errors()
    assert error["type"] == "duplicate_key"
    assert error["loc"] == ("steps", 0, "actions", 3, "action_id")
    assert "steps" not in error["msg"] and "actions[0]" in error["msg"]


@pytest.mark.parametrize("step", [{"name": "no number"}, {"step_id": 0}, {"step_id": "1"}])
def test_a_step_needs_a_positive_step_id(step: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        Workflow.model_validate({**documents.workflow(), "steps": [step]})
    assert caught.value.errors()[0]["loc"] == ("steps", 0, "step_id")


def test_messages_keep_halos_length_limits() -> None:
    document = {**documents.workflow(), "steps": [{"step_id": 1, "note": "x" * 501}]}
    with pytest.raises(ValidationError) as caught:
        Workflow.model_validate(document)
    assert caught.value.errors()[0]["type"] == "string_too_long"


def test_the_spec_says_how_to_read_and_compare_a_workflow() -> None:
    assert (WORKFLOW.kind, WORKFLOW.ref_key, WORKFLOW.api_path) == (
        "Workflow",
        "workflow",
        "/Workflow",
    )
    assert WORKFLOW.list_params == {"includeinactive": True}
    assert WORKFLOW.detail_params == {"includedetails": True}
    assert "steps" in WORKFLOW.detail_only and "name" not in WORKFLOW.detail_only
    assert WORKFLOW.keyed_lists["steps"] == ("step_id",)
    assert WORKFLOW.keyed_lists["stages"] == ("sequence",)
    assert WORKFLOW.keyed_lists["steps[].actions"] == ("action_id", "end_step", "approval_result")
    assert {"always_allow_actions", "steps[].step_conditions"} <= WORKFLOW.unordered_lists
    assert "fdid" in WORKFLOW.server_owned["steps[]"]
    assert "action_name" in WORKFLOW.server_owned["steps[].actions[]"]
    assert "value_display" in WORKFLOW.server_owned["steps[].rules[].criteria[]"]
    assert WORKFLOW.is_managed_row({"id": 1, "name": "any"})
