"""Rules in plain language: "When (all of): Summary contains "VIP" · Priority is not
equal to P4 Low — Then: agent -> Dan Desk · stop matching".

A reviewer who is a Halo admin knows the screens, not the API: a criterion's ``type``
code is shown as Halo's own phrase for it (docs/halo-api.md lists them), its field by its
label and its value by name. A code whose meaning is unpublished is shown raw and
marked, never guessed. Values come from the plan's portable form, so a lookup reads
``P1 Critical``, not the tenant's id.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from typing import Any

from haloform.kinds.criteria import on_ticket
from haloform.render import labels
from haloform.render.flow import flow, printable, quote

OPERATORS: Mapping[int, str] = types.MappingProxyType(
    {
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
)
"""Halo's criterion ``type`` codes (docs/halo-api.md, from Halo's own label pack)."""

NO_VALUE = frozenset({29, 30, -10})
"""Codes that compare with no value."""

SEPARATOR = " · "
VALUE_FIELDS = ("value_int", "value_string", "value_float", "value_datetime")


def is_criterion(value: Any) -> bool:
    """Whether ``value`` is one criterion (an AutoassignCriteria row, portable)."""
    return isinstance(value, Mapping) and "fieldname" in value and "type" in value


def criterion(item: Mapping[str, Any]) -> str:
    """``Priority is not equal to P4 Low``; an unknown code reads
    ``Priority [unknown comparison type 42] 3``."""
    field = labels.ticket_field(str(item.get("fieldname") or "?"))
    code = item.get("type")
    phrase = OPERATORS.get(code) if isinstance(code, int) else None
    table = item.get("tablename")
    if not on_ticket(table):
        # a code means something else off the ticket (on runbookvariable, 5 is "has
        # elements"): say so rather than guess
        where = printable(str(table))
        phrase = f"[comparison type {printable(str(code))} on {where}: meaning unknown]"
    elif phrase is None:
        phrase = f"[unknown comparison type {printable(str(code))}]"
    if code in NO_VALUE:
        return f"{field} {phrase}"
    return f"{field} {phrase} {value(item)}"


def value(item: Mapping[str, Any]) -> str:
    """The first value field a criterion sets, as a reader knows it."""
    for name in VALUE_FIELDS:
        held = item.get(name)
        if held is not None and held != "":
            return shown(held)
    return "(no value)"


def shown(held: Any) -> str:
    """A reference by its name (``{priority: P1 Critical}`` -> P1 Critical), a managed
    one by guid when it has no name, a raw tenant id marked as such, text quoted."""
    if isinstance(held, Mapping) and len(held) == 1:
        (inner,) = held.values()
        if isinstance(inner, Mapping):
            return f"guid {printable(str(inner.get('guid')))}"
        return printable(str(inner))
    if isinstance(held, bool):
        return "yes" if held else "no"
    if isinstance(held, int | float):
        return flow(held)
    if isinstance(held, str):
        return quote(held)
    return flow(held)


def criteria(items: Sequence[Any]) -> str:
    """ANDed criteria: ``(all of): A · B``; one criterion reads alone."""
    sentences = [criterion(item) for item in items if isinstance(item, Mapping)]
    if len(sentences) == 1:
        return sentences[0]
    return "(all of): " + SEPARATOR.join(sentences)


def groups(items: Sequence[Any]) -> str:
    """ORed groups: ``any of: (A and B) or (C)``."""
    parts = []
    for group in items:
        inside = group.get("criteria") if isinstance(group, Mapping) else None
        sentences = [criterion(c) for c in inside or () if isinstance(c, Mapping)]
        parts.append("(" + (" and ".join(sentences) or "no criteria") + ")")
    return "any of: " + " or ".join(parts)


def when(rule: Mapping[str, Any]) -> str | None:
    """The rule's condition, or None when it has none to state."""
    parts = []
    if rule.get("criteria"):
        parts.append(criteria(rule["criteria"]))
    if rule.get("criteria_groups"):
        parts.append(groups(rule["criteria_groups"]))
    if not parts:
        return None
    return "When " + " and ".join(parts)


def then(rule: Mapping[str, Any]) -> str | None:
    """What a match sets (its ``new_*`` fields), and whether it stops matching."""
    effects = [
        f"{labels.setter(name)} -> {printable(held) if isinstance(held, str) else shown(held)}"
        for name, held in rule.items()
        if name.startswith("new_") and held not in (None, "", 0)
    ]
    if rule.get("stopmatching"):
        effects.append("stop matching")
    return "Then: " + SEPARATOR.join(effects) if effects else None


def sentence(rule: Mapping[str, Any]) -> str | None:
    """The whole rule in one line, or None for a resource that is not a rule."""
    parts = [part for part in (when(rule), then(rule)) if part]
    return " — ".join(parts) if parts else None
