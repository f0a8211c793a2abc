"""Which top-level ticket rules a ticket hits, in Halo's order, and what it ends up with.

Offline: lookups compare by name. What Halo does is taken from docs/halo-api.md ("How Halo
evaluates ticket rules"); where it is unknown, the choice made is named in the
result's ``assumptions`` and every match or result field that depends on one says so.
A rule that cannot be decided (an unknown type code, a field outside the ticket, a name
against a raw id) is reported as undecidable and taken as not matching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from haloform.analyze.criteria import ASSUMPTIONS as CRITERIA_ASSUMPTIONS
from haloform.analyze.criteria import (
    KNOWN_TYPES,
    Condition,
    evaluate,
    evaluate_all,
)
from haloform.analyze.rules import USE_ASSUMPTION, Event, RuleView, ticket_rules
from haloform.analyze.values import any_of
from haloform.kinds.criteria import on_ticket
from haloform.load.repo import Repo

ASSUMPTIONS: Mapping[str, str] = {
    **CRITERIA_ASSUMPTIONS,
    "use": USE_ASSUMPTION,
    "ties": "rules of equal precedence run in the order of the repo's files "
    "(Halo's order for them is unpublished)",
    "override": "when two matching rules set one field, the later rule's value wins",
    "original": "every rule's criteria are evaluated against the ticket as given, not "
    "as earlier rules changed it",
    "undecidable": "an undecidable rule is taken as not matching",
    "groups": "with use_criteria_groups a rule's own criteria still apply beside the group",
}
"""Every assumption a simulation may rest on, by id."""

FIELD_ALIASES: Mapping[str, str] = {"tickettype_id": "requesttype_id"}
"""One ticket field under two names: ``tickettype_id`` in Halo's API, ``requesttype_id``
in its database (which criteria may use); a ticket giving one gives both."""

RESULT_FIELDS: Mapping[str, str] = {
    "new_agent_id": "agent_id",
    "new_team": "team",
    "new_priority_id": "priority_id",
    "new_status_id": "status_id",
    "new_sla_id": "sla_id",
    "new_workflow_id": "workflow_id",
    "new_template_id": "template_id",
    **{f"new_category_{n}_id": f"category_{n}" for n in range(1, 5)},
    "new_product_id": "product_id",
}
"""The ticket field each rule setter fills (``script_id`` runs a script: no field)."""


@dataclass(frozen=True)
class Match:
    """A rule that matched, what it set, and what that conclusion rests on."""

    rule: RuleView
    stopped: bool
    sets: dict[str, object]
    assumes: tuple[str, ...]


@dataclass(frozen=True)
class Undecided:
    """A rule whose match could not be decided offline, and why."""

    rule: RuleView
    reasons: tuple[str, ...]


@dataclass
class Simulation:
    """The evaluation of one ticket against a repo's rules."""

    event: Event
    ticket: dict[str, object]
    matched: list[Match] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)
    skipped: list[tuple[RuleView, str]] = field(default_factory=list)
    result: dict[str, object] = field(default_factory=dict)
    result_assumes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    assumptions: set[str] = field(default_factory=set)
    empty_fields: set[str] = field(default_factory=set)
    """Fields criteria read that the ticket does not give (taken as empty)."""

    @property
    def stopped_by(self) -> str | None:
        return next((m.rule.name for m in self.matched if m.stopped), None)


def simulate(repo: Repo, ticket: Mapping[str, object], event: Event = "new") -> Simulation:
    """Evaluate every active top-level ticket rule against ``ticket`` (field -> value)."""
    given = {name.casefold(): value for name, value in ticket.items()}
    for alias, name in FIELD_ALIASES.items():
        if alias in given and name not in given:
            given[name] = given[alias]
    run = Simulation(event, dict(ticket), result=dict(ticket))
    outcomes: dict[str, bool | None] = {}
    candidates = []
    for view in ticket_rules(repo):
        skip = _skip_reason(view, event, run)
        if skip is not None:
            run.skipped.append((view, skip))
            continue
        outcome, reasons = _match(view, given, run)
        outcomes[view.item.guid] = outcome
        candidates.append((view, reasons))
    _walk(run, candidates, outcomes)
    return run


