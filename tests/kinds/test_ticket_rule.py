"""Ticket rules: what a match sets, team names, and step rules that are not ours."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from haloform.kinds.ref_fields import iter_refs
from haloform.kinds.refs import Ref
from haloform.kinds.ticket_rule import TICKET_RULE, StepRule, TicketRule
from tests.kinds import documents


def test_the_payload_resolves_ids_and_keeps_the_team_name() -> None:
    resolved: list[str] = []

    def resolve(ref: Ref) -> int:
        resolved.append(str(ref))
        return len(resolved)

    payload = TicketRule.model_validate(documents.ticket_rule()).to_payload(resolve)
    assert payload["new_team"] == "Network"
    assert payload["new_status_id"] == 12
    assert payload["precedence"] == 10
    assert sorted(resolved) == [
        "{agent: Carol Network}",
        "{priority: P1 Critical}",
        "{sla: Platinum}",
        "{workflow: Incident Lifecycle}",
    ]
    assert "{team: Network}" in {
        str(ref) for _, ref in iter_refs(TicketRule.model_validate(documents.ticket_rule()))
    }


def test_values_without_a_json_form_are_sent_as_halo_reads_them() -> None:
    document = documents.ticket_rule()
    document["criteria"] = [{"fieldname": "dateoccurred", "value_datetime": "2025-03-01T09:30:00"}]
    document["outcomes"] = [{"fieldname": "CFx", "value_datetime": datetime(2025, 3, 1, 9, 30)}]
    payload = TicketRule.model_validate(document).to_payload(lambda ref: 0)
    assert payload["criteria"][0]["value_datetime"] == "2025-03-01T09:30:00"
    assert payload["outcomes"][0]["value_datetime"] == "2025-03-01T09:30:00"


def test_step_rules_in_the_live_list_are_not_managed_as_ticket_rules() -> None:
    assert TICKET_RULE.is_managed_row({"id": 4, "name": "global"})
    assert TICKET_RULE.is_managed_row({"id": 4, "name": "global", "flowdetail_id": 0})
    assert not TICKET_RULE.is_managed_row({"id": 5, "name": "in a step", "flowdetail_id": 31})


def test_a_file_cannot_claim_a_rule_for_a_step() -> None:
    with pytest.raises(ValidationError) as caught:
        TicketRule.model_validate({**documents.ticket_rule(), "flowdetail_id": 31})
    assert caught.value.errors()[0]["type"] == "server_owned"


def test_a_step_rule_needs_a_name_but_no_guid() -> None:
    assert StepRule.model_validate({"name": "Chase"}).guid is None
    with pytest.raises(ValidationError):
        StepRule.model_validate({"precedence": 5})


def test_criteria_value_int_takes_a_number_or_one_lookup_reference() -> None:
    document = documents.ticket_rule()
    document["criteria"] = [
        {"fieldname": "client_id", "value_int": 44},
        {"fieldname": "agent_id", "value_int": {"agent": "Alice Admin"}},
    ]
    rule = TicketRule.model_validate(document)
    assert rule.criteria is not None and rule.criteria[0].value_int == 44
    document["criteria"] = [{"fieldname": "x", "value_int": {"colour": "red"}}]
    with pytest.raises(ValidationError) as caught:
        TicketRule.model_validate(document)
    assert "lookup_ref" in {error["type"] for error in caught.value.errors()}


def test_the_spec_reads_rules_with_their_criteria_and_fills_halos_defaults() -> None:
    assert TICKET_RULE.api_path == "/TicketRules" and TICKET_RULE.ref_key is None
    assert TICKET_RULE.list_params == {"excludeworkflow": True, "includecriteriainfo": True}
    assert "criteria_groups" in TICKET_RULE.detail_only
    assert "criteria" not in TICKET_RULE.detail_only
    assert TICKET_RULE.defaults == {"precedence": 50, "active": True}
    assert {"criteria", "criteria_groups", "outcomes"} <= TICKET_RULE.unordered_lists
    assert {
        "new_workflow_name",
        "newworkflow_guid",
        "new_category_3_guid",
    } <= TICKET_RULE.server_owned[""]
