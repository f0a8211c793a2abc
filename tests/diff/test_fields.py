"""Field-level diffs: empty right after an apply, and readable when something moved."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haloform.diff.fields import FieldChange, diff
from haloform.kinds import KindSpec
from haloform.kinds.event_rule import EVENT_RULE
from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.kinds.workflow import WORKFLOW
from haloform.resolve.portable import to_portable
from tests.kinds import documents
from tests.plan import tenant
from tests.plan.strategies import Case, portable_documents


def desired(spec: KindSpec, document: dict[str, Any]) -> dict[str, Any]:
    return to_portable(spec, tenant.desired(spec, document), tenant.INDEX, keep_empty=True)


def live(spec: KindSpec, record: dict[str, Any]) -> dict[str, Any]:
    return to_portable(spec, record, tenant.INDEX)


def workflow_diff(document: dict[str, Any], record: dict[str, Any]) -> list[FieldChange]:
    return list(diff(WORKFLOW, desired(WORKFLOW, document), live(WORKFLOW, record)))


def step(record: dict[str, Any], step_id: int) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in record["steps"] if s["step_id"] == step_id)
    return found


@pytest.mark.parametrize(
    ("spec", "document", "record"),
    [
        (WORKFLOW, documents.workflow(), tenant.live_workflow()),
        (TICKET_RULE, documents.ticket_rule(), tenant.live_ticket_rule()),
        (EVENT_RULE, documents.event_rule(), tenant.live_event_rule()),
    ],
    ids=["workflow", "ticket-rule", "event-rule"],
)
def test_a_plan_right_after_an_apply_is_empty(
    spec: KindSpec, document: dict[str, Any], record: dict[str, Any]
) -> None:
    assert diff(spec, desired(spec, document), live(spec, record)) == ()


def test_a_defaulted_field_the_file_leaves_out_is_compared_with_its_default() -> None:
    record = {**tenant.live_workflow(), "active": False}
    assert workflow_diff(documents.workflow(), record) == [
        FieldChange(path="active", before=False, after=True)
    ]
    del record["active"]
    assert workflow_diff(documents.workflow(), record) == [], "absent live: Halo's default"


def test_fields_the_file_does_not_set_are_not_managed_at_any_depth() -> None:
    record = tenant.live_workflow()
    step(record, 4)["message"] = "set in Halo's UI"
    step(record, 2)["rules"][0]["stopmatching"] = True
    assert workflow_diff(documents.workflow(), record) == []


def test_a_changed_keyed_item_is_named_by_its_label() -> None:
    document = documents.workflow()
    document["steps"][1]["name"] = "Assigned to someone"
    document["steps"][1]["actions"][0]["time_limit_mins"] = 60
    document["steps"][1]["rules"][0]["stopmatching"] = True
    assert workflow_diff(document, tenant.live_workflow()) == [
        FieldChange(
            path='steps["Assigned to someone"].actions["Resolve -> Resolved"].time_limit_mins',
            before=240,
            after=60,
        ),
        FieldChange(
            path='steps["Assigned to someone"].name', before="Assigned", after="Assigned to someone"
        ),
        FieldChange(
            path='steps["Assigned to someone"].rules["Chase the agent"].stopmatching',
            before=None,
            after=True,
        ),
    ]


def test_a_keyed_item_is_added_or_removed_whole() -> None:
    document = documents.workflow()
    document["steps"].append({"step_id": 10, "name": "Closed"})
    record = tenant.live_workflow()
    record["steps"].append({"fdid": 9, "step_id": 9, "name": "Legacy"})
    assert workflow_diff(document, record) == [
        FieldChange(path='steps["Closed"]', before=None, after={"step_id": 10, "name": "Closed"}),
        FieldChange(path='steps["Legacy"]', before={"step_id": 9, "name": "Legacy"}, after=None),
    ]


def test_an_action_leading_elsewhere_is_another_action() -> None:
    document = documents.workflow()
    document["steps"][0]["actions"][1]["end_step"] = 4
    changes = workflow_diff(document, tenant.live_workflow())
    assert [(c.path, c.before is None) for c in changes] == [
        ('steps["Logged"].actions["Escalate -> Escalated to Problem"]', False),
        ('steps["Logged"].actions["Escalate -> Resolved"]', True),
    ]


def test_a_reference_changes_as_one_value() -> None:
    record = tenant.live_workflow()
    step(record, 3)["new_flow_id"] = tenant.WORKFLOW_ID
    assert workflow_diff(documents.workflow(), record) == [
        FieldChange(
            path='steps["Escalated to Problem"].new_flow_id',
            before={"workflow": "Incident Lifecycle"},
            after={"workflow": "Problem Management"},
        )
    ]


def rule_diff(criteria: list[dict[str, Any]], live_criteria: list[dict[str, Any]]) -> Any:
    want = {"guid": documents.RULE_GUID, "name": "R", "criteria": criteria}
    have = {**want, "criteria": live_criteria, "precedence": 50, "active": True}
    return [(c.path, c.before, c.after) for c in diff(TICKET_RULE, want, have)]


A = {"fieldname": "summary", "type": 2, "value_string": "disk"}
B = {"fieldname": "summary", "type": 2, "value_string": "DISK"}


def test_unordered_items_match_in_any_order_and_a_changed_one_is_swapped() -> None:
    assert rule_diff([A, B], [B, A]) == []
    assert rule_diff([A], [B]) == [("criteria[-]", B, None), ("criteria[+]", None, A)]


def test_unordered_lists_count_duplicates() -> None:
    assert rule_diff([A, A], [A]) == [("criteria[+]", None, A)]


def test_a_loose_item_does_not_take_the_only_match_of_a_strict_one() -> None:
    loose = {"fieldname": "summary"}
    assert rule_diff([loose, A], [A, B]) == []


def test_empty_means_absent_and_an_emptied_field_is_cleared() -> None:
    assert rule_diff([], []) == []
    assert rule_diff([], [A]) == [("criteria[-]", A, None)]
    want = {"guid": documents.RULE_GUID, "name": "R", "popupmsg": "", "criteria": []}
    assert diff(TICKET_RULE, want, {"guid": documents.RULE_GUID, "name": "R"}) == ()
    changed = diff(TICKET_RULE, want, {**want, "popupmsg": "Hello"})
    assert changed == (FieldChange(path="popupmsg", before="Hello", after=None),)


@pytest.mark.parametrize(
    ("want", "have", "same"),
    [(240, 240.0, True), (True, 1, False), (0, False, False), ("Disk", "disk", False)],
)
def test_numbers_compare_by_value_and_the_rest_exactly(want: Any, have: Any, same: bool) -> None:
    base = {"guid": documents.RULE_GUID, "name": "R"}
    changes = diff(TICKET_RULE, {**base, "precedence": want}, {**base, "precedence": have})
    assert (changes == ()) is same


@pytest.mark.parametrize(
    ("field", "unset"), [("batch_size", 0), ("set_colour", False), ("new_agent_id", 0)]
)
def test_an_unset_value_is_absent_either_way(field: str, unset: object) -> None:
    base = {"guid": documents.RULE_GUID, "name": "R"}
    assert diff(TICKET_RULE, {**base, field: unset}, base) == ()
    assert diff(TICKET_RULE, base, {**base, field: unset}) == ()
    assert diff(TICKET_RULE, base, {**base, field: unset}, symmetric=True) == ()
    set_ = {**base, field: 7 if unset == 0 and unset is not False else True}
    cleared = diff(TICKET_RULE, {**base, field: unset}, set_)
    after = False if unset is False else None  # a flag turned off reads as false
    assert cleared == (FieldChange(path=field, before=set_[field], after=after),)


def test_other_lists_compare_by_position_and_unmodelled_items_as_one_value() -> None:
    document = documents.workflow()
    document["steps"][3]["output_variables"] = [{"name": "a"}, {"name": "b"}]
    record = tenant.live_workflow()
    step(record, 4)["output_variables"] = [{"name": "a", "id": 1}, {"name": "c"}, {"name": "d"}]
    assert workflow_diff(document, record) == [
        FieldChange(
            path='steps["Resolved"].output_variables[1]', before={"name": "c"}, after={"name": "b"}
        ),
        FieldChange(path='steps["Resolved"].output_variables[2]', before={"name": "d"}, after=None),
    ]


def test_paths_sort_by_name_and_positions_in_numeric_order() -> None:
    document = documents.workflow()
    for item in document["steps"]:
        item["note"] = "n"
    document["steps"].append({"step_id": 10, "name": "Ten"})
    document["steps"][3]["output_variables"] = [{"name": str(n)} for n in range(11)]
    paths = [change.path for change in workflow_diff(document, tenant.live_workflow())]
    names = ("Assigned", "Escalated to Problem", "Logged")
    resolved = [f'steps["Resolved"].output_variables[{n}]' for n in range(11)]
    assert paths == [
        *(f'steps["{name}"].note' for name in names),
        'steps["Resolved"].note',
        *resolved,
        'steps["Ten"]',
    ]


def test_items_sharing_a_label_are_told_apart_by_their_key() -> None:
    document = documents.workflow()
    document["steps"][2]["name"] = "Assigned"
    paths = [change.path for change in workflow_diff(document, tenant.live_workflow())]
    assert 'steps["Assigned" #3].name' in paths
    assert not any(path.startswith('steps["Assigned" #2]') for path in paths)


@settings(max_examples=60, deadline=None)
@given(portable_documents())
def test_a_resource_never_differs_from_itself(case: Case) -> None:
    spec, portable = case
    assert diff(spec, portable, portable) == ()


@settings(max_examples=60, deadline=None)
@given(portable_documents())
def test_what_only_the_live_side_has_is_never_a_change(case: Case) -> None:
    spec, portable = case
    assert diff(spec, portable, with_extras(spec, portable, "")) == ()


def with_extras(spec: KindSpec, value: Any, pattern: str) -> Any:
    """``value`` with a field no model declares added to every modelled object in it."""
    if isinstance(value, list):
        return [with_extras(spec, item, f"{pattern}[]") for item in value]
    if isinstance(value, dict) and pattern in spec.server_owned:
        fields = {
            key: with_extras(spec, item, f"{pattern}.{key}" if pattern else key)
            for key, item in value.items()
        }
        return {**fields, "zz_halo_only": 1}
    return value


@settings(max_examples=60, deadline=None)
@given(portable_documents(), st.data())
def test_a_changed_scalar_is_exactly_one_change(case: Case, data: st.DataObject) -> None:
    spec, portable = case
    scalars = sorted(key for key, value in portable.items() if not isinstance(value, list | dict))
    name = data.draw(st.sampled_from(scalars))
    before = portable[name]
    after = (not before) if isinstance(before, bool) else before + before
    changes = diff(spec, {**portable, name: after}, portable)
    assert changes == (FieldChange(path=name, before=before, after=after),)
