"""Judgements about ticket and event rules: which can never fire, which collide.

Each pair of rules yields at most one finding, the most telling one (identical, else
shadowed, else an undefined order), reported at the rule that loses, naming the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

from haloform.analyze.criteria import Condition
from haloform.analyze.findings import LintFinding, key
from haloform.analyze.relations import Disjunction, covers, never_matches, overlap
from haloform.analyze.rules import RuleView, ticket_rules
from haloform.kinds.criteria import Criterion
from haloform.kinds.event_rule import EventRule
from haloform.load.repo import Declared, Repo


def rule_findings(repo: Repo) -> Iterator[LintFinding]:
    """Every finding about the repo's top-level ticket rules and event rules."""
    views = [view for view in ticket_rules(repo) if view.active and view.use != "manual"]
    broken = {view.item.guid for view in views if never_matches(view.criteria)}
    for view in views:
        reason = never_matches(view.criteria)
        if reason is not None:
            yield _finding(view.item, "contradictory-criteria", f"can never match: {reason}")
    sound = [view for view in views if view.item.guid not in broken]
    yield from _pairs(sound)
    yield from _event_rules(repo)


def _finding(
    item: Declared, rule: str, message: str, field: str = "criteria", *other: Declared
) -> LintFinding:
    where = item.at((field,)) if field in item.document.body else item.location
    return LintFinding(where, rule, message, key(item), tuple(key(o) for o in other))


def _pairs(views: list[RuleView]) -> Iterator[LintFinding]:
    reported: set[str] = set()
    for first, second in combinations(views, 2):  # in evaluation order: first wins
        if second.item.guid in reported:
            continue
        found = _judge(first, second)
        if found is not None:
            reported.add(second.item.guid)
            yield found


def _judge(first: RuleView, second: RuleView) -> LintFinding | None:
    if _identical(first, second):
        return _finding(
            second.item,
            "identical-rules",
            f"matches and sets exactly what {first.name!r} ({first.item.location}) does",
            "name",
            first.item,
        )
    if (
        first.precedence < second.precedence
        and first.settings.stopmatching
        and first.use == second.use
        and covers(first.criteria, second.criteria)
    ):
        return _finding(
            second.item,
            "unreachable-rule",
            f"can never match: {first.name!r} (precedence {first.precedence}, "
            f"{first.item.location}) matches every ticket this rule matches and stops matching",
            "criteria",
            first.item,
        )
    if (
        first.precedence == second.precedence
        and _may_run_together(first, second)
        and overlap(first.criteria, second.criteria)
    ):
        return _finding(
            second.item,
            "ambiguous-order",
            f"precedence {second.precedence} is also used by {first.name!r} "
            f"({first.item.location}) and a ticket can match both: the order between "
            "them is up to Halo",
            "precedence",
            first.item,
        )
    return None


def _may_run_together(first: RuleView, second: RuleView) -> bool:
    """A new-ticket rule and an existing-ticket rule never meet in one evaluation."""
    return {first.use, second.use} != {"new", "existing"}


def _identical(first: RuleView, second: RuleView) -> bool:
    return (
        first.use == second.use
        and first.sets() == second.sets()
        and bool(first.settings.stopmatching) == bool(second.settings.stopmatching)
        and _as_set(first.criteria) == _as_set(second.criteria)
    )


def _as_set(criteria: Disjunction) -> frozenset[frozenset[object]]:
    return frozenset(frozenset(conjunction) for conjunction in criteria)


def _event_rules(repo: Repo) -> Iterator[LintFinding]:
    """Event rules whose criteria contradict, and pairs with one ``event_key`` both
    claiming the same events."""
    by_key: dict[str, list[Declared]] = defaultdict(list)
    for item in repo.resources:
        if not isinstance(item.resource, EventRule) or item.resource.active is False:
            continue
        reason = never_matches(_criteria(item))
        if reason is not None:
            yield _finding(item, "contradictory-criteria", f"can never match: {reason}")
        elif item.resource.event_key is not None:
            by_key[item.resource.event_key.casefold()].append(item)
    for items in by_key.values():
        yield from _event_overlaps(items)


def _event_overlaps(items: list[Declared]) -> Iterator[LintFinding]:
    reported: set[str] = set()
    for first, second in combinations(items, 2):
        if second.guid in reported or not overlap(_criteria(first), _criteria(second)):
            continue
        reported.add(second.guid)
        yield _finding(
            second,
            "event-key-overlap",
            f"event_key {getattr(second.resource, 'event_key', '')!r} is also handled by "
            f"{first.name!r} ({first.location}) and an event can match both",
            "event_key",
            first,
        )


def _criteria(item: Declared) -> Disjunction:
    criteria: list[Criterion] = getattr(item.resource, "criteria", None) or []
    return [[Condition.of(criterion) for criterion in criteria]]
