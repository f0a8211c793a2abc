"""The base of every model a file is read into: strict, frozen, and light.

Strict and frozen: a value is taken as the file wrote it (no ``"1"`` for ``1``), and a
resource read from a file never changes afterwards. Light: pydantic keeps on every
instance a ``set`` of the field names its input set. A 10,000-rule repo holds some
84,000 model instances (rules, criteria, references) whose sets come in about twenty
shapes, and the sets alone weighed 34 MiB, as much as the values. A frozen instance's
set is never changed in place (pydantic copies it before ``model_copy`` adds to it),
so instances with equal sets share one.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

_SHARED: dict[frozenset[str], set[str]] = {}
"""One set of field names per shape met so far."""


class FrozenModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True
    )

    def model_post_init(self, context: Any, /) -> None:
        names = self.__pydantic_fields_set__
        shared = _SHARED.setdefault(frozenset(names), names)
        if shared is not names:
            object.__setattr__(self, "__pydantic_fields_set__", shared)
