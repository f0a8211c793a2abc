"""Criteria: the conditions every kind matches tickets with, modelled once.

Ticket rules (``criteria``), event rules (``criteria``, ``ticket_matching_criteria``),
workflow steps (``step_conditions``) and step actions (``conditions``) all hold Halo's
AutoassignCriteria rows; criteria groups (ORed) hold them too. A criterion belongs to
whatever holds it, so every link back to an owner is server-owned here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from haloform.kinds.base import UNORDERED, HaloModel, UnorderedPassthrough
from haloform.kinds.refs import AnyLookupRef, TenantIds


class Criterion(HaloModel):
    """One condition; several on one owner are ANDed."""

    halo_schema = "AutoassignCriteria"
    server_owned = frozenset(
        {"id", "_warning", "value_display", "alt_value_display", "valueint_guid"}
        # links to whatever owns the row: set from where it sits in the file
        | {"rule_id", "autoassign_guid", "eventrule_id", "eventrule_guid", "criteria_group_id"}
        | {"flow_id", "flow_seq", "flowsubdetails_criteria_id", "chatprofile_id"}
        | {"qualification_criteria_id", "stdid", "contract_rule_id"}
        | {"function_id"}
    )
    zero_unset = frozenset(
        {"value_type_id", "value_float", "partialmatch", "matchseparatedvalues", "use"}
        | {"exact_word_match", "utcoffset", "match_after_start", "match_after_target"}
        | {"chatprofile_flow_seq", "flow_type"}
    )
    observed = frozenset({"flow_type"})
    # real criteria rows default value_type_id to -1
    unset_values = {"value_type_id": (-1,)}

    fieldname: str | None = None
    """The ticket field compared, e.g. ``priority_id``, ``status_id``, ``summary``."""
    tablename: str | None = None
    """Where ``fieldname`` lives; ``faults`` is the ticket."""
    type: int | None = None
    """How to compare: 0 is equal to, 1 is not equal to, 2 contains, 3 does not contain,
    5 greater than, 6 greater than or equal, 7 less than, 8 less than or equal,
    23 includes (``value_string`` is a comma-separated set, matched exactly per item),
    24 does not include, 29 has a value, 30 does not have a value, -10 to any value.
    Other codes exist; their meanings are not published."""
    value_type: str | None = None
    """Seen: ``string``, ``int``, ``float``, ``multiselect``."""
    value_type_id: int | None = None
    value_int: int | AnyLookupRef | TenantIds | None = None
    """The value for id-valued fields: a lookup reference (``{priority: P1 Critical}``)
    is portable; a plain integer is taken as it is (many fields hold ids of things
    haloform has no lookup for, so it is not reported as not portable)."""
    value_string: str | None = None
    value_float: float | None = None
    value_datetime: Annotated[datetime, Field(strict=False)] | None = None
    """ISO 8601; a quoted string or a YAML timestamp."""
    partialmatch: bool | None = None
    matchseparatedvalues: bool | None = None
    exact_word_match: bool | None = None
    comma_separated_match_output: str | None = None
    use: int | None = None
    timezonestring: str | None = None
    utcoffset: int | None = None
    match_after_start: bool | None = None
    match_after_target: bool | None = None
    chatprofile_flow_seq: int | None = None
    """The runbook step a criterion of an automation belongs to (a step number, not an
    id: portable)."""
    flow_type: int | None = None


TICKET_TABLES = frozenset({"", "faults"})
"""``tablename`` values that mean the ticket itself. The ``type`` codes are known only
there: on another table a code means something else (on ``runbookvariable``, 5 is "has
elements", not "greater than"), so it is shown and evaluated as unknown."""


def on_ticket(tablename: object) -> bool:
    """Whether a criterion with this ``tablename`` tests the ticket itself."""
    return str(tablename or "").casefold() in TICKET_TABLES


CriteriaList = Annotated[list[Criterion], UNORDERED]


class Restriction(HaloModel):
    """Who may press an action, or see a group: one field/value pair."""

    halo_schema = "FlowSubDetailRestriction"
    server_owned = frozenset({"id", "flowsubdetail_id", "value_name"})

    field_id: int | None = None
    type: int | None = None
    value_id: int | None = None


RestrictionList = Annotated[list[Restriction], UNORDERED]


class CriteriaGroup(HaloModel):
    """A set of ANDed criteria; the groups of one owner are ORed."""

    halo_schema = "CriteriaGroup"
    server_owned = frozenset({"id", "_warning", "entity_id", "entity_name", "entity_guid2"})

    desc: str | None = Field(default=None, max_length=255)
    seq: int | None = None
    type: int | None = None
    entity_id2: int | None = None
    entity_id3: int | None = None
    allow_access: bool | None = None
    subscriber_type: int | None = None
    criteria: CriteriaList | None = None
    restrictions: RestrictionList | None = None
    visibility_conditions: UnorderedPassthrough | None = None
    user_access: UnorderedPassthrough | None = None
    subscribers: UnorderedPassthrough | None = None
    view_filter_details: UnorderedPassthrough | None = None


CriteriaGroupList = Annotated[list[CriteriaGroup], UNORDERED]
