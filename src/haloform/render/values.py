"""Wording and value formatting shared by the human renderers (text and markdown).

Both say the same thing in the same words, so a reviewer who reads the PR comment and
an engineer who reads the CI log never have to translate between them. Values are
shown in the config file's terms as one-line YAML-ish flow (``{agent: "Alice Admin"}``)
because that is what the reviewer wrote in the file; strings are always quoted so that
``"10"`` and ``10``, or ``"true"`` and ``true``, never look alike.

Everything that came from a file or a tenant passes through :func:`printable` (via
:func:`quote` or :func:`flow`), so a name holding a newline or a terminal escape sequence
cannot forge lines or recolour a terminal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from haloform.common.text import visible
from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change, Plan

CREATE_FIELD_LIMIT = 12
"""A create lists at most this many fields: enough to recognise it, not its payload."""

BRIEF_WIDTH = 60
"""A create's nested value longer than this is summarised (``[4 items]``)."""

SIGNS = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}

_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def printable(text: str) -> str:
    """``text`` with control and bidi/zero-width characters escaped (``\\n``, ``\\u202e``)."""
    return visible(text)


def quote(text: str) -> str:
    """A double-quoted, escaped string: how names and string values are shown."""
    return f'"{printable(json.dumps(text, ensure_ascii=False)[1:-1])}"'


def flow(value: Any) -> str:
    """``value`` as one line of YAML-ish flow: ``{agent: "Alice Admin"}``, ``[1, 2]``."""
    if isinstance(value, str):
        return quote(value)
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, Mapping):
        items = (f"{_key(key)}: {flow(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return quote(str(value))


def brief(value: Any) -> str:
    """Like :func:`flow`, but a long value is cut (a string) or counted (``[4 items]``)."""
    if isinstance(value, str):
        if len(value) <= BRIEF_WIDTH:
            return quote(value)
        return f"{quote(value[:BRIEF_WIDTH])}... ({len(value)} characters)"
    text = flow(value)
    if len(text) <= BRIEF_WIDTH:
        return text
    if isinstance(value, Mapping):
        return "{" + _count(len(value), "field") + "}"
    if isinstance(value, Sequence):
        return "[" + _count(len(value), "item") + "]"
    return text


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else quote(text)


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


@dataclass(frozen=True)
class FieldLine:
    """One field of a change as a reviewer reads it: added, removed or changed."""

    sign: str
    """``+`` the field is set (was absent), ``-`` it is removed, ``~`` it changes."""
    path: str
    before: str
    after: str


def field_line(field: FieldChange, *, shorten: bool = False) -> FieldLine:
    """The line for one field; ``None`` before or after means the field is absent."""
    show = brief if shorten else flow
    path = printable(field.path)
    if field.before is None and field.after is not None:
        return FieldLine("+", path, "", show(field.after))
    if field.after is None and field.before is not None:
        return FieldLine("-", path, show(field.before), "")
    return FieldLine("~", path, show(field.before), show(field.after))


def change_lines(change: Change) -> tuple[list[FieldLine], int]:
    """The field lines a change shows, and how many a create leaves out.

    An update lists every changed field: that is what the review is about. A create
    lists its first fields briefly: the file it comes from is in the same pull request.
    A delete lists nothing: the whole resource goes.
    """
    if change.action is Action.DELETE:
        return [], 0
    if change.action is Action.UPDATE:
        return [field_line(field) for field in change.fields], 0
    shown = change.fields[:CREATE_FIELD_LIMIT]
    return [field_line(field, shorten=True) for field in shown], len(change.fields) - len(shown)


def notes(change: Change, hidden: int) -> list[str]:
    """Remarks that qualify a change's field lines (fields left out, a two-pass create)."""
    remarks = []
    if hidden:
        remarks.append(f"{_count(hidden, 'more field')} not shown (see the file)")
    if change.deferred:
        held = ", ".join(printable(name) for name in sorted(change.deferred))
        remarks.append(f"created without {held}; set in a second pass (reference cycle)")
    return remarks


def title(change: Change) -> str:
    """``create TicketRule "P1 to Network"``: what happens to which resource."""
    return f"{change.action.value} {printable(change.kind)} {quote(change.name)}"


def location(change: Change) -> str | None:
    """Where a change comes from: its file and line, or the live id of a pruned record."""
    if change.source:
        return printable(change.source)
    return None if change.live_id is None else f"id {change.live_id}"


def unmanaged_label(kind: str, name: str, live_id: int | None) -> str:
    """``TicketRule "Manual routing" (id 40)``: a live resource no file describes."""
    label = f"{printable(kind)} {quote(name)}"
    return label if live_id is None else f"{label} (id {live_id})"


def summary(plan: Plan) -> str:
    """The closing verdict, worded like Terraform's so CI scripts can match it."""
    unchanged = f" {plan.unchanged} unchanged." if plan.unchanged else ""
    if not plan.changes:
        return f"No changes. The tenant matches the configuration.{unchanged}"
    counts = plan.counts()
    return (
        f"Plan: {counts[Action.CREATE]} to create, {counts[Action.UPDATE]} to update, "
        f"{counts[Action.DELETE]} to delete.{unchanged}"
    )


def targets_note(plan: Plan) -> str | None:
    """A partial plan (``--target``) says so: what it leaves out is not 'no change'."""
    if not plan.targets:
        return None
    listed = ", ".join(printable(target) for target in plan.targets)
    return f"Partial plan: only {listed} (--target); other resources were not compared."
