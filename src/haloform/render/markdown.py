"""The plan as a pull-request comment a Halo admin can review without opening Halo.

Reviewers read the first screen, so it holds the verdict: a hidden marker CI finds
the comment by (``<!-- haloform:plan env=NAME -->``, one comment per environment,
updated in place), the environment and commit, the counts, and what must not surprise
anyone at merge: deletes (``apply`` needs ``--allow-delete``) and workflow steps the
plan removes. Then a table with one line per resource saying what changes, linked to
the file at the commit when CI says where that is. Then each change
(:mod:`haloform.render.markdown_changes`): a rule in plain language, a workflow as a
Mermaid diagram with the change in words, and the fields in a collapsed ``diff``
block (GitHub colours ``-`` red and ``+`` green, hence ``-``/``+`` pairs, not ``~``).

GitHub refuses a comment over 65,536 characters, and a refused comment shows nothing.
So the document is fitted into :data:`BUDGET`: the head always; diagrams are dropped
first (the change in words stays), then, in priority order, warnings, table rows,
change details and unmanaged resources each take what fits of the room left, less
what the sections after them need to say how much they left out. A section drops
items from its end, whole, and says what it omitted and that the CI log and
``--format json`` hold the full plan.

Names and values are escaped (:mod:`haloform.render.markup`): a name cannot inject
markup or break the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote as quote_url

from haloform.plan.model import Action, Change, Plan
from haloform.render import values, words
from haloform.render.interface import RenderOptions
from haloform.render.markdown_changes import EMOJI, change_block
from haloform.render.markup import details_block as details_block
from haloform.render.markup import escape as escape

BUDGET = 60_000
"""Characters the comment may use: under GitHub's 65,536, with room for a bot's own
header or footer around it and for characters GitHub counts twice (UTF-16)."""

WARNING = "\N{WARNING SIGN}\N{VARIATION SELECTOR-16}"
TABLE_HEAD = "| Action | Kind | Name | What changes | Source |\n|---|---|---|---|---|\n"
FULL_PLAN = "the full plan is in the CI log, or run `haloform plan --format json`"
MARKER = "<!-- haloform:plan env={env} -->"
"""Hidden: CI finds its own comment for an environment by it and updates it in place."""
BY_KIND_FROM = 20
"""A plan with more changes than this says how many of each kind, under its counts."""
_HEX = re.compile(r"[0-9a-fA-F]{7,64}")
NO_DIAGRAMS = (
    "_Workflow diagrams were left out to fit GitHub's comment limit; "
    "each change is still said in words._\n"
)


def marker(environment: str) -> str:
    """The hidden line a CI job finds its comment by (one per environment): the name as
    haloform.yaml spells it, so a job can search for it, with only what could end
    the HTML comment early (``--``, ``>``) or start markup (``<``) neutralised."""
    name = values.printable(environment).replace("--", "-&#45;")
    return MARKER.format(env=name.replace("<", "&#60;").replace(">", "&#62;"))


@dataclass(frozen=True)
class MarkdownRenderer:
    """GitHub-flavoured Markdown that stays within ``budget`` characters."""

    budget: int = BUDGET
    options: RenderOptions = field(default_factory=RenderOptions)

    def render(self, plan: Plan) -> str:
        head = _head(plan, self.options)
        sections = self._sections(plan, diagrams=True)
        if sum(len(section.whole()) + 1 for section in sections.values()) > self.budget - len(head):
            sections = self._sections(plan, diagrams=False)
            head += "\n" + NO_DIAGRAMS
        fitted = allocate(list(sections.values()), self.budget - len(head))
        chosen = dict(zip(sections, fitted, strict=True))
        body = (chosen[name].rstrip("\n") + "\n" for name in _LAYOUT if chosen[name])
        return "\n".join([head, *body])  # one blank line between sections

    def _sections(self, plan: Plan, *, diagrams: bool) -> dict[str, Section]:
        return {
            "warnings": _warnings(plan),
            "table": _table(plan, self.options),
            "details": _details(plan, self.options, diagrams=diagrams),
            "unmanaged": _unmanaged(plan),
        }


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
        whole = self.whole()
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

    def whole(self) -> str:
        """The section with every item."""
        return self.head + "".join(self.items) + self.tail if self.items else ""

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


def _head(plan: Plan, options: RenderOptions) -> str:
    lines = [
        marker(plan.environment) + "\n",
        f"### haloform plan for {escape(plan.environment)}{_commit(options.commit)}\n",
        f"\n**{values.summary(plan)}** Tenant: {escape(plan.tenant)}\n",
    ]
    if len(plan.changes) > BY_KIND_FROM:
        lines.append(f"\nBy kind: {escape(_by_kind(plan))}.\n")
    alerts = [*_delete_alert(plan), *_removal_alert(plan)]
    note = values.targets_note(plan)
    if note:
        alerts.append(f"> [!WARNING]\n> {escape(note)}\n")
    lines.extend(f"\n{alert}" for alert in alerts)
    return "".join(lines)


def _commit(commit: str | None) -> str:
    if not commit:
        return ""
    if _HEX.fullmatch(commit):
        return f" at `{commit[:12]}`"
    return f" at {escape(commit)}"


def _by_kind(plan: Plan) -> str:
    """``856 TicketRule to create, 214 Workflow to create``: a large plan's shape, which
    stays when its table cannot list every row."""
    counts: dict[tuple[str, str], int] = {}
    for change in plan.changes:
        key = (change.kind, change.action.value)
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n} {kind} to {action}" for (kind, action), n in sorted(counts.items()))


def _delete_alert(plan: Plan) -> list[str]:
    deletes = [c for c in plan.changes if c.action is Action.DELETE]
    if not deletes:
        return []
    names = ", ".join(f"{escape(c.kind)} {escape(values.quote(c.name))}" for c in deletes[:10])
    more = f" and {len(deletes) - 10} more" if len(deletes) > 10 else ""
    return [
        f"> [!CAUTION]\n> **{escape(values.delete_note(len(deletes)))}** Deleted: "
        f"{names}{more}. Without the flag, `haloform apply` refuses the whole plan.\n"
    ]


def _removal_alert(plan: Plan) -> list[str]:
    lines = [
        f"> - {escape(change.kind)} {escape(values.quote(change.name))} loses "
        + ", ".join(escape(item) for item in removed)
        + "\n"
        for change in plan.changes
        if (removed := words.removed_items(change))
    ]
    if not lines:
        return []
    return [
        "> [!WARNING]\n> **This plan removes workflow steps.** Whether Halo deletes the "
        "steps a save leaves out is not known: after the apply, `haloform plan` shows any "
        "step that survived as still to remove.\n" + "".join(lines)
    ]


def _table(plan: Plan, options: RenderOptions) -> Section:
    return Section(
        TABLE_HEAD,
        [_row(change, options) for change in plan.changes],
        "",
        lambda n: f"\n_... and {n} more changes not listed: {FULL_PLAN}._\n",
    )


def _row(change: Change, options: RenderOptions) -> str:
    action = f"{EMOJI[change.action]} {change.action.value}"
    what = escape(words.what_changes(change))
    return (
        f"| {action} | {escape(change.kind)} | {escape(change.name)} | {what} "
        f"| {source_link(change, options)} |\n"
    )


def source_link(change: Change, options: RenderOptions) -> str:
    """``file:line`` linked to the file at the commit when the caller knows where the
    repository is browsed (``RenderOptions.source_url``); plain otherwise."""
    where = values.location(change) or ""
    if not change.source or not options.source_url or ":" not in change.source:
        return escape(where)
    file, _, line = change.source.rpartition(":")
    if not line.isdigit() or file.startswith(("/", "..")):
        return escape(where)
    url = f"{options.source_url.rstrip('/')}/{_url_path(file)}#L{line}"
    return f"[{escape(where)}]({url})"


def _url_path(file: str) -> str:
    return "/".join(quote_url(part) for part in file.split("/"))


def _details(plan: Plan, options: RenderOptions, *, diagrams: bool) -> Section:
    blocks = (change_block(c, options, diagrams=diagrams) for c in plan.changes)
    return Section(
        "",
        [block for block in blocks if block],
        "",
        lambda n: f"_Details of {n} changes omitted to fit GitHub's comment limit: {FULL_PLAN}._\n",
    )


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
        [f"- {escape(str(warning))}\n" for warning in plan.warnings],
        "\n</details>\n",
        lambda n: f"- _... and {n} more: {FULL_PLAN}_\n",
    )


_LAYOUT = ("table", "details", "unmanaged", "warnings")
"""Sections in the order they are read, after the summary."""
