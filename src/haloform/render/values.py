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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from haloform.diff.fields import FieldChange, item_paths, parse_path
from haloform.kinds import by_kind
from haloform.plan.model import Action, Change, Plan
from haloform.render.flow import flow as flow
from haloform.render.flow import printable as printable
from haloform.render.flow import quote as quote
from haloform.render.rules import criterion, is_criterion
from haloform.resolve.portable import is_empty

CREATE_FIELD_LIMIT = 40
"""A create lists at most this many lines (a list shows one line per item)."""

BRIEF_WIDTH = 60
"""A create's string longer than this is cut (the file is in the same pull request)."""

SIGNS = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}


def brief(value: Any) -> str:
    """Like :func:`flow`, but a long string is cut; lists and mappings are shown whole
    (a reviewer must see every item of what is created)."""
    if isinstance(value, str) and len(value) > BRIEF_WIDTH:
        return f"{quote(value[:BRIEF_WIDTH])}... ({len(value)} characters)"
    return flow(value)


def shown(value: Any, *, shorten: bool = False) -> str:
    """A field's value in a plan line: a criterion as its sentence, else flow."""
    if is_criterion(value):
        return criterion(value)
    return brief(value) if shorten else flow(value)


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
    path = printable(field.path)
    before, after = shown(field.before, shorten=shorten), shown(field.after, shorten=shorten)
    if field.before is None and field.after is not None:
        return FieldLine("+", path, "", after)
    if field.after is None and field.before is not None:
        return FieldLine("-", path, before, "")
    return FieldLine("~", path, before, after)


def change_lines(change: Change) -> tuple[list[FieldLine], int]:
    """The field lines a change shows, and how many a create leaves out.

    An update lists every changed field: that is what the review is about. A create
    lists its fields in the file's order, a list one line per item (named as an update
    would name it), long strings cut. A delete lists nothing (the whole resource goes)
    but the references an update drops first, when it is in a reference cycle with
    other deletes.
    """
    if change.action is Action.DELETE:
        return [field_line(field) for field in change.fields], 0
    if change.action is Action.UPDATE:
        return [field_line(field) for field in change.fields], 0
    fields = list(create_fields(change))
    lines = [field_line(field, shorten=True) for field in fields[:CREATE_FIELD_LIMIT]]
    return lines, len(fields) - len(lines)


def create_fields(change: Change) -> Iterator[FieldChange]:
    """A created resource as field lines: top-level fields, list items one by one."""
    body = created(change)
    spec = by_kind(change.kind)
    paths = item_paths(spec, body) if spec is not None else {}
    for name, value in body.items():
        if name in ("guid", "kind") or is_empty(value):
            continue
        if not isinstance(value, list):
            yield FieldChange(path=name, after=value)
            continue
        keyed = [p for p in paths if parse_path(p)[0].name == name]
        if keyed:
            yield from (FieldChange(path=p, after=_own_fields(p, paths)) for p in keyed)
        elif spec is not None and name in spec.unordered_lists:
            yield from (FieldChange(path=f"{name}[+]", after=item) for item in value)
        else:
            yield from (FieldChange(path=f"{name}[{i}]", after=v) for i, v in enumerate(value))


def _own_fields(path: str, paths: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """An item without the keyed lists whose items get lines of their own (a step
    without its actions), so that no line holds a whole workflow."""
    item = paths[path]
    nested = {
        other[len(path) + 1 :].partition("[")[0] for other in paths if other.startswith(path + ".")
    }
    return {k: v for k, v in item.items() if k not in nested and not is_empty(v)}


def created(change: Change) -> dict[str, Any]:
    """The resource as the file says it: carried whole by newer plans, else rebuilt
    from a create's top-level fields (plans saved by an older haloform)."""
    if change.desired is not None:
        return dict(change.desired)
    if change.action is Action.CREATE:
        return {field.path: field.after for field in change.fields if field.after is not None}
    return {}


def notes(change: Change, hidden: int) -> list[str]:
    """Remarks that qualify a change's field lines (fields left out, a two-pass create)."""
    remarks = []
    if hidden:
        remarks.append(f"{_count(hidden, 'more field')} not shown (see the file)")
    if change.deferred:
        held = ", ".join(printable(name) for name in sorted(change.deferred))
        remarks.append(
            f"created without its references in {held} to the rest of a reference cycle; "
            "they are set in a second pass"
        )
    if change.action is Action.DELETE and change.payload:
        dropped = ", ".join(printable(field.path) for field in change.fields)
        remarks.append(f"updated first to drop {dropped} (reference cycle), then deleted")
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


def delete_note(count: int) -> str:
    """Said at the top of a plan that deletes: a reviewed plan must not fail on merge."""
    what = "1 resource" if count == 1 else f"{count} resources"
    return f"This plan deletes {what}: applying it needs --allow-delete."


def targets_note(plan: Plan) -> str | None:
    """A partial plan (``--target``) says so: what it leaves out is not 'no change'."""
    if not plan.targets:
        return None
    listed = ", ".join(printable(target) for target in plan.targets)
    return f"Partial plan: only {listed} (--target); other resources were not compared."
