"""Immutable values, for the plan and every value passed between stages: a value that
can be saved, reviewed and applied must not change between the review and the apply.

``freeze`` copies a JSON-like value into read-only mappings and lists. They are
subclasses of ``dict`` and ``list``, so that ``json`` and pydantic write them exactly
as they would write the plain value (a plan's bytes and digest do not change), and
every way of changing them in place raises ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, NoReturn, Self

from pydantic import AfterValidator, BaseModel, ConfigDict


def _refuse(self: object, *args: object, **kwargs: object) -> NoReturn:
    raise TypeError(f"a {type(self).__name__} cannot be changed: copy it to edit")


class FrozenDict(dict[str, Any]):
    """A ``dict`` that refuses every change after it is made."""

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda item: item[0])))

    def __reduce__(self) -> tuple[type[FrozenDict], tuple[dict[str, Any]]]:
        return (FrozenDict, (dict(self),))


class FrozenList(list[Any]):
    """A ``list`` that refuses every change after it is made."""

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = clear = extend = insert = pop = remove = reverse = sort = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))

    def __reduce__(self) -> tuple[type[FrozenList], tuple[list[Any]]]:
        return (FrozenList, (list(self),))


def freeze(value: Any) -> Any:
    """``value`` with every mapping and list in it copied read-only (scalars as they are)."""
    if isinstance(value, Mapping):
        return FrozenDict({str(key): freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return FrozenList(freeze(item) for item in value)
    return value


FrozenJson = Annotated[Any, AfterValidator(freeze)]
"""A JSON value held read-only in a model."""

FrozenObject = Annotated[Mapping[str, Any], AfterValidator(freeze)]
"""A JSON object held read-only in a model."""


class FrozenValue(BaseModel):
    """The base of every value haloform hands from one stage to the next (a plan, an
    apply report, a comparison, a health report): immutable all the way down when its
    fields hold ``FrozenJson``/``FrozenObject``, and strict about its fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied, validated as a new value is: pydantic's own
        copy skips validation, which would let a mutable payload in."""
        if not update:
            return self
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return self.model_validate({**fields, **update})
