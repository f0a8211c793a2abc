"""One change of the PR comment, as a Halo admin reads it.

A heading names the change; a rule follows in plain language ("When ... — Then ...")
with where it sits in the evaluation order; a workflow follows as a Mermaid diagram
with the change in words beside it; then findings about it, if the caller has any;
then the fields, collapsed, as a ``diff`` block. A delete has its table row and the
alert at the top: nothing more to show.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from haloform.plan.model import Action, Change, Neighbour
from haloform.render import mermaid, rules, values, words
from haloform.render.interface import RenderOptions
from haloform.render.markup import details_block, escape, fenced

EMOJI = {
    Action.CREATE: "\N{HEAVY PLUS SIGN}",
    Action.UPDATE: "\N{PENCIL}\N{VARIATION SELECTOR-16}",
    Action.DELETE: "\N{WASTEBASKET}\N{VARIATION SELECTOR-16}",
}


def change_block(change: Change, options: RenderOptions, *, diagrams: bool = True) -> str:
    """The change's section; "" for a change with nothing beyond its table row."""
    if change.action is Action.DELETE:
        return ""
    parts = [
        f"#### {EMOJI[change.action]} {change.action.value} {escape(change.kind)} "
        f"{escape(values.quote(change.name))}\n"
    ]
    parts.extend(_rule(change))
    parts.extend(_order(change.neighbours))
    said = words.describe(change)
    if said:
        parts.append("".join(f"- {escape(phrase)}\n" for phrase in said))
    diagram = mermaid.diagram(change) if diagrams else None
    if diagram:
        parts.append(fenced("mermaid", diagram.splitlines()))
    findings = options.findings.get(change.key, ())
    if findings:
        parts.append("**Findings:**\n" + "".join(f"- {escape(f)}\n" for f in findings))
    lines = list(_diff_lines(change))
    if lines:
        count = len(change.fields) if change.action is Action.UPDATE else len(lines)
        parts.append(details_block(f"Fields ({count})", lines).rstrip("\n") + "\n")
    return "\n".join(parts) + "\n"


def _rule(change: Change) -> list[str]:
    sentence = rules.sentence(values.created(change))
    if sentence is None:
        return []
    lead = "Rule" if change.action is Action.CREATE else "The rule now reads"
    return [f"**{lead}:** {escape(sentence)}\n"]


def _order(neighbours: Sequence[Neighbour]) -> list[str]:
    return [f"**Order:** {escape(line)}.\n" for line in words.order(neighbours)]


def _diff_lines(change: Change) -> Iterator[str]:
    fields, hidden = values.change_lines(change)
    for line in fields:
        if line.sign in "-~":
            yield f"- {line.path}: {line.before}"
        if line.sign in "+~":
            yield f"+ {line.path}: {line.after}"
        elif line.sign == "-" and not line.path.endswith("]"):
            yield f"+ {line.path}: (cleared)"  # a field a file clears with null
    for note in values.notes(change, hidden):
        yield f"# {note}"
