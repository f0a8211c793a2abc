"""What every kind's model does with a document: accept the valid, refuse the rest with
errors a loader can place and explain."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML

from haloform.kinds import KINDS, KindSpec, by_kind
from haloform.kinds.ticket_rule import TicketRule
from haloform.kinds.workflow import Workflow
from tests.kinds import documents

DOCUMENTS = [documents.workflow(), documents.ticket_rule(), documents.event_rule()]


def errors_of(spec_kind: str, document: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    spec = by_kind(spec_kind)
    assert spec is not None
    with pytest.raises(ValidationError) as caught:
        spec.parse(document)
    return [(error["type"], error["loc"]) for error in caught.value.errors()]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d["kind"])
def test_valid_documents_parse(document: dict[str, Any]) -> None:
    spec = by_kind(document["kind"])
    assert spec is not None
    resource = spec.parse(document)
    assert isinstance(resource, spec.model)
    assert (resource.kind, resource.guid, resource.name) == (
        document["kind"],
        document["guid"],
        document["name"],
    )


def test_documents_loaded_by_ruamel_parse_as_they_are() -> None:
    """The loader keeps ruamel's round-trip types (CommentedMap, ScalarFloat...)."""
    text = """\
kind: Workflow  # a comment
guid: 8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11
name: Incident
steps:
  - step_id: 1
    actions: [{action_id: {outcome: Resolve}, end_step: 1, time_limit_mins: 1.5e2}]
"""
    workflow = Workflow.model_validate(YAML().load(text))
    assert workflow.steps is not None
    assert workflow.steps[0].actions is not None
    assert workflow.steps[0].actions[0].time_limit_mins == 150.0


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.kind)
def test_json_schema_accepts_the_valid_and_refuses_unknown_fields(spec: KindSpec) -> None:
    schema = spec.model.model_json_schema()
    document = next(d for d in DOCUMENTS if d["kind"] == spec.kind)
    jsonschema.validate(document, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "nmae": "typo"}, schema)


def test_unknown_fields_are_refused_where_they_are() -> None:
    document = documents.workflow()
    document["steps"][1]["actions"][0]["end_stpe"] = 4
    assert errors_of("Workflow", document) == [
        ("extra_forbidden", ("steps", 1, "actions", 0, "end_stpe"))
    ]


def test_server_owned_fields_have_their_own_error_beside_the_others() -> None:
    document = documents.workflow()
    document["id"] = 12
    document["steps"][0]["fdid"] = 3
    document["steps"][0]["isstart"] = "yes"
    document["steps"][1]["rules"][0]["criteria"][0]["value_display"] = "New"
    assert sorted(errors_of("Workflow", document)) == [
        ("bool_type", ("steps", 0, "isstart")),
        ("server_owned", ("id",)),
        ("server_owned", ("steps", 0, "fdid")),
        ("server_owned", ("steps", 1, "rules", 0, "criteria", 0, "value_display")),
    ]


def test_the_server_owned_message_says_why() -> None:
    with pytest.raises(ValidationError) as caught:
        TicketRule.model_validate({**documents.ticket_rule(), "new_agent_name": "Carol"})
    (error,) = caught.value.errors()
    assert error["msg"] == "new_agent_name is set by Halo, never by a file: remove it"
    assert error["ctx"] == {"field": "new_agent_name"}


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("precedence", "high", "int_type"),
        ("precedence", "10", "int_type"),
        ("precedence", 1.5, "int_type"),
        ("stopmatching", "yes", "bool_type"),
        ("stopmatching", 1, "bool_type"),
        ("precedence", True, "int_type"),
        ("new_team", 7, "string_type"),
        ("criteria", {"fieldname": "x"}, "list_type"),
    ],
)
def test_values_are_taken_strictly(field: str, value: object, error: str) -> None:
    kinds = [kind for kind, _ in errors_of("TicketRule", {**documents.ticket_rule(), field: value})]
    assert kinds == [error]


@pytest.mark.parametrize("missing", ["guid", "name"])
def test_top_level_documents_need_a_guid_and_a_name(missing: str) -> None:
    document = documents.event_rule()
    del document[missing]
    assert errors_of("EventRule", document) == [("missing", (missing,))]


@pytest.mark.parametrize("guid", ["not-a-guid", "00000000-0000-0000-0000-000000000000", 12])
def test_guids_must_be_real(guid: object) -> None:
    (error,) = errors_of("EventRule", {**documents.event_rule(), "guid": guid})
    assert error[1] == ("guid",)


def test_guids_are_kept_in_one_spelling() -> None:
    upper = "{" + documents.RULE_GUID.upper() + "}"
    rule = TicketRule.model_validate({**documents.ticket_rule(), "guid": upper})
    assert rule.guid == documents.RULE_GUID


def test_a_kind_mismatch_is_refused() -> None:
    (error,) = errors_of("TicketRule", {**documents.ticket_rule(), "kind": "Workflow"})
    assert error == ("literal_error", ("kind",))


def test_keyed_list_items_must_have_distinct_keys() -> None:
    document = documents.workflow()
    document["steps"][3]["step_id"] = 1
    assert errors_of("Workflow", document) == [("duplicate_key", ("steps", 3, "step_id"))]


def test_models_are_values() -> None:
    rule = TicketRule.model_validate(documents.ticket_rule())
    with pytest.raises(ValidationError):
        rule.name = "renamed"  # type: ignore[misc]
