"""Rendering a tenant comparison (``haloform diff``): the seam and the shared wording.

A comparison has its own renderers (one module per format: ``compare_text``,
``compare_markdown``, ``compare_json``), pure like the plan's: ``render(comparison) ->
str``, nothing printed, no environment read. The registry sits with the plan's in
``haloform.render`` and offers the same format names.

The text and Markdown renderers say the same things in the same words, from here, and
format values with the plan's helpers (:mod:`haloform.render.values`), so a value reads
the same in a plan and in a diff. Field changes read as tenant A's value, then B's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from haloform.diff.fields import FieldChange
from haloform.diff.tenants import Difference, Presence, TenantComparison
from haloform.render import values

ABSENT = "(absent)"
"""How a value one tenant does not set is shown (``null`` would read as a value)."""


class ComparisonRenderer(Protocol):
    """Turns a comparison into the text one audience reads (a terminal, a PR, a program)."""

    def render(self, comparison: TenantComparison) -> str:
        """The whole document, ending with a newline."""
        ...


def field_values(field: FieldChange) -> tuple[str, str, str]:
    """``(path, A's value, B's value)`` as shown; an unset side reads :data:`ABSENT`."""
    line = values.field_line(field)
    return line.path, line.before or ABSENT, line.after or ABSENT


def presence_label(item: Presence) -> str:
    """``TicketRule "P1 routing"``: what a reader recognises (the guid is shown apart)."""
    return f"{values.printable(item.kind)} {values.quote(item.name)}"


def difference_label(item: Difference) -> str:
    """``Workflow "Incident"``, or ``Workflow "Incident" -> "Incident v2"`` when renamed."""
    label = f"{values.printable(item.kind)} {values.quote(item.name_a)}"
    return label if item.name_a == item.name_b else f"{label} -> {values.quote(item.name_b)}"


def namesakes(comparison: TenantComparison) -> frozenset[tuple[str, str]]:
    """(kind, name) found both only in A and only in B: the same resource created in each
    tenant by hand gets two guids, and promoting would then make a duplicate."""
    return _names(comparison.only_in_a) & _names(comparison.only_in_b)


def namesake_note(item: Presence, other: str) -> str:
    return f"{other} has a {values.printable(item.kind)} of this name under another guid"


def is_namesake(item: Presence, found: frozenset[tuple[str, str]]) -> bool:
    return (item.kind, item.name.casefold()) in found


def _names(items: Iterable[Presence]) -> frozenset[tuple[str, str]]:
    return frozenset((item.kind, item.name.casefold()) for item in items)


def environment(name: str) -> str:
    """An environment's name in running text (haloform.yaml restricts it to a plain word,
    but a name is escaped wherever it is shown)."""
    return values.printable(name)


def summary(comparison: TenantComparison) -> str:
    """The closing verdict, one line, worded for CI scripts to match."""
    a, b = environment(comparison.a.environment), environment(comparison.b.environment)
    if not comparison.has_differences:
        return f"No differences. {a} and {b} match: {comparison.identical} identical."
    return (
        f"Diff: {len(comparison.only_in_a)} only in {a}, {len(comparison.only_in_b)} only "
        f"in {b}, {len(comparison.different)} different, {comparison.identical} identical."
    )
