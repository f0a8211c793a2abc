"""A tenant comparison as a pull-request comment (or a promotion ticket): verdict first.

The summary line (counts, both environments and tenants) leads; then one table of every
resource that differs (only in A, only in B, different), then a collapsed ``<details>``
block per different resource with a ``diff`` fence: ``-`` lines hold tenant A's value,
``+`` lines tenant B's, so GitHub colours A red and B green.

It reuses the plan comment's machinery (:mod:`haloform.render.markdown`): the document
is fitted into :data:`~haloform.render.markdown.BUDGET` under GitHub's 65,536-character
limit (the table first, then details, each dropping whole items from its end and saying
how many), and every name and value outside a fence is escaped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from haloform.diff.tenants import Difference, Presence, TenantComparison
from haloform.render import comparison as wording
from haloform.render.markdown import BUDGET, Section, allocate, details_block, escape

ONLY_IN_A = "\N{LEFTWARDS BLACK ARROW}\N{VARIATION SELECTOR-16}"
ONLY_IN_B = "\N{BLACK RIGHTWARDS ARROW}\N{VARIATION SELECTOR-16}"
DIFFERENT = "\N{PENCIL}\N{VARIATION SELECTOR-16}"
TABLE_HEAD = "| Difference | Kind | Name | Guid |\n|---|---|---|---|\n"
FULL_DIFF = "the full diff is in the CI log, or run `haloform diff --format json`"


@dataclass(frozen=True)
class ComparisonMarkdownRenderer:
    """GitHub-flavoured Markdown that stays within ``budget`` characters."""

    budget: int = BUDGET

    def render(self, comparison: TenantComparison) -> str:
        head = _summary(comparison)
        sections = [_table(comparison), _details(comparison)]  # in priority and reading order
        fitted = allocate(sections, self.budget - len(head))
        body = (text.rstrip("\n") + "\n" for text in fitted if text)
        return "\n".join([head, *body])  # one blank line between sections


def _summary(comparison: TenantComparison) -> str:
    a, b = comparison.a, comparison.b
    return (
        f"**haloform diff: {escape(a.environment)}** ({escape(a.tenant)}) "
        f"**against {escape(b.environment)}** ({escape(b.tenant)}): "
        f"{escape(wording.summary(comparison))}\n"
    )


def _table(comparison: TenantComparison) -> Section:
    a, b = comparison.a.environment, comparison.b.environment
    namesakes = wording.namesakes(comparison)

    def only(item: Presence, here: str, other: str, arrow: str) -> str:
        note = wording.namesake_note(item, other) if wording.is_namesake(item, namesakes) else ""
        return _row(f"{arrow} only in {escape(here)}", item, note)

    rows = [
        *(only(item, a, b, ONLY_IN_A) for item in comparison.only_in_a),
        *(only(item, b, a, ONLY_IN_B) for item in comparison.only_in_b),
        *(_row(f"{DIFFERENT} different", item) for item in comparison.different),
    ]
    return Section(
        TABLE_HEAD,
        rows,
        "",
        lambda n: f"\n_... and {n} more differences not listed: {FULL_DIFF}._\n",
    )


def _row(what: str, item: Presence | Difference, note: str = "") -> str:
    name = escape(item.name) + (f" _({escape(note)})_" if note else "")
    return f"| {what} | {escape(item.kind)} | {name} | {escape(item.guid)} |\n"


def _details(comparison: TenantComparison) -> Section:
    a = escape(comparison.a.environment)
    b = escape(comparison.b.environment)
    return Section(
        f"_In the details below, `-` lines are {a}'s values, `+` lines {b}'s._\n\n",
        [_detail(item) for item in comparison.different],
        "",
        lambda n: (
            f"_Details of {n} different resources omitted to fit GitHub's comment limit: "
            f"{FULL_DIFF}._\n"
        ),
    )


def _detail(item: Difference) -> str:
    summary = f"{DIFFERENT} {escape(item.kind)} <b>{escape(item.name)}</b>"
    return details_block(summary, list(_diff_lines(item)))


def _diff_lines(item: Difference) -> Iterator[str]:
    for field in item.fields:
        path, a, b = wording.field_values(field)
        if field.before is not None:
            yield f"- {path}: {a}"
        if field.after is not None:
            yield f"+ {path}: {b}"
