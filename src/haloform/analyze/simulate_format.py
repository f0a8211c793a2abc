"""A simulation as text and as JSON. Pure: simulation in, text out."""

from __future__ import annotations

import json
from typing import Any

from haloform.analyze.simulate import ASSUMPTIONS, Simulation
from haloform.analyze.values import plain, shown


def as_dict(run: Simulation) -> dict[str, Any]:
    """``{"matched": [...], "result": {...}, "assumptions": [...]}`` and the rest."""
    return {
        "event": run.event,
        "matched": [
            {
                "name": match.rule.name,
                "precedence": match.rule.precedence,
                "stopped": match.stopped,
                "sets": {name: plain(value) for name, value in match.sets.items()},
                "assumes": list(match.assumes),
            }
            for match in run.matched
        ],
        "stopped_by": run.stopped_by,
        "undecidable": [
            {"name": u.rule.name, "precedence": u.rule.precedence, "reasons": list(u.reasons)}
            for u in run.undecided
        ],
        "skipped": [{"name": view.name, "reason": reason} for view, reason in run.skipped],
        "result": {name: plain(value) for name, value in run.result.items()},
        "result_assumes": {name: list(ids) for name, ids in run.result_assumes.items()},
        "assumptions": [
            {"id": ident, "text": _assumption(run, ident)} for ident in sorted(run.assumptions)
        ],
    }


def _assumption(run: Simulation, ident: str) -> str:
    text = ASSUMPTIONS[ident]
    if ident == "empty":
        text += f" ({', '.join(sorted(run.empty_fields))})"
    return text


def as_json(run: Simulation) -> str:
    return json.dumps(as_dict(run), indent=2) + "\n"


def text(run: Simulation) -> str:
    """Matches in order, where evaluation stopped, undecidable rules, the result."""
    article = "an" if run.event == "existing" else "a"
    lines = [f"Rules {article} {run.event} ticket matches, in evaluation order:"]
    if not run.matched:
        lines.append("  (none)")
    for match in run.matched:
        flag = f" [assumes: {', '.join(match.assumes)}]" if match.assumes else ""
        lines.append(f"  {match.rule.precedence:>4}  {match.rule.name}{flag}")
        lines.extend(f"          sets {name}: {shown(value)}" for name, value in match.sets.items())
        if match.stopped:
            lines.append("          stopmatching: no later rule is looked at")
    for undecided in run.undecided:
        lines.append(f"  ?     {undecided.rule.name}: undecidable")
        lines.extend(f"          {reason}" for reason in undecided.reasons)
    lines.append("Resulting ticket:")
    for name, value in run.result.items():
        flag = (
            f" [assumes: {', '.join(run.result_assumes[name])}]"
            if name in run.result_assumes
            else ""
        )
        lines.append(f"  {name}: {shown(value)}{flag}")
    if run.assumptions:
        lines.append("Assumptions:")
        lines.extend(f"  {ident}: {_assumption(run, ident)}" for ident in sorted(run.assumptions))
    return "\n".join(lines) + "\n"


FORMATS = {"text": text, "json": as_json}
