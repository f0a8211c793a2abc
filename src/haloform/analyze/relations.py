"""How two sets of criteria relate, without a ticket: can they both hold, does one
imply the other. Lint's judgements rest on these.

Each answer errs on the side of silence: "contradicts" and "implies" are said only
when they are certain from the criteria as written (a name against a raw id, a
partial match, an unknown type code: nothing is concluded), so lint never claims that
a rule cannot fire when it can.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from haloform.analyze.criteria import (
    ANY_VALUE,
    CONTAINS,
    EQUAL,
    HAS_VALUE,
    INCLUDES,
    NO_VALUE,
    NOT_CONTAINS,
    NOT_EQUAL,
    NOT_INCLUDES,
    Condition,
)
from haloform.analyze.values import Scalar, equal

Conjunction = Sequence[Condition]
Disjunction = Sequence[Conjunction]
"""A rule's criteria: any one conjunction (a criteria group) matching is enough."""

_NEEDS_VALUE = frozenset({EQUAL, CONTAINS, INCLUDES, HAS_VALUE})
"""Types that only a field with a value can meet."""
_EMPTY_MEETS = frozenset({NOT_EQUAL, NOT_CONTAINS, NOT_INCLUDES, NO_VALUE})


def _exact(condition: Condition) -> Scalar | None:
    """The one value an "is equal to" condition pins its field to, if it pins one."""
    if condition.type != EQUAL or condition.partial:
        return None
    values = condition.values
    return values[0] if len(values) == 1 else None


def _differ(left: Scalar, right: Scalar) -> bool:
    return equal(left, right) is False


def conflict(first: Condition, second: Condition) -> str | None:
    """Why no ticket meets both conditions, or None if one may."""
    if first.field != second.field or first.table != second.table:
        return None
    pair = sorted((first, second), key=lambda c: (c.type or 0) == NO_VALUE)
    a, b = pair
    if b.type == NO_VALUE and a.type in _NEEDS_VALUE:
        return f"'{a}' needs a value, '{b}'"
    exact_a, exact_b = _exact(first), _exact(second)
    if exact_a is not None and exact_b is not None and _differ(exact_a, exact_b):
        return f"'{first}' and '{second}': one field cannot equal two values"
    for one, other in ((first, second), (second, first)):
        pinned = _exact(one)
        if pinned is None or other.partial:
            continue
        if other.type in (NOT_EQUAL, NOT_INCLUDES) and any(
            equal(pinned, value) for value in other.values
        ):
            return f"'{one}' and '{other}' exclude each other"
    return None


def contradiction(conjunction: Conjunction) -> str | None:
    """Why the ANDed conditions can never all hold, or None."""
    for first, second in combinations(conjunction, 2):
        found = conflict(first, second)
        if found is not None:
            return found
    return None


def never_matches(disjunction: Disjunction) -> str | None:
    """Why no conjunction of a rule can hold (the first one's reason), or None."""
    reasons = [contradiction(conjunction) for conjunction in disjunction]
    if not reasons or any(reason is None for reason in reasons):
        return None
    return reasons[0]


def _implies(premise: Condition, conclusion: Condition) -> bool:
    if conclusion.type == ANY_VALUE:
        return True
    if (premise.field, premise.table) != (conclusion.field, conclusion.table):
        return False
    if premise == conclusion:
        return True
    if premise.type == NO_VALUE:
        return conclusion.type in _EMPTY_MEETS and not conclusion.partial
    if premise.type in _NEEDS_VALUE and not premise.partial and conclusion.type == HAS_VALUE:
        return True
    pinned = _exact(premise)
    if pinned is None or conclusion.partial:
        return False
    values = conclusion.values
    if conclusion.type in (EQUAL, INCLUDES):
        return any(equal(pinned, value) is True for value in values)
    if conclusion.type in (NOT_EQUAL, NOT_INCLUDES):
        return bool(values) and all(_differ(pinned, value) for value in values)
    return False


def implies(conjunction: Conjunction, conclusion: Condition) -> bool:
    """Whether every ticket meeting ``conjunction`` meets ``conclusion``."""
    return any(_implies(premise, conclusion) for premise in conjunction) or (
        conclusion.type == ANY_VALUE
    )


def covers(wide: Disjunction, narrow: Disjunction) -> bool:
    """Whether every ticket ``narrow`` matches is matched by ``wide``."""
    return all(
        contradiction(inner) is not None
        or any(all(implies(inner, condition) for condition in outer) for outer in wide)
        for inner in narrow
    )


def overlap(first: Disjunction, second: Disjunction) -> bool:
    """Whether one ticket might match both (False only when certain it cannot)."""
    return any(contradiction([*left, *right]) is None for left in first for right in second)
