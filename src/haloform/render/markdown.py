"""The plan as a pull-request comment: the verdict first, then a table, then details.

Reviewers read the first screen, so the summary line (counts, environment, tenant)
leads, followed by a table of every change; each change's fields follow in a collapsed
``<details>`` block with a ``diff`` fence, so GitHub colours an old value red and a new
one green (an update is shown as a ``-``/``+`` pair, not Terraform's ``~``, for that
reason). Unmanaged resources and warnings get collapsed sections of their own.

GitHub refuses a comment over 65,536 characters, and a refused comment shows nothing.
So the document is fitted into :data:`BUDGET`: the summary always; then, in priority
order, warnings, table rows, change details and unmanaged resources each take what
fits of the room left, less what the sections after them need to say how much they
left out. A section drops items from its end, whole (a details block is never cut in
the middle), and says how many it omitted and that the CI log and ``--format json``
hold the full plan.

Names and values come from files and tenants, so everything outside a code fence is
escaped as HTML character references: a rule called ``<script>`` or ``a | b`` renders
as itself and cannot inject markup or break the table. Inside a fence nothing is
interpreted; the fence is made longer than any backtick run in the content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from haloform.plan.model import Action, Change, Plan
from haloform.render import values

BUDGET = 60_000
"""Characters the comment may use: under GitHub's 65,536, with room for a bot's own
header or footer around it and for characters GitHub counts twice (UTF-16)."""

EMOJI = {
    Action.CREATE: "\N{HEAVY PLUS SIGN}",
    Action.UPDATE: "\N{PENCIL}\N{VARIATION SELECTOR-16}",
    Action.DELETE: "\N{WASTEBASKET}\N{VARIATION SELECTOR-16}",
}
WARNING = "\N{WARNING SIGN}\N{VARIATION SELECTOR-16}"
TABLE_HEAD = "| Action | Kind | Name | Source |\n|---|---|---|---|\n"
FULL_PLAN = "the full plan is in the CI log, or run `haloform plan --format json`"

_SPECIAL = re.compile(r"[&<>|\\`*_\[\]~#!@]")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """``text`` safe in a table cell, a line of Markdown and raw HTML alike.

    Character references work in all three (unlike backslash escapes, which HTML
    blocks such as ``<summary>`` show literally), and a newline cannot end a table row.
    """
    return _SPECIAL.sub(lambda match: f"&#{ord(match.group())};", values.printable(text))


@dataclass(frozen=True)
class MarkdownRenderer:
    """GitHub-flavoured Markdown that stays within ``budget`` characters."""

    budget: int = BUDGET

    def render(self, plan: Plan) -> str:
        head = _summary(plan)
        sections = {name: build(plan) for name, build in _SECTIONS}
        fitted = allocate(list(sections.values()), self.budget - len(head))
        chosen = dict(zip(sections, fitted, strict=True))
        body = (chosen[name].rstrip("\n") + "\n" for name in _LAYOUT if chosen[name])
        return "\n".join([head, *body])  # one blank line between sections


@dataclass(frozen=True)
class Section:
    """A run of items inside a frame that can give up its tail items, saying so."""

    head: str
    items: Sequence[str]
    tail: str
    note: Callable[[int], str]
    """The line that replaces ``n`` omitted items."""

    def fit(self, room: int) -> str:
        """The frame, the items that fit in ``room``, and the note if any were left out.

        Items are taken in order until one does not fit: the plan's order is the
        reading order, so what is dropped is always the end.
        """
        if not self.items:
            return ""
        whole = self.head + "".join(self.items) + self.tail
        if len(whole) <= room:
            return whole
        used = len(self.minimal())
        kept: list[str] = []
        for item in self.items:
            if used + len(item) > room:
                break
            kept.append(item)
            used += len(item)
        return self.head + "".join(kept) + self.note(len(self.items) - len(kept)) + self.tail

    def minimal(self) -> str:
        """The section with every item omitted: what it needs to say it exists."""
        if not self.items:
            return ""
        return self.head + self.note(len(self.items)) + self.tail


def allocate(sections: Sequence[Section], room: int) -> list[str]:
    """Each section, in priority order, takes what fits of the room the ones before it
    left, less what the ones after it need to at least say how much they omitted."""
    minimal = [section.minimal() for section in sections]
    floors = [len(text) + 1 if text else 0 for text in minimal]  # +1: the blank line before
    fitted = []
    for index, section in enumerate(sections):
        later = sum(floors[index + 1 :])
        text = section.fit(room - later - 1)
        fitted.append(text)
        if text:
            room -= len(text) + 1
    return fitted


def _summary(plan: Plan) -> str:
    lines = [
        f"**haloform plan for {escape(plan.environment)}** ({escape(plan.tenant)}): "
        f"{values.summary(plan)}\n"
    ]
    note = values.targets_note(plan)
    if note:
        lines.append(f"\n> [!WARNING]\n> {escape(note)}\n")
    return "".join(lines)


def _table(plan: Plan) -> Section:
    return Section(
        TABLE_HEAD,
        [_row(change) for change in plan.changes],
        "",
        lambda n: f"\n_... and {n} more changes not listed: {FULL_PLAN}._\n",
    )


def _row(change: Change) -> str:
    action = f"{EMOJI[change.action]} {change.action.value}"
    source = escape(values.location(change) or "")
    return f"| {action} | {escape(change.kind)} | {escape(change.name)} | {source} |\n"


def _details(plan: Plan) -> Section:
    return Section(
        "",
        [block for block in map(_detail, plan.changes) if block],
        "",
        lambda n: f"_Details of {n} changes omitted to fit GitHub's comment limit: {FULL_PLAN}._\n",
    )


def _detail(change: Change) -> str:
    """One change's collapsed block; "" for a change with nothing beyond its table row."""
    lines = list(_diff_lines(change))
    if not lines:
        return ""
    summary = f"{EMOJI[change.action]} {change.action.value} {escape(change.kind)} "
    summary += f"<b>{escape(change.name)}</b>"
    return details_block(summary, lines)


