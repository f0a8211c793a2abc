"""Records in a file's terms: a live record and the desired payload of the same file
meet in one portable form, and that form is what export writes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings

from haloform.kinds import KindSpec
from haloform.kinds.event_rule import EVENT_RULE
from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.kinds.workflow import WORKFLOW
from haloform.resolve.index import TenantIndex, managed_ref
from haloform.resolve.portable import file_order, fingerprint, is_empty, to_portable
from tests.kinds import documents
from tests.plan import tenant
from tests.plan.strategies import portable_documents

INDEX = tenant.INDEX


def live(spec: KindSpec, record: dict[str, Any]) -> dict[str, Any]:
    return to_portable(spec, record, INDEX)


def test_a_live_workflow_reads_in_names_without_server_noise() -> None:
    portable = live(WORKFLOW, tenant.live_workflow())
    assert {"id", "in_use", "_warning", "workflow_history", "flow_chart_json"}.isdisjoint(portable)
    step = next(step for step in portable["steps"] if step["step_id"] == 2)
    assert step == {
        "step_id": 2,
        "name": "Assigned",
        "actions": [
            {
                "action_id": {"outcome": "Resolve"},
                "end_step": 4,
                "seq": 1,
                "time_limit_mins": 240,
                "time_limit_action_id": {"outcome": "Chase"},
            }
        ],
        "rules": [
            {
                "name": "Chase the agent",
                "precedence": 50,
                "active": True,
                "criteria": [{"fieldname": "status_id", "value_int": {"status": "New"}}],
                "new_workflow_id": {"workflow": "Problem Management"},
                "guid": tenant.STEP_RULE_GUID,
            }
        ],
    }


def test_whole_outcome_rows_read_as_names_and_unknown_ids_stay_ids() -> None:
    portable = live(WORKFLOW, tenant.live_workflow())
    assert portable["always_allow_actions"] == [41, {"outcome": "Add Note"}]


def test_the_desired_payload_comes_back_to_the_file_it_was_built_from() -> None:
    portable = to_portable(WORKFLOW, tenant.desired(WORKFLOW, documents.workflow()), INDEX)
    document = documents.workflow()
    del document["kind"]
    document["always_allow_actions"] = [{"outcome": "Add Note"}, 41]
    chase = document["steps"][1]["actions"][0]
    chase["time_limit_action_id"] = {"outcome": "Chase"}
    rule = document["steps"][1]["rules"][0]
    rule["new_workflow_id"] = {"workflow": "Problem Management"}  # the guid, by name
    assert portable == document


def test_a_start_step_is_implicit_only_when_it_is_the_actions_own_step() -> None:
    record = tenant.live_workflow()
    step = next(step for step in record["steps"] if step["step_id"] == 1)
    step["actions"][0]["start_step"] = 3
    actions = next(s for s in live(WORKFLOW, record)["steps"] if s["step_id"] == 1)["actions"]
    assert [action.get("start_step") for action in actions] == [3, None]


def test_ticket_rule_references_read_as_names_and_the_team_stays_a_name() -> None:
    portable = live(TICKET_RULE, tenant.live_ticket_rule())
    assert portable["criteria"] == [
        {
            "fieldname": "priority_id",
            "tablename": "faults",
            "type": 0,
            "value_int": {"priority": "P1 Critical"},
        }
    ]
    assert portable["new_team"] == "Network"
    assert portable["new_agent_id"] == {"agent": "Carol Network"}
    assert portable["new_status_id"] == {"status": "Closed"}
    assert portable["new_workflow_id"] == {"workflow": "Incident Lifecycle"}
    assert {"new_agent_name", "newworkflow_guid", "matched_rule_count", "intent"}.isdisjoint(
        portable
    )


@pytest.mark.parametrize(
    ("fieldname", "expected"),
    [
        ("status_id", {"status": "New"}),
        ("STATUS_ID", {"status": "New"}),
        ("requesttype_id", 1),  # tickettype 1 is not in this tenant
        ("client_id", 1),  # no lookup haloform knows: the id stands
    ],
)
def test_a_criterion_value_is_named_by_its_fieldname(fieldname: str, expected: object) -> None:
    record = {**tenant.live_ticket_rule(), "criteria": [{"fieldname": fieldname, "value_int": 1}]}
    (criterion,) = live(TICKET_RULE, record)["criteria"]
    assert criterion["value_int"] == expected


def test_a_symbolic_workflow_reads_as_its_name_or_else_its_guid() -> None:
    unknown = "11111111-2222-4333-8444-555555555555"
    for guid, expected in [
        (documents.PROBLEM_GUID.upper(), {"workflow": "Problem Management"}),
        (unknown, {"workflow": {"guid": unknown}}),
    ]:
        record = {"new_workflow_id": managed_ref("Workflow", guid)}
        assert to_portable(TICKET_RULE, record, INDEX) == {"new_workflow_id": expected}


def test_an_id_of_an_unknown_workflow_stays_an_id() -> None:
    assert to_portable(TICKET_RULE, {"new_workflow_id": 999}, INDEX) == {"new_workflow_id": 999}


def test_secrets_are_never_read_back_or_written() -> None:
    desired = to_portable(EVENT_RULE, tenant.desired(EVENT_RULE, documents.event_rule()), INDEX)
    assert "new_client_secret" not in desired
    portable = live(EVENT_RULE, {**tenant.live_event_rule(), "new_client_secret": "leaked"})
    assert "new_client_secret" not in portable
    assert portable["tickettype_id"] == {"tickettype": "Alert"}
    assert portable["template_id"] == {"template": "Server Down"}


def test_unset_values_are_absent_unless_a_file_clears_a_field_with_them() -> None:
    record = {"guid": documents.RULE_GUID, "name": "R", "criteria": [], "popupmsg": "", "use": 0}
    zeros = {"new_agent_id": 0, "set_colour": False, "batch_sleep": 0, "precedence": 0}
    assert to_portable(TICKET_RULE, record | zeros, INDEX) == {
        "guid": documents.RULE_GUID,
        "name": "R",
        "precedence": 0,  # not a zero_unset field: its 0 is a value
    }
    kept = to_portable(TICKET_RULE, record, INDEX, keep_empty=True)
    assert kept["criteria"] == [] and kept["popupmsg"] == "" and kept["use"] == 0


class _Refusing(TenantIndex):
    """An index that fails any look-up by id."""

    def lookup_name(self, kind: str, id: int) -> str | None:
        raise AssertionError(f"looked up {kind} {id}")

    def managed_guid(self, kind: str, id: int) -> str | None:
        raise AssertionError(f"looked up {kind} {id}")


def test_a_reference_of_zero_is_never_looked_up() -> None:
    index = _Refusing(**{f.name: getattr(INDEX, f.name) for f in dataclasses.fields(INDEX)})
    record = {"guid": documents.RULE_GUID, "name": "R", "new_agent_id": 0, "new_status_id": 0}
    assert to_portable(TICKET_RULE, record, index, keep_empty=True)["new_agent_id"] == 0


@pytest.mark.parametrize("value", [None, "", [], {}])
def test_what_halo_leaves_out_is_empty(value: object) -> None:
    assert is_empty(value)


@pytest.mark.parametrize("value", [0, False, " ", [None], 0.0])
def test_falsy_values_are_still_values(value: object) -> None:
    assert not is_empty(value)


def test_the_fingerprint_ignores_noise_and_notices_edits() -> None:
    record = tenant.live_workflow()
    noisy = {**record, "in_use": False, "workflow_history": [], "new_field_from_halo": 0}
    reordered = dict(reversed(list(record.items())))
    print_ = fingerprint(WORKFLOW, record, INDEX)
    assert fingerprint(WORKFLOW, noisy, INDEX) == print_
    assert fingerprint(WORKFLOW, reordered, INDEX) == print_
    assert fingerprint(WORKFLOW, {**record, "note": "edited"}, INDEX) != print_
    # a field haloform keeps without modelling it is part of what the record means
    assert fingerprint(WORKFLOW, {**record, "new_field_from_halo": 1}, INDEX) != print_
    assert len(print_) == 64


def test_unknown_fields_are_kept_apart_and_sent_back_as_read() -> None:
    """Issue 20: a field no model declares is kept under ``unmodelled`` (set values
    only: Halo zero-fills every field), and the payload sends it back where it was."""
    record = tenant.live_workflow()
    record["steps"][0].update(ai_new_knob=3, zero_filled_knob=0, pipeline_stage_name="x")
    record["brand_new"] = {"a": 1}
    portable = to_portable(WORKFLOW, record, INDEX)
    assert portable["unmodelled"] == {"brand_new": {"a": 1}}
    assert portable["steps"][0]["unmodelled"] == {"ai_new_knob": 3}
    workflow = WORKFLOW.parse(file_order(WORKFLOW, portable))
    payload = workflow.to_payload(lambda ref: 0)
    assert payload["brand_new"] == {"a": 1}
    assert payload["steps"][0]["ai_new_knob"] == 3
    assert "unmodelled" not in payload and "unmodelled" not in payload["steps"][0]


def test_nested_rows_lose_their_tenant_row_ids() -> None:
    """Issue 20: rows of pass-through lists keep no ``id``/``guid``/owner link, which
    a POST to another tenant would read as "update that row"."""
    record = tenant.live_workflow()
    record["steps"][0]["runbook_variable_mappings"] = [
        {
            "id": 1736,
            "guid": "2ccf72ee-3712-4c38-98c0-bda57fcff2f1",
            "step_id": 1430,
            "step_seq": 1,
            "step_name": "x",
            "rule_id": 0,
            "key": "Thread",
            "type": 4,
            "value_mappings": [],
            "extra_process": 0,
        },
    ]
    record["steps"][0]["access_control"] = [{"id": 12}]
    portable = to_portable(WORKFLOW, record, INDEX)
    step = portable["steps"][0]
    assert step["runbook_variable_mappings"] == [{"key": "Thread", "type": 4, "extra_process": 0}]
    assert step["unmodelled"] == {"access_control": [{"id": 12}]}  # a bare id: a reference


@pytest.mark.parametrize(
    ("spec", "record"),
    [
        (WORKFLOW, tenant.live_workflow()),
        (TICKET_RULE, tenant.live_ticket_rule()),
        (EVENT_RULE, tenant.live_event_rule()),
    ],
    ids=lambda value: getattr(value, "kind", ""),
)
def test_an_export_is_a_valid_file_laid_out_as_the_model_declares(
    spec: KindSpec, record: dict[str, Any]
) -> None:
    exported = file_order(spec, live(spec, record))
    assert list(exported)[:3] == ["kind", "guid", "name"]
    declared = list(spec.model.model_fields)
    assert [declared.index(key) for key in exported] == sorted(
        declared.index(key) for key in exported
    )
    assert spec.parse(exported).guid == record["guid"]


@settings(max_examples=40, deadline=None)
@given(portable_documents())
def test_the_portable_form_is_a_fixed_point_and_a_valid_file(
    case: tuple[KindSpec, dict[str, Any]],
) -> None:
    spec, portable = case
    assert to_portable(spec, portable, TenantIndex()) == portable
    spec.parse(file_order(spec, portable))


def test_a_guid_has_one_spelling() -> None:
    record = {**tenant.live_ticket_rule(), "guid": documents.RULE_GUID.upper()}
    assert live(TICKET_RULE, record)["guid"] == documents.RULE_GUID
