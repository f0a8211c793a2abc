"""What a criterion means: evaluated against a ticket, and compared with another.

Type codes are docs/halo-api.md's (Halo's own label pack): 0 is equal to, 1 is not equal to,
2 contains, 3 does not contain, 5/6/7/8 greater than / or equal / less than / or
equal, 23 includes and 24 does not include (``value_string`` a comma-separated set,
matched exactly per item), 29 has a value, 30 does not have a value, -10 any value.
Any other code is unknown: it makes an evaluation undecidable, never false.

Where Halo's behaviour is not published, the choice made here is listed in
``ASSUMPTIONS`` and reported by every simulation that relied on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from haloform.analyze.values import (
    Scalar,
    Tri,
    all_of,
    any_of,
    equal,
    items,
    negate,
    order,
    scalar,
    shown,
    split_set,
)
from haloform.kinds.criteria import Criterion, on_ticket

EQUAL, NOT_EQUAL, CONTAINS, NOT_CONTAINS = 0, 1, 2, 3
GREATER, GREATER_EQUAL, LESS, LESS_EQUAL = 5, 6, 7, 8
INCLUDES, NOT_INCLUDES, HAS_VALUE, NO_VALUE, ANY_VALUE = 23, 24, 29, 30, -10
KNOWN_TYPES = frozenset({0, 1, 2, 3, 5, 6, 7, 8, 23, 24, 29, 30, -10})

ASSUMPTIONS: Mapping[str, str] = {
    "empty": "a field the ticket does not give has no value",
    "case": "text compares without regard to case (Halo's default database collation)",
    "partialmatch": "'partialmatch' turns 'is equal to' / 'is not equal to' into "
    "'contains' / 'does not contain'",
    "separated": "'matchseparatedvalues' splits value_string at commas; any item may match",
    "multi": "a ticket field holding several values matches when any of them does",
}

_LABELS = {
    EQUAL: "is equal to",
    NOT_EQUAL: "is not equal to",
    CONTAINS: "contains",
    NOT_CONTAINS: "does not contain",
    GREATER: "is greater than",
    GREATER_EQUAL: "is greater than or equal to",
    LESS: "is less than",
    LESS_EQUAL: "is less than or equal to",
    INCLUDES: "includes one of",
    NOT_INCLUDES: "includes none of",
    HAS_VALUE: "has a value",
    NO_VALUE: "does not have a value",
    ANY_VALUE: "has any value",
}


_VALUE_TYPES = {"string": "string", "multiselect": "string", "int": "int", "float": "float"}
"""Which value field a criterion's ``value_type`` says holds its value (Halo's rows fill
the others with zeros)."""


@dataclass(frozen=True)
class Condition:
    """A criterion in the terms analysis needs."""

    field: str
    """Lower-case ``fieldname``."""
    table: str
    type: int | None
    value: object
    """What the file wrote: a reference, a number, text, a timestamp, or None."""
    partial: bool = False
    separated: bool = False

    @classmethod
    def of(cls, criterion: Criterion) -> Condition:
        values = {
            "int": criterion.value_int,
            "float": criterion.value_float,
            "string": criterion.value_string,
            "datetime": criterion.value_datetime,
        }
        preferred = _VALUE_TYPES.get((criterion.value_type or "").casefold())
        ordered = [values[preferred]] if preferred else []
        value = next((v for v in [*ordered, *values.values()] if v is not None), None)
        return cls(
            field=(criterion.fieldname or "").casefold(),
            table=(criterion.tablename or "").casefold(),
            type=criterion.type,
            value=value,
            partial=bool(criterion.partialmatch),
            separated=bool(criterion.matchseparatedvalues),
        )

    @property
    def values(self) -> list[Scalar]:
        """The criterion's value(s): a set for 23/24 and with ``matchseparatedvalues``."""
        if isinstance(self.value, str) and (
            self.type in (INCLUDES, NOT_INCLUDES) or self.separated
        ):
            return split_set(self.value)
        found = scalar(self.value)
        return [] if found is None else [found]

    @property
    def decidable(self) -> bool:
        return self.type in KNOWN_TYPES and on_ticket(self.table) and bool(self.field)

    def __str__(self) -> str:
        label = (
            _LABELS.get(self.type, f"(unknown type {self.type})") if self.type is not None else ""
        )
        if not on_ticket(self.table):
            label = f"(type {self.type} on {self.table}: meaning unknown)"
        if self.type in (HAS_VALUE, NO_VALUE, ANY_VALUE):
            return f"{self.field} {label}"
        return f"{self.field} {label} {shown(self.value)}"


Evaluator = Callable[[Condition, list[Scalar]], Tri]


def evaluate(condition: Condition, ticket: Mapping[str, object]) -> Tri:
    """Whether ``ticket`` (lower-case field names) meets the condition; None if unknown."""
    if not condition.decidable:
        return None
    found = items(ticket.get(condition.field))
    return _EVALUATORS[condition.type](condition, found)  # type: ignore[index]


def _equal_any(condition: Condition, found: list[Scalar]) -> Tri:
    if condition.partial:
        return _contains(condition, found)
    wanted = condition.values
    return any_of(equal(have, want) for have in found for want in wanted)


def _contains(condition: Condition, found: list[Scalar]) -> Tri:
    wanted = condition.values

    def one(have: Scalar, want: Scalar) -> Tri:
        if have.sort == "text" and want.sort == "text":
            return str(want.value) in str(have.value)
        return equal(have, want)

    return any_of(one(have, want) for have in found for want in wanted)


def _compare(accept: Callable[[int], bool]) -> Evaluator:
    def run(condition: Condition, found: list[Scalar]) -> Tri:
        def one(have: Scalar, want: Scalar) -> Tri:
            result = order(have, want)
            return None if result is None else accept(result)

        return any_of(one(have, want) for have in found for want in condition.values)

    return run


def _not(evaluator: Evaluator) -> Evaluator:
    return lambda condition, found: negate(evaluator(condition, found))


_EVALUATORS: dict[int, Evaluator] = {
    EQUAL: _equal_any,
    NOT_EQUAL: _not(_equal_any),
    CONTAINS: _contains,
    NOT_CONTAINS: _not(_contains),
    GREATER: _compare(lambda r: r > 0),
    GREATER_EQUAL: _compare(lambda r: r >= 0),
    LESS: _compare(lambda r: r < 0),
    LESS_EQUAL: _compare(lambda r: r <= 0),
    INCLUDES: _equal_any,
    NOT_INCLUDES: _not(_equal_any),
    HAS_VALUE: lambda _, found: bool(found),
    NO_VALUE: lambda _, found: not found,
    ANY_VALUE: lambda _, found: True,
}


def evaluate_all(conditions: list[Condition], ticket: Mapping[str, object]) -> Tri:
    """ANDed conditions (an empty list matches every ticket)."""
    return all_of(evaluate(condition, ticket) for condition in conditions)
