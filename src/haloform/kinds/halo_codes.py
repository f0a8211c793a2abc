"""Halo's own codes in workflow and runbook rows: the same on every tenant, never a
tenant's record (docs/halo-fidelity.md lists where each was seen).

Automation steps answer with negative ``action_id`` codes for their results, paired
with ``action_type == -action_id``, and may lead to ``end_step: -98``, the next
iteration of an iterating step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NEXT_ITERATION = -98
"""The ``end_step`` Halo stores for "the next iteration" of an iterating step."""

AUTOMATION_RESULTS: Mapping[int, str] = {
    -17: "HTTP response",
    -18: "Halo API call",
    -22: "array iteration",
    -23: "array iteration",
    -29: "SQL result",
    -32: "sleep finished",
    -37: "AI agent",
}
"""What an automation step's negative ``action_id`` reports (Halo's own codes, the same
on every tenant; docs/halo-fidelity.md). ``approval_result`` 1 is its Successful
button, 0 its Unsuccessful one."""


def action_label(action: Mapping[str, Any]) -> str | None:
    """An automation result as Halo's screens show it ("SQL result: Successful"); None
    for an Outcome, which its reference names."""
    code = action.get("action_id")
    if not isinstance(code, int) or isinstance(code, bool) or code >= 0:
        return None
    what = AUTOMATION_RESULTS.get(code, f"automation result {code}")
    return f"{what}: {'Successful' if action.get('approval_result') else 'Unsuccessful'}"
