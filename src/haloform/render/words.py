"""A change in words: "step Awaiting approval renamed to Awaiting confirmation; new
action Escalate from Awaiting confirmation to Escalated; new stage Confirm".

Said from the plan's field changes alone (their paths name items by label, see
``diff.fields.parse_path``), so a reviewer reads what moves without decoding paths:
beside a workflow's diagram and in the table's "What changes" column. A rule's place
in the evaluation order (:func:`order`) is said the same way in text and Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from haloform.diff.fields import FieldChange, Segment, parse_path
from haloform.plan.model import Action, Change, Neighbour
from haloform.render import labels, rules, values

SUMMARY_WIDTH = 140
"""A table cell's "What changes" is cut here: the details say the rest."""

ARROW = " -> "


def singular(name: str) -> str:
    """``steps`` -> step, ``criteria`` -> criterion: a list's item in a sentence."""
    if name == "criteria":
        return "criterion"
    return name[:-1] if name.endswith("s") else name


def describe(change: Change) -> list[str]:
    """One phrase per field change of an update (none for creates and deletes)."""
    if change.action is not Action.UPDATE:
        return []
    pairs = _replaced(change.fields)
    said = []
    for index, field in enumerate(change.fields):
        paired = pairs.get(index, "")
        if paired is None:
            continue  # said with the criterion it replaces
        said.append(paired or phrase(field))
    return said


def _replaced(fields: Sequence[FieldChange]) -> dict[int, str | None]:
    """A criterion removed and one added on the same ticket field read as one change,
    before and after as sentences (a criterion has no identity to say it is the same,
    but the reader sees it is). Index of the removal -> the phrase; of the addition ->
    None (said with it)."""
    added = {
        i: f for i, f in enumerate(fields) if f.path.endswith("[+]") and rules.is_criterion(f.after)
    }
    pairs: dict[int, str | None] = {}
    for index, old in enumerate(fields):
        if not (old.path.endswith("[-]") and rules.is_criterion(old.before)):
            continue
        twin = next(
            (
                i
                for i, new in added.items()
                if new.path[:-3] == old.path[:-3]
                and new.after.get("fieldname") == old.before.get("fieldname")
            ),
            None,
        )
        if twin is None:
            continue
        new = added.pop(twin)
        noun = singular(parse_path(old.path)[-1].name)
        pairs[index] = (
            f"{noun} changed — before: {rules.criterion(old.before)}; "
            f"after: {rules.criterion(new.after)}"
        )
        pairs[twin] = None
    return pairs


def phrase(field: FieldChange) -> str:
    """One field change as a reader says it (``new stage Confirm``)."""
    segments = parse_path(field.path)
    head = segments[0]
    if head.key is None and len(segments) == 1:
        return _plain(labels.field_word(head.name), field)
    if head.key in ("+", "-") and len(segments) == 1:
        return _unordered(head, field)
    if len(segments) == 1:
        return _item(head, None, field)
    second = segments[1]
    if second.key is not None and len(segments) == 2:
        return _item(second, head, field)
    if second.key is not None:
        what, tail = _named(second, head), segments[2:]
    else:
        what, tail = _named(head), segments[1:]
    rest = ".".join(labels.field_word(segment.name) for segment in tail)
    if rest == "name" and isinstance(field.before, str) and isinstance(field.after, str):
        noun = singular((second if second.key is not None else head).name)
        return f"{noun} {field.before} renamed to {field.after}"
    return _plain(f"{what}: {rest}", field)


def _plain(what: str, field: FieldChange) -> str:
    if field.before is None:
        return f"{what} set to {rules.shown(field.after)}"
    if field.after is None:
        return f"{what} cleared (was {rules.shown(field.before)})"
    return f"{what} changed from {rules.shown(field.before)} to {rules.shown(field.after)}"


def _unordered(segment: Segment, field: FieldChange) -> str:
    item = field.after if segment.key == "+" else field.before
    noun = singular(segment.name)
    text = rules.criterion(item) if rules.is_criterion(item) else values.flow(item)
    return f"new {noun}: {text}" if segment.key == "+" else f"{noun} removed: {text}"


def _named(segment: Segment, parent: Segment | None = None) -> str:
    """``step Logged``; an item keyed ``A -> B`` inside a parent reads
    ``action A from Logged to B``."""
    noun, key = singular(segment.name), segment.key or "?"
    if parent is not None and ARROW in key:
        what, _, where = key.partition(ARROW)
        return f"{noun} {what} from {parent.key} to {where}"
    if parent is not None:
        return f"{noun} {key} of {singular(parent.name)} {parent.key}"
    return f"{noun} {key}"


def _item(segment: Segment, parent: Segment | None, field: FieldChange) -> str:
    what = _named(segment, parent)
    if field.before is None:
        return f"new {what}"
    if field.after is None:
        return f"{what} REMOVED"
    return f"{what} changed"


def removed_items(change: Change) -> list[str]:
    """Top-level keyed items an update removes (``step "Legacy"``): Halo may keep a
    workflow step a POST leaves out (docs/halo-api.md), so these are said at the top."""
    if change.action is not Action.UPDATE:
        return []
    found = []
    for field in change.fields:
        segments = parse_path(field.path)
        whole_item = len(segments) == 1 and segments[0].key not in (None, "+", "-")
        if whole_item and field.after is None and field.before is not None:
            found.append(f"{singular(segments[0].name)} {values.quote(segments[0].key or '')}")
    return found


def what_changes(change: Change) -> str:
    """One line for the summary table."""
    if change.action is Action.DELETE:
        return "deleted (needs --allow-delete)"
    if change.action is Action.CREATE:
        return _cut("new: " + _contents(values.created(change)))
    return _cut("; ".join(describe(change)))


def _contents(body: Mapping[str, Any]) -> str:
    parts = []
    for name, held in body.items():
        if isinstance(held, list) and held:
            noun = name if len(held) != 1 else singular(name)
            parts.append(f"{len(held)} {noun.replace('_', ' ')}")
    setters = [labels.setter(n) for n, v in body.items() if n.startswith("new_") and v]
    if setters:
        parts.append("sets " + ", ".join(setters))
    return ", ".join(parts) or "as in the file"


def _cut(text: str) -> str:
    if len(text) <= SUMMARY_WIDTH:
        return text
    return text[: SUMMARY_WIDTH - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def order(neighbours: Sequence[Neighbour]) -> list[str]:
    """Where a rule sits among its neighbours, in words (text and Markdown alike)."""
    if not neighbours:
        return []
    before = [n for n in neighbours if n.before]
    after = [n for n in neighbours if not n.before]
    parts = []
    if before:
        parts.append("tried after " + ", ".join(_neighbour(n) for n in before))
    if after:
        parts.append("before " + ", ".join(_neighbour(n) for n in after))
    return ["; ".join(parts)]


def _neighbour(item: Neighbour) -> str:
    notes = [f"precedence {item.precedence}"]
    if item.tie:
        notes.append("same precedence: which runs first is up to Halo")
    if item.stopmatching:
        notes.append("stops matching")
    if not item.managed:
        notes.append("not in this repo")
    return f"{values.quote(item.name)} ({', '.join(notes)})"