def details_block(summary: str, lines: Sequence[str]) -> str:
    """A collapsed block around a ``diff`` fence (GitHub colours ``-`` red, ``+`` green);
    ``summary`` is HTML, already escaped."""
    fence = _fence(lines)
    body = "".join(f"{line}\n" for line in lines)
    return f"<details><summary>{summary}</summary>\n\n{fence}diff\n{body}{fence}\n\n</details>\n\n"


def _diff_lines(change: Change) -> Iterator[str]:
    fields, hidden = values.change_lines(change)
    for line in fields:
        if line.sign in "-~":
            yield f"- {line.path}: {line.before}"
        if line.sign in "+~":
            yield f"+ {line.path}: {line.after}"
    for note in values.notes(change, hidden):
        yield f"# {note}"


def _fence(lines: Sequence[str]) -> str:
    """A backtick fence no line of the content can close early."""
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    return "`" * max(3, longest + 1)


def _unmanaged(plan: Plan) -> Section:
    items = [
        f"- {escape(values.unmanaged_label(item.kind, item.name, item.live_id))}\n"
        for item in plan.unmanaged
    ]
    return Section(
        f"<details><summary>{len(items)} not managed by this repo (left alone)</summary>\n\n",
        items,
        "\n</details>\n",
        lambda n: f"- _... and {n} more: {FULL_PLAN}_\n",
    )


def _warnings(plan: Plan) -> Section:
    count = len(plan.warnings)
    label = f"{WARNING} {count} warning{'s' if count != 1 else ''}"
    return Section(
        f"<details><summary>{label}</summary>\n\n",
        [f"- {escape(warning)}\n" for warning in plan.warnings],
        "\n</details>\n",
        lambda n: f"- _... and {n} more: {FULL_PLAN}_\n",
    )


_SECTIONS: tuple[tuple[str, Callable[[Plan], Section]], ...] = (
    ("warnings", _warnings),
    ("table", _table),
    ("details", _details),
    ("unmanaged", _unmanaged),
)
"""Sections in the order they claim room: what a reviewer needs most comes first."""

_LAYOUT = ("table", "details", "unmanaged", "warnings")
"""Sections in the order they are read, after the summary."""
