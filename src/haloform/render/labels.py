"""What a Halo admin calls a field: ``priority_id`` reads "Priority", ``new_agent_id``
"agent".

Ticket fields a criterion compares are labelled from what kinds/ declares: a field
whose ``value_int`` holds a lookup row (``criterion_lookup``) is called after that
lookup; the few ticket fields that hold no lookup have a label here. Anything else
is shown tidied (``custom_score`` -> "Custom score") rather than guessed at.
"""

from __future__ import annotations

import types
from collections.abc import Mapping

from haloform.kinds.lookups import criterion_lookup

TICKET_FIELDS: Mapping[str, str] = types.MappingProxyType(
    {
        "summary": "Summary",
        "symptom": "Details",
        "details": "Details",
        "user_name": "User",
        "user_id": "User",
        "client_id": "Customer",
        "site_id": "Site",
        "impact": "Impact",
        "urgency": "Urgency",
        "category_1": "Category 1",
        "category_2": "Category 2",
        "category_3": "Category 3",
        "category_4": "Category 4",
        "emailfrom": "Email from",
        "emailto": "Email to",
        "source": "Source",
        "alert_type": "Alert type",
    }
)
"""Ticket fields (lower case) that hold no lookup row, as Halo's screens label them."""

LOOKUP_WORDS: Mapping[str, str] = types.MappingProxyType(
    {"sla": "SLA", "tickettype": "Ticket type"}
)
"""Lookup words whose label is not the word capitalised."""


def lookup_label(word: str) -> str:
    """``priority`` -> "Priority", ``sla`` -> "SLA"."""
    return LOOKUP_WORDS.get(word, word[:1].upper() + word[1:])


def ticket_field(fieldname: str) -> str:
    """The label of the ticket field a criterion compares."""
    key = fieldname.casefold()
    if key in TICKET_FIELDS:
        return TICKET_FIELDS[key]
    word = criterion_lookup({"fieldname": fieldname})
    if word is not None:
        return lookup_label(word)
    return tidy(fieldname)


def setter(field: str) -> str:
    """What a rule's ``new_*`` field sets, in lower case: ``new_priority_id`` ->
    "priority", ``new_category_2_id`` -> "category 2", ``new_sla_id`` -> "SLA"."""
    core = field.removeprefix("new_").removesuffix("_id")
    return LOOKUP_WORDS.get(core, core.replace("_", " "))


FIELD_WORDS: Mapping[str, str] = types.MappingProxyType(
    {
        "time_limit_mins": "time limit (minutes)",
        "new_flow_id": "switch to workflow",
        "end_step": "end step",
        "isstart": "start step",
        "isend": "end step",
        "stopmatching": "stop matching",
        "action_id": "outcome",
    }
)
"""Resource fields whose API name reads badly in a sentence."""


def field_word(name: str) -> str:
    """A resource field in a sentence: ``time_limit_mins`` -> "time limit (minutes)"."""
    if name in FIELD_WORDS:
        return FIELD_WORDS[name]
    if name.startswith("new_"):
        return setter(name)
    return name.removesuffix("_id").replace("_", " ")


def tidy(name: str) -> str:
    """``custom_score_id`` -> "Custom score": a field no table names."""
    words = name.removesuffix("_id").replace("_", " ").strip() or name
    return words[:1].upper() + words[1:]
