"""The plan for a terminal or a CI log, worded and laid out like Terraform's.

::

    This plan deletes 1 resource: applying it needs --allow-delete.

    + create TicketRule "P1 to Network" (ticket-rules/p1.yaml:3)
      When Priority is equal to P1 Critical — Then: team -> Network · stop matching
      order: tried after "VIP" (precedence 5); before "Catch-all" (precedence 50)
      + precedence: 10
      + criteria[+]: Priority is equal to P1 Critical
    ~ update Workflow "Incident" (workflows/incident.yaml:1)
      ~ steps["Assigned to team"].name: "Assigned" -> "Assigned to team"
    - delete EventRule "Legacy traps" (id 31)

    Plan: 1 to create, 1 to update, 1 to delete.

Rendered with rich into a string. Nothing is read from the environment (rich would
otherwise honour ``NO_COLOR``, ``COLUMNS``...): the caller says whether to colour, and
lines are never wrapped, so a log is greppable and a golden file does not depend on the
terminal it was made in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import StringIO

from rich.console import Console
from rich.text import Text

from haloform.plan.model import Action, Change, Plan
from haloform.render import rules, values, words
from haloform.render.values import FieldLine

WIDTH = 100
UNMANAGED_LIMIT = 20
"""Unmanaged resources listed before the rest are only counted: a tenant may hold
hundreds, and the plan's subject is what changes."""

ACTION_STYLES = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.DELETE: "red"}
SIGN_STYLES = {"+": "green", "~": "yellow", "-": "red"}
NOTE_STYLE = "dim"


@dataclass(frozen=True)
class TextRenderer:
    """Plain text, or ANSI-coloured (green/yellow/red per action) when ``color``."""

    color: bool = False

    def render(self, plan: Plan) -> str:
        return print_blocks(_blocks(plan), color=self.color)


def print_blocks(blocks: Iterable[list[Text]], *, color: bool) -> str:
    """Paragraphs of lines, a blank line between them, printed by rich into a string:
    the one place that decides how haloform's text output is printed (also for
    ``haloform diff``)."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        width=WIDTH,
        soft_wrap=True,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        _environ={},  # rich would read NO_COLOR, COLUMNS, TERM...: the caller decides
    )
    for index, block in enumerate(blocks):
        if index:
            console.print()
        for line in block:
            console.print(line)
    return buffer.getvalue()


def _blocks(plan: Plan) -> Iterator[list[Text]]:
    """The plan's paragraphs in their fixed order, each a list of lines."""
    yield _heading(plan)
    for change in plan.changes:
        yield _change(change)
    if plan.unmanaged:
        yield _unmanaged(plan)
    if plan.warnings:
        yield _warnings(plan)
    yield [Text(values.summary(plan), style="bold")]


def _heading(plan: Plan) -> list[Text]:
    lines = [
        Text.assemble(
            "haloform plan for environment ",
            (values.quote(plan.environment), "bold"),
            f" ({values.printable(plan.tenant)})",
        )
    ]
    note = values.targets_note(plan)
    if note:
        lines.append(Text(note, style="yellow"))
    deletes = plan.counts()[Action.DELETE]
    if deletes:
        lines.append(Text(values.delete_note(deletes), style="red"))
    return lines


def _change(change: Change) -> list[Text]:
    style = ACTION_STYLES[change.action]
    header = Text.assemble((f"{values.SIGNS[change.action]} {values.title(change)}", style))
    where = values.location(change)
    if where:
        header.append(f" ({where})", style=NOTE_STYLE)
    fields, hidden = values.change_lines(change)
    lines = [header]
    sentence = (
        rules.sentence(values.created(change)) if change.action is not Action.DELETE else None
    )
    if sentence:
        lines.append(Text(f"  {sentence}"))
    lines.extend(
        Text(f"  order: {line}", style=NOTE_STYLE) for line in words.order(change.neighbours)
    )
    lines.extend(
        Text(f"  ! removes {item}: Halo may keep it (plan again after the apply)", style="red")
        for item in words.removed_items(change)
    )
    lines.extend(_field(line) for line in fields)
    lines.extend(Text(f"  # {note}", style=NOTE_STYLE) for note in values.notes(change, hidden))
    return lines


def _field(line: FieldLine) -> Text:
    text = Text("  ")
    text.append(f"{line.sign} {line.path}", style=SIGN_STYLES[line.sign])
    if line.sign == "+":
        text.append(f": {line.after}")
    elif line.sign == "-":
        # a field (not a list item) removed is one a file clears with null
        cleared = " -> (cleared)" if not line.path.endswith("]") else ""
        text.append(f": {line.before}{cleared}")
    else:
        text.append(f": {line.before} -> {line.after}")
    return text


def _unmanaged(plan: Plan) -> list[Text]:
    lines = [Text("Not managed by this repo (left alone):", style="bold")]
    shown = plan.unmanaged[:UNMANAGED_LIMIT]
    lines.extend(
        Text(f"  {values.unmanaged_label(item.kind, item.name, item.live_id)}") for item in shown
    )
    rest = len(plan.unmanaged) - len(shown)
    if rest:
        lines.append(Text(f"  ... and {rest} more (--format json lists them all)", NOTE_STYLE))
    return lines


def _warnings(plan: Plan) -> list[Text]:
    lines = [Text("Warnings:", style="bold yellow")]
    lines.extend(Text(f"  ! {values.printable(str(w))}", style="yellow") for w in plan.warnings)
    return lines
