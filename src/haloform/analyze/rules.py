"""Rules in the terms of Halo's evaluation: precedence, ``use``, criteria, what they set.

docs/halo-api.md, "How Halo evaluates ticket rules": precedence 1 is tried first, the default
is 50; a matching ``stopmatching`` rule ends the evaluation; criteria are ANDed, and
with ``use_criteria_groups`` any one group matching is enough. Step rules run only at
their workflow step, so only top-level ``TicketRule`` documents are evaluated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from haloform.analyze.criteria import Condition
from haloform.analyze.relations import Disjunction
from haloform.kinds.criteria import Criterion
from haloform.kinds.ticket_rule import RuleSettings, TicketRule
from haloform.load.repo import Declared, Repo

DEFAULT_PRECEDENCE = 50

Event = Literal["new", "existing"]

USE_CODES: Mapping[int, str] = {0: "both", 1: "new", 2: "existing", 3: "manual"}
"""Halo's ``use`` codes are unpublished; the order of its option list is assumed."""
USE_ASSUMPTION = (
    "Halo's 'use' codes are unpublished: assumed 0 = new and existing tickets, "
    "1 = new tickets, 2 = existing tickets, 3 = manual (run by an action only)"
)
SETTERS = (
    "new_agent_id",
    "new_team",
    "new_priority_id",
    "new_status_id",
    "new_sla_id",
    "new_workflow_id",
    "new_template_id",
    *(f"new_category_{n}_id" for n in range(1, 5)),
    "new_product_id",
    "script_id",
)
"""What a matching rule sets: the rule fields, in the files' terms."""


def disjunction(settings: RuleSettings) -> Disjunction:
    """A rule's criteria as conjunctions, any of which matching is enough.

    Assumed: with ``use_criteria_groups`` the rule's own criteria still apply beside
    the group (ANDed), and groups are ignored without that flag.
    """
    base = _conditions(settings.criteria)
    groups = settings.criteria_groups or []
    if not settings.use_criteria_groups or not groups:
        return [base]
    return [[*base, *_conditions(group.criteria)] for group in groups]


def _conditions(criteria: list[Criterion] | None) -> list[Condition]:
    return [Condition.of(criterion) for criterion in criteria or []]


@dataclass(frozen=True)
class RuleView:
    """One top-level ticket rule, read for evaluation."""

    item: Declared
    settings: RuleSettings

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def precedence(self) -> int:
        value = self.settings.precedence
        return DEFAULT_PRECEDENCE if value is None else value

    @property
    def active(self) -> bool:
        return self.settings.active is not False

    @property
    def use(self) -> str:
        """``both``, ``new``, ``existing``, ``manual`` or ``unknown`` (see USE_CODES)."""
        code = self.settings.use
        return "both" if code is None else USE_CODES.get(code, "unknown")

    @cached_property
    def criteria(self) -> Disjunction:
        """Computed once: lint compares each rule with many others."""
        return disjunction(self.settings)

    def sets(self) -> dict[str, object]:
        """The fields this rule sets, with the values as written."""
        found = {name: getattr(self.settings, name) for name in SETTERS}
        return {name: value for name, value in found.items() if value is not None}


def ticket_rules(repo: Repo) -> list[RuleView]:
    """Every top-level ticket rule, in evaluation order: precedence, then the order of
    the files (ties are ordered by Halo in a way nobody published)."""
    views = [
        RuleView(item, item.resource)
        for item in repo.resources
        if isinstance(item.resource, TicketRule)
    ]
    return sorted(views, key=lambda view: view.precedence)
