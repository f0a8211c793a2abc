"""The one detail policy: a detail GET only when the list row lacks a detail-only field
the consumer wants, or when the consumer wants whole records."""

from __future__ import annotations

from haloform.fetch.reader import WHOLE, DetailLog, missing_detail
from haloform.kinds.event_rule import EVENT_RULE
from haloform.kinds.ticket_rule import TICKET_RULE

ROW = {"id": 7, "guid": "g", "name": "R", "criteria": [{"fieldname": "x"}]}


def test_no_detail_when_the_consumer_wants_only_list_fields() -> None:
    assert missing_detail(TICKET_RULE, ROW, {"name", "criteria"}) == ""


def test_a_wanted_detail_only_field_absent_or_empty_in_the_row_needs_the_detail() -> None:
    assert missing_detail(TICKET_RULE, ROW, {"name", "criteria_groups"}) == "criteria_groups"
    emptied = {**ROW, "criteria_groups": [], "events": ""}
    assert missing_detail(TICKET_RULE, emptied, {"events", "criteria_groups"}) == (
        "criteria_groups, events"
    )


def test_a_detail_only_field_the_row_carries_needs_no_detail() -> None:
    row = {"id": 3, "criteria": [{"fieldname": "x"}], "mappings": [{"a": 1}]}
    assert missing_detail(EVENT_RULE, row, {"criteria", "mappings"}) == ""


def test_a_consumer_wanting_whole_records_always_reads_the_detail() -> None:
    full = {"id": 3, **{name: [1] for name in EVENT_RULE.detail_only}}
    assert missing_detail(EVENT_RULE, full, WHOLE) == "every field is needed"


def test_the_log_says_per_kind_how_many_details_and_why() -> None:
    log = DetailLog()
    log.reasons[("TicketRule", "criteria_groups", "")] += 3
    log.reasons[("Workflow", "every field is needed", "")] += 1
    log.reasons[("Workflow", "stages, steps", "/workflowstep rows carry no actions")] += 2
    assert log.lines("set in files") == [
        "read 3 TicketRule details: criteria_groups is set in files and not in list rows",
        "read 1 Workflow detail: every field is needed",
        "read 2 Workflow details: stages, steps are set in files and not in list rows,"
        " and /workflowstep rows carry no actions",
    ]
