"""Values as rule analysis compares them: offline, so a lookup compares by its name.

Files name lookups (``{priority: P1 Critical}``) where Halo stores ids, and no tenant is
at hand, so a reference and a plain name are the same value when their names match (in
any case), and a name against a raw id cannot be decided. Text compares without regard
to case, as Halo's database collation does by default (an assumption the simulation
states). ``None`` means "cannot be decided offline" wherever a ``bool | None`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from haloform.kinds.refs import Ref

Tri = bool | None
"""True, False, or None: cannot be decided offline."""


@dataclass(frozen=True, order=True)
class Scalar:
    """One comparable value: ``text`` (names included), ``num``, ``time``."""

    sort: str
    value: Any
    is_name: bool = False
    """Came from a reference: a name, which no number can be compared with offline."""

    def __str__(self) -> str:
        return str(self.value)


def scalar(value: object) -> Scalar | None:
    """The comparable form of one value; None for "no value" (null, empty text)."""
    if value is None or value == "":
        return None
    if isinstance(value, Ref):
        return Scalar("text", str(value.name or value.guid).casefold(), is_name=True)
    if isinstance(value, bool):
        return Scalar("num", float(value))
    if isinstance(value, int | float):
        return Scalar("num", float(value))
    if isinstance(value, datetime):
        return Scalar("time", value)
    return Scalar("text", str(value).strip().casefold())


def items(value: object) -> list[Scalar]:
    """A ticket value as the list of values it holds (a multi-select holds several)."""
    values = value if isinstance(value, list) else [value]
    return [found for item in values if (found := scalar(item)) is not None]


def split_set(text: str) -> list[Scalar]:
    """A comma-separated set (criteria types 23/24), each item trimmed."""
    return [found for part in text.split(",") if (found := scalar(part.strip())) is not None]


def equal(left: Scalar, right: Scalar) -> Tri:
    """Equality across sorts where it can be known: ``"3"`` equals 3, a name never
    decides against a number (the number is a tenant id the name may or may not have)."""
    if left.sort == right.sort:
        return bool(left.value == right.value)
    number, other = (left, right) if left.sort == "num" else (right, left)
    if number.sort != "num" or other.sort != "text" or other.is_name:
        return None
    try:
        return bool(float(other.value) == number.value)
    except ValueError:
        return None


def order(left: Scalar, right: Scalar) -> int | None:
    """-1, 0 or 1 comparing ``left`` with ``right``; None when they do not compare."""
    pair = [left, right]
    if left.sort != right.sort:
        if any(item.is_name for item in pair):
            return None
        try:
            pair = [Scalar("num", float(item.value)) for item in pair]
        except (TypeError, ValueError):
            return None
    if any(item.is_name for item in pair):
        return None  # a name's order says nothing about its id's
    a, b = pair[0].value, pair[1].value
    return int((a > b) - (a < b))


def any_of(results: Iterable[Tri]) -> Tri:
    """Kleene OR: True if any is True, else None if any is undecided."""
    seen_none = False
    for result in results:
        if result:
            return True
        seen_none = seen_none or result is None
    return None if seen_none else False


def all_of(results: Iterable[Tri]) -> Tri:
    """Kleene AND: False if any is False, else None if any is undecided."""
    seen_none = False
    for result in results:
        if result is False:
            return False
        seen_none = seen_none or result is None
    return None if seen_none else True


def negate(result: Tri) -> Tri:
    return None if result is None else not result


def plain(value: object) -> Any:
    """A value as JSON shows it: a reference as ``{word: name}``."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def shown(value: object) -> str:
    """A value as text shows it: ``{priority: P1 Critical}``, ``Network``, ``[a, b]``."""
    if isinstance(value, list):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    if value is None:
        return "(no value)"
    return str(value)