def _walk(
    run: Simulation,
    candidates: list[tuple[RuleView, tuple[str, ...]]],
    outcomes: Mapping[str, bool | None],
) -> None:
    """Halo's walk down the evaluated rules, stopping at a matching ``stopmatching``."""
    set_by: dict[str, list[str]] = {}
    for view, reasons in candidates:
        outcome = outcomes[view.item.guid]
        if outcome is None:
            run.undecided.append(Undecided(view, reasons))
            run.assumptions.add("undecidable")
        elif outcome:
            tied = any(
                other.precedence == view.precedence
                and other is not view
                and outcomes[other.item.guid] is not False
                for other, _ in candidates
            )
            match = _record(run, view, set_by, tied=tied)
            if match.stopped:
                return


def _skip_reason(view: RuleView, event: Event, run: Simulation) -> str | None:
    if not view.active:
        return "inactive"
    if view.settings.use is not None:
        run.assumptions.add("use")
    if view.use == "manual":
        return "manual: runs only when its action is pressed"
    if view.use in ("new", "existing") and view.use != event:
        return f"runs on {view.use} tickets only"
    return None


def _match(
    view: RuleView, ticket: Mapping[str, object], run: Simulation
) -> tuple[bool | None, tuple[str, ...]]:
    if view.settings.use_criteria_groups and view.settings.criteria_groups:
        run.assumptions.add("groups")
    if view.use == "unknown":
        return None, (f"use code {view.settings.use} is unknown",)
    conditions = [c for conjunction in view.criteria for c in conjunction]
    for condition in conditions:
        _note(condition, ticket, run)
    outcome = any_of(evaluate_all(list(conjunction), ticket) for conjunction in view.criteria)
    reasons = tuple(dict.fromkeys(_why(c) for c in conditions if evaluate(c, ticket) is None))
    return outcome, reasons


def _note(condition: Condition, ticket: Mapping[str, object], run: Simulation) -> None:
    """Record which assumptions evaluating ``condition`` leans on."""
    if condition.field not in ticket and condition.decidable:
        run.empty_fields.add(condition.field)
        run.assumptions.add("empty")
    if condition.partial:
        run.assumptions.add("partialmatch")
    if condition.separated:
        run.assumptions.add("separated")
    if isinstance(ticket.get(condition.field), list):
        run.assumptions.add("multi")
    if isinstance(condition.value, str) or isinstance(ticket.get(condition.field), str):
        run.assumptions.add("case")


def _why(condition: Condition) -> str:
    if not on_ticket(condition.table):
        return f"'{condition}': a field of {condition.table!r}, not of the ticket"
    if not condition.field:
        return f"'{condition}': no fieldname"
    if condition.type not in KNOWN_TYPES:
        return f"'{condition}': type code {condition.type} has no published meaning"
    return f"'{condition}': a name cannot be compared with a tenant id offline"


def _record(run: Simulation, view: RuleView, set_by: dict[str, list[str]], *, tied: bool) -> Match:
    """Apply a matching rule's setters to the result, noting what the match rests on:
    a tie of precedence with another rule that may match, an earlier match having set a
    field this rule reads, an undecidable ``stopmatching`` rule before it."""
    assumes: list[str] = []
    if tied:
        assumes.append("ties")
    read = {condition.field for conjunction in view.criteria for condition in conjunction}
    if read & set(set_by):
        assumes.append("original")
    if any(u.rule.settings.stopmatching for u in run.undecided):
        assumes.append("undecidable")
    run.assumptions.update(assumes)
    sets = view.sets()
    for name, value in sets.items():
        target = RESULT_FIELDS.get(name)
        if target is None:
            continue
        set_by.setdefault(target, []).append(view.name)
        run.result[target] = value
        if len(set_by[target]) > 1:
            run.result_assumes[target] = ("override",)
            run.assumptions.add("override")
    match = Match(view, bool(view.settings.stopmatching), sets, tuple(assumes))
    run.matched.append(match)
    return match
