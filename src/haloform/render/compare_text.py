"""A tenant comparison for a terminal or a CI log, laid out like the plan's text.

::

    haloform diff: environment "local" (embedded:local) against "staging" (embedded:staging)

    Only in local:
      Workflow "Problem" (guid 0e2d6f1a-...)

    Different:
      ~ TicketRule "P1 routing"
        ~ precedence: 10 -> 5
        ~ new_agent_id: {agent: "Carol Network"} -> {agent: "Alice Admin"}

    Diff: 1 only in local, 0 only in staging, 1 different, 3 identical.

A field line reads tenant A's value, then B's. Printed by the plan's text printer (no
wrapping, nothing read from the environment, colour only when asked).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich.text import Text

from haloform.diff.tenants import Difference, Presence, TenantComparison
from haloform.render import comparison as wording
from haloform.render import values
from haloform.render.text import NOTE_STYLE, print_blocks

A_STYLE, B_STYLE = "red", "green"
"""Tenant A's side and B's, coloured as a ``diff`` colours old and new."""
DIFFERENT_STYLE = "yellow"


@dataclass(frozen=True)
class ComparisonTextRenderer:
    """Plain text, or ANSI-coloured when ``color``."""

    color: bool = False

    def render(self, comparison: TenantComparison) -> str:
        return print_blocks(_blocks(comparison), color=self.color)


def _blocks(comparison: TenantComparison) -> Iterator[list[Text]]:
    yield [_heading(comparison)]
    namesakes = wording.namesakes(comparison)
    a = wording.environment(comparison.a.environment)
    b = wording.environment(comparison.b.environment)
    if comparison.only_in_a:
        yield _only((a, b), comparison.only_in_a, namesakes, A_STYLE)
    if comparison.only_in_b:
        yield _only((b, a), comparison.only_in_b, namesakes, B_STYLE)
    if comparison.different:
        yield _different(comparison.different)
    yield [Text(wording.summary(comparison), style="bold")]


def _heading(comparison: TenantComparison) -> Text:
    a, b = comparison.a, comparison.b
    return Text.assemble(
        "haloform diff: environment ",
        (values.quote(a.environment), "bold"),
        f" ({values.printable(a.tenant)}) against ",
        (values.quote(b.environment), "bold"),
        f" ({values.printable(b.tenant)})",
    )


def _only(
    where: tuple[str, str],
    items: Sequence[Presence],
    namesakes: frozenset[tuple[str, str]],
    style: str,
) -> list[Text]:
    """Resources only the tenant ``where[0]`` holds (``where[1]`` is the other one)."""
    here, other = where
    lines = [Text(f"Only in {here}:", style="bold")]
    for item in items:
        line = Text(f"  {wording.presence_label(item)}", style=style)
        line.append(f" (guid {values.printable(item.guid)})", style=NOTE_STYLE)
        lines.append(line)
        if wording.is_namesake(item, namesakes):
            lines.append(Text(f"    # {wording.namesake_note(item, other)}", style=NOTE_STYLE))
    return lines


def _different(items: Sequence[Difference]) -> list[Text]:
    lines = [Text("Different:", style="bold")]
    for item in items:
        lines.append(Text(f"  ~ {wording.difference_label(item)}", style=DIFFERENT_STYLE))
        for field in item.fields:
            path, a, b = wording.field_values(field)
            line = Text("    ")
            line.append(f"~ {path}", style=DIFFERENT_STYLE)
            line.append(f": {a} -> {b}")
            lines.append(line)
    return lines
