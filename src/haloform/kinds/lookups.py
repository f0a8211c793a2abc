"""The tenant lookups, declared once: things a config repo refers to but does not own.

Agents, teams, statuses, priorities, SLAs, templates, ticket types and outcomes have
numeric ids that differ between tenants while their names stay the same, so files name
them (``{agent: Alice Admin}``) and each tenant's directory turns a name into that
tenant's id (and back, for export). Everything else is derived from ``LOOKUPS``: the
reference models a file may write (``kinds.refs``), which criteria fields hold a
lookup's id, what ``fetch.lookups`` reads, which words cannot be resolved. Adding a
lookup is one row here.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Lookup:
    """One lookup: the word files use for it and how Halo's endpoint serves its rows."""

    word: str
    """The word a reference uses: ``{agent: Alice Admin}``."""
    path: str | None
    """The endpoint listing its rows; None when Halo's published API has none, so a
    name cannot be resolved (it is accepted in files, and plan asks for a raw id)."""
    id_field: str = "id"
    """The field rules store. /Priority's ``id`` is a GUID; rules store ``priorityid``."""
    name_fields: tuple[str, ...] = ("name",)
    """Where the display name is; the first non-empty one wins."""
    criteria_fields: tuple[str, ...] = ()
    """Ticket fields (lower-case criteria ``fieldname``) whose ``value_int`` holds this
    lookup's id. Halo's answer says only "an int"; the fieldname tells a priority id
    from a status id."""
    title: str | None = None
    """The word as a model name where capitalising it is not enough (``TicketType``)."""
    about: str | None = None
    """What a reference to it means, where the word alone does not say (the reference
    model's docstring, shown in the JSON Schemas)."""

    @property
    def resolves(self) -> bool:
        """Whether a name can be turned into a tenant's id."""
        return self.path is not None

    @property
    def model_name(self) -> str:
        return f"{self.title or self.word.capitalize()}Ref"


LOOKUPS: tuple[Lookup, ...] = (
    Lookup("agent", "/Agent", criteria_fields=("agent_id",)),
    Lookup("team", "/Team", criteria_fields=("team_id",)),
    Lookup("status", "/Status", criteria_fields=("status_id",)),
    Lookup("priority", "/Priority", id_field="priorityid", criteria_fields=("priority_id",)),
    Lookup("sla", "/SLA", criteria_fields=("sla_id",)),
    Lookup("template", "/Template", criteria_fields=("template_id",)),
    # Halo's ticket-type field is requesttype_id in its database, tickettype_id in its API
    Lookup(
        "tickettype",
        "/TicketType",
        criteria_fields=("requesttype_id", "tickettype_id"),
        title="TicketType",
    ),
    Lookup(
        "outcome",
        "/Outcome",
        name_fields=("buttonname", "outcome", "labellong"),
        about="An Outcome (what Halo's screens call an Action), by its button name.",
    ),
    Lookup(
        "category",
        None,
        about=(
            "A ticket category by name. Accepted in files but NOT resolvable yet: the Halo API\n"
            "subset haloform talks to has no category lookup, so a plan that needs its id fails\n"
            "saying so. Until then a raw id (not portable) is the way to set a category."
        ),
    ),
)
"""Every lookup, in the order ``haloform lookups`` and error messages list them."""

BY_WORD: Mapping[str, Lookup] = types.MappingProxyType({row.word: row for row in LOOKUPS})

RESOLVABLE: tuple[Lookup, ...] = tuple(row for row in LOOKUPS if row.resolves)
"""The lookups a tenant's directory holds."""

UNRESOLVABLE: frozenset[str] = frozenset(row.word for row in LOOKUPS if not row.resolves)
"""Words accepted in files whose names haloform cannot map to ids."""

CRITERION_LOOKUPS: Mapping[str, str] = types.MappingProxyType(
    {field: row.word for row in LOOKUPS for field in row.criteria_fields}
)
"""Lookup word by the criteria ``fieldname`` whose ``value_int`` holds its id. A
fieldname not listed keeps its raw ``value_int``."""


def criterion_lookup(criterion: Mapping[str, Any]) -> str | None:
    """The lookup word a criterion's ``value_int`` points at, if its field is known."""
    return CRITERION_LOOKUPS.get(str(criterion.get("fieldname") or "").casefold())
