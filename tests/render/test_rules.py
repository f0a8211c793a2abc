"""Rules in plain language: every criterion code docs/halo-api.md documents has its phrase."""

from __future__ import annotations

import pytest

from haloform.render import labels, rules

FACTS_CODES = {
    0: "is equal to",
    1: "is not equal to",
    2: "contains",
    3: "does not contain",
    5: "is greater than",
    6: "is greater than or equal to",
    7: "is less than",
    8: "is less than or equal to",
    23: "includes",
    24: "does not include",
    29: "has a value",
    30: "does not have a value",
    -10: "is any value",
}


@pytest.mark.parametrize(("code", "phrase"), sorted(FACTS_CODES.items()))
def test_every_documented_code_reads_as_its_phrase(code: int, phrase: str) -> None:
    sentence = rules.criterion({"fieldname": "summary", "type": code, "value_string": "VIP"})
    expected = f"Summary {phrase}" if code in rules.NO_VALUE else f'Summary {phrase} "VIP"'
    assert sentence == expected


def test_an_unknown_code_is_shown_raw_and_marked() -> None:
    sentence = rules.criterion({"fieldname": "status_id", "type": 4, "value_int": 3})
    assert sentence == "Status [unknown comparison type 4] 3"


def test_a_code_off_the_ticket_is_not_guessed() -> None:
    """Issue 20: on ``runbookvariable`` (a real runbook's step condition), 5 is "has
    elements", not "greater than": the meaning of a code depends on ``tablename``."""
    sentence = rules.criterion(
        {"fieldname": "<<Groups>>", "tablename": "runbookvariable", "type": 5, "value_int": 0}
    )
    assert "greater" not in sentence
    assert "[comparison type 5 on runbookvariable: meaning unknown]" in sentence


def test_field_names_read_as_labels_from_what_kinds_declare() -> None:
    assert labels.ticket_field("priority_id") == "Priority"
    assert labels.ticket_field("requesttype_id") == "Ticket type"
    assert labels.ticket_field("sla_id") == "SLA"
    assert labels.ticket_field("symptom") == "Details"
    assert labels.ticket_field("cf_region_id") == "Cf region"
    assert labels.setter("new_category_2_id") == "category 2"


def test_groups_read_as_any_of() -> None:
    rule = {
        "criteria": [{"fieldname": "summary", "type": 2, "value_string": "VIP"}],
        "criteria_groups": [
            {
                "criteria": [
                    {"fieldname": "priority_id", "type": 0, "value_int": {"priority": "P1"}}
                ]
            },
            {
                "criteria": [
                    {"fieldname": "status_id", "type": 0, "value_int": {"status": "New"}},
                    {"fieldname": "team_id", "type": 29},
                ]
            },
        ],
        "new_team": "Network",
    }
    assert rules.sentence(rule) == (
        'When Summary contains "VIP" and any of: (Priority is equal to P1) or '
        "(Status is equal to New and Team has a value) — Then: team -> Network"
    )


def test_a_reference_by_guid_and_a_raw_id_read_as_such() -> None:
    assert rules.shown({"workflow": {"guid": "abc"}}) == "guid abc"
    assert rules.shown(17) == "17"
    assert rules.sentence({"name": "no conditions or effects"}) is None
