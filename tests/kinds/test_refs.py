"""Portable references: each form a file may write, and the walks that find them
(and the raw ids standing in for them) from type annotations alone."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from haloform.kinds.lookups import RESOLVABLE, UNRESOLVABLE
from haloform.kinds.ref_fields import RawId, RefField, iter_raw_ids, iter_refs, reference_fields
from haloform.kinds.refs import (
    LOOKUP_REFS,
    REFS,
    AnyLookupRef,
    GuidSelector,
    LookupOf,
    LookupRef,
    NameOf,
    TenantId,
    WorkflowRef,
    lookup_ref,
)
from haloform.kinds.ticket_rule import TicketRule
from haloform.kinds.workflow import Workflow
from tests.kinds import documents

GUID = documents.PROBLEM_GUID


def test_the_vocabulary_is_the_tenant_lookups_plus_categories_and_workflows() -> None:
    assert set(LOOKUP_REFS) == {lookup.word for lookup in RESOLVABLE} | UNRESOLVABLE
    assert {"category"} == UNRESOLVABLE
    assert set(REFS) == set(LOOKUP_REFS) | {"workflow"}
    assert all(cls.target == word for word, cls in REFS.items())


def test_a_workflow_is_named_by_name_or_by_guid() -> None:
    by_name = WorkflowRef.model_validate({"workflow": "Incident"})
    by_guid = WorkflowRef.model_validate({"workflow": {"guid": GUID.upper()}})
    assert (by_name.target, by_name.name, by_name.guid) == ("workflow", "Incident", None)
    assert (by_guid.target, by_guid.name, by_guid.guid) == ("workflow", None, GUID)
    assert str(by_name) == "{workflow: Incident}"
    assert str(by_guid) == f"{{workflow: {{guid: {GUID}}}}}"


@pytest.mark.parametrize("word", sorted(LOOKUP_REFS))
def test_every_lookup_is_named_by_name(word: str) -> None:
    ref = REFS[word].model_validate({word: "Something"})
    assert (ref.target, ref.name, ref.guid) == (word, "Something", None)
    assert ref.model_dump() == {word: "Something"}, "dumps back to the form a file writes"


@pytest.mark.parametrize(
    "written",
    [
        {"workflow": ""},
        {"workflow": "   "},
        {"workflow": {"guid": "nope"}},
        {"workflow": {"name": "Incident"}},
        {"workflow": 5},
        {"workflow": "Incident", "agent": "Alice"},
    ],
)
def test_malformed_references_are_refused(written: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WorkflowRef.model_validate(written)


def test_references_are_values() -> None:
    assert lookup_ref("agent", "Alice") == lookup_ref("agent", "Alice")
    assert (
        len(
            {
                lookup_ref("agent", "Alice"),
                lookup_ref("agent", "Alice"),
                lookup_ref("status", "New"),
            }
        )
        == 2
    )
    assert WorkflowRef(workflow=GuidSelector(guid=GUID)).guid == GUID


def test_any_lookup_reference_is_told_apart_by_its_key() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(AnyLookupRef)
    assert adapter.validate_python({"status": "Resolved"}) == lookup_ref("status", "Resolved")
    assert adapter.validate_python({"outcome": "Resolve"}) == lookup_ref("outcome", "Resolve")
    for wrong in ({"workflow": "Incident"}, {"colour": "red"}, "Resolved", {}):
        with pytest.raises(ValidationError) as caught:
            adapter.validate_python(wrong)
        assert caught.value.errors()[0]["type"] == "lookup_ref"


@given(st.text(min_size=1).filter(str.strip), st.sampled_from(sorted(REFS)))
def test_any_non_blank_name_round_trips(name: str, word: str) -> None:
    ref = REFS[word].model_validate({word: name})
    assert ref.name == name
    assert REFS[word].model_validate(ref.model_dump()) == ref


def test_the_walk_finds_every_reference_with_its_path() -> None:
    found = list(iter_refs(Workflow.model_validate(documents.workflow())))
    assert found == [
        ("steps[0].actions[0].action_id", lookup_ref("outcome", "Assign")),
        ("steps[0].actions[1].action_id", lookup_ref("outcome", "Escalate")),
        ("steps[1].actions[0].action_id", lookup_ref("outcome", "Resolve")),
        ("steps[1].rules[0].criteria[0].value_int", lookup_ref("status", "New")),
        ("steps[1].rules[0].new_workflow_id", WorkflowRef(workflow=GuidSelector(guid=GUID))),
        ("steps[2].new_flow_id", WorkflowRef(workflow="Problem Management")),
        ("always_allow_actions[0]", lookup_ref("outcome", "Add Note")),
    ]


def test_the_walk_finds_raw_ids_where_references_belong() -> None:
    workflow = Workflow.model_validate(documents.workflow())
    assert list(iter_raw_ids(workflow)) == [
        ("steps[1].actions[0].time_limit_action_id", RawId(7, ("outcome",))),
        ("always_allow_actions[1]", RawId(41, ("outcome",))),
    ]
    rule = TicketRule.model_validate(documents.ticket_rule())
    assert list(iter_raw_ids(rule)) == [("new_status_id", RawId(12, ("status",)))]


def test_plain_numbers_in_criteria_and_plain_fields_are_not_raw_ids() -> None:
    document = documents.ticket_rule()
    document["criteria"] = [{"fieldname": "client_id", "value_int": 44}]
    document["new_product_id"] = 3
    document["new_status_id"] = {"status": "New"}
    assert list(iter_raw_ids(TicketRule.model_validate(document))) == []


def test_ids_no_lookup_names_are_raw_ids_and_halo_codes_are_not() -> None:
    """A rule's script and group are tenant ids with no lookup (issue 20: they were
    promoted without a word); a negative id is one of Halo's own codes."""
    document = documents.ticket_rule()
    document["script_id"] = 3
    document["group_id"] = 7
    document["outcome_id"] = -1
    del document["new_status_id"]
    found = dict(iter_raw_ids(TicketRule.model_validate(document)))
    assert found == {"script_id": RawId(3, ()), "group_id": RawId(7, ())}


class _Inner(BaseModel):
    model_config = ConfigDict(strict=True)
    owner: Annotated[LookupRef, LookupOf("agent")] | TenantId | None = None


class _Outer(BaseModel):
    model_config = ConfigDict(strict=True)
    team: Annotated[str, NameOf("team")] | None = None
    inner: list[_Inner] = []
    flag: bool = False


def test_the_walks_read_annotations_so_any_model_is_covered() -> None:
    model = _Outer.model_validate(
        {"team": "Network", "inner": [{"owner": 3}, {"owner": {"agent": "Alice"}}], "flag": True}
    )
    assert [(path, str(ref)) for path, ref in iter_refs(model)] == [
        ("team", "{team: Network}"),
        ("inner[1].owner", "{agent: Alice}"),
    ]
    assert list(iter_raw_ids(model)) == [("inner[0].owner", RawId(3, ("agent",)))]
    assert reference_fields(_Outer) == (
        RefField("team", ("team",), tenant_id=False, stores_name=True),
        RefField("inner[].owner", ("agent",), tenant_id=True),
    )


def test_reference_fields_are_patterns_over_the_whole_model() -> None:
    fields = {field.path: field for field in reference_fields(Workflow)}
    assert fields["steps[].actions[].action_id"] == RefField(
        "steps[].actions[].action_id", ("outcome",), tenant_id=True
    )
    assert fields["steps[].rules[].new_team"].stores_name
    assert fields["steps[].step_conditions[].value_int"].targets == tuple(LOOKUP_REFS)
    assert not fields["steps[].step_conditions[].value_int"].tenant_id
