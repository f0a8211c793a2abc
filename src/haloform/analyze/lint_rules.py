"""Judgements about ticket and event rules: which can never fire, which collide.

Each rule yields at most one finding, the most telling one (identical to an earlier
rule, else shadowed by one, else in an undefined order with one), reported at the rule
that loses, naming the other.
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
    where = item.at((field,)) if field in item.resource.model_fields_set else item.location
    return LintFinding(where, rule, message, key(item), tuple(key(o) for o in other))


def _pairs(views: list[RuleView]) -> Iterator[LintFinding]:
    """One finding at most per rule, against rules before it in evaluation order.

    Indexed rather than pairwise: identical rules by their signature, shadowing only by
    the ``stopmatching`` rules seen so far, ambiguity only within a precedence, so a
    repo of thousands of rules is not judged in quadratic time.
    """
    signatures: dict[object, RuleView] = {}
    stoppers: list[RuleView] = []
    by_precedence: dict[int, list[RuleView]] = defaultdict(list)
    for view in views:
        found = _judge(view, signatures, stoppers, by_precedence[view.precedence])
        if found is not None:
            yield found
        signatures.setdefault(_signature(view), view)
        by_precedence[view.precedence].append(view)
        if view.settings.stopmatching:
            stoppers.append(view)


def _judge(
    view: RuleView,
    signatures: dict[object, RuleView],
    stoppers: list[RuleView],
    peers: list[RuleView],
) -> LintFinding | None:
    twin = signatures.get(_signature(view))
    if twin is not None:
        return _finding(
            view.item,
            "identical-rules",
            f"matches and sets exactly what {twin.name!r} ({twin.item.location}) does",
            "name",
            twin.item,
        )
    shadow = next(
        (a for a in stoppers if a.precedence < view.precedence and _covers(a, view)), None
    )
    if shadow is not None:
        return _finding(
            view.item,
            "unreachable-rule",
            f"can never match: {shadow.name!r} (precedence {shadow.precedence}, "
            f"{shadow.item.location}) matches every ticket this rule matches and stops matching",
            "criteria",
            shadow.item,
        )
    peer = next((a for a in peers if _may_run_together(a, view) and _overlap(a, view)), None)
    if peer is not None:
        return _finding(
            view.item,
            "ambiguous-order",
            f"precedence {view.precedence} is also used by {peer.name!r} "
            f"({peer.item.location}) and a ticket can match both: the order between "
            "them is up to Halo",
            "precedence",
            peer.item,
        )
    return None


def _covers(first: RuleView, second: RuleView) -> bool:
    return first.use == second.use and covers(first.criteria, second.criteria)


def _overlap(first: RuleView, second: RuleView) -> bool:
    return overlap(first.criteria, second.criteria)


def _may_run_together(first: RuleView, second: RuleView) -> bool:
    """A new-ticket rule and an existing-ticket rule never meet in one evaluation."""
    return {first.use, second.use} != {"new", "existing"}


def _signature(view: RuleView) -> object:
    """What makes two rules identical: when they run, what they match, what they set."""
    sets = frozenset(view.sets().items())
    return (view.use, bool(view.settings.stopmatching), sets, _as_set(view.criteria))


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
