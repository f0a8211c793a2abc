"""A tenant comparison as JSON for programs: promotion gates, drift dashboards.

Schema, format_version 1 (bumped on any incompatible change)::

    {
      "format_version": 1,
      "a": {"environment": "dev", "tenant": "https://dev.halopsa.com"},
      "b": {"environment": "prod", "tenant": "https://acme.halopsa.com"},
      "kinds": ["Workflow", "TicketRule", "EventRule"],   # the kinds compared
      "summary": {"only_in_a": 1, "only_in_b": 0, "different": 2, "identical": 10},
      "only_in_a": [{"kind": "Workflow", "guid": "0e2d...", "name": "Problem"}],
      "only_in_b": [],                                     # same shape
      "different": [
        {
          "kind": "TicketRule",
          "guid": "5a1e...",
          "name_a": "P1 routing",     # the name in each tenant (a rename is a difference)
          "name_b": "P1 routing",
          "fields": [{"path": "new_agent_id", "a": {"agent": "Carol"}, "b": {"agent": "Alice"}}]
        }
      ]
    }

Resources are matched by guid; lists are sorted by kind, then name (case-insensitively),
then guid. ``a``/``b`` of a field are JSON values in a config file's portable terms
(references by name, never tenant ids); ``null`` means that tenant does not set the
field. Paths use the plan's syntax (``steps[2].name``, ``criteria[+]`` for an unordered
item only B holds, ``criteria[-]`` for one only A holds; see ``haloform.diff.fields``).
Keys inside values are sorted, everything else keeps the order above: the same
comparison always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from haloform.diff.tenants import Difference, Presence, Side, TenantComparison
from haloform.render.json import field_rows, to_text

FORMAT_VERSION = 1
"""The ``format_version`` this module writes."""


@dataclass(frozen=True)
class ComparisonJsonRenderer:
    """Renders the documented report; it takes no options (its shape is fixed)."""

    def render(self, comparison: TenantComparison) -> str:
        return to_text(document(comparison))


def document(comparison: TenantComparison) -> dict[str, Any]:
    """The report as a JSON-ready dict (for callers that embed it in their own JSON)."""
    return {
        "format_version": FORMAT_VERSION,
        "a": _side(comparison.a),
        "b": _side(comparison.b),
        "kinds": list(comparison.kinds),
        "summary": {
            "only_in_a": len(comparison.only_in_a),
            "only_in_b": len(comparison.only_in_b),
            "different": len(comparison.different),
            "identical": comparison.identical,
        },
        "only_in_a": [_presence(item) for item in comparison.only_in_a],
        "only_in_b": [_presence(item) for item in comparison.only_in_b],
        "different": [_difference(item) for item in comparison.different],
    }


def _side(side: Side) -> dict[str, Any]:
    return {"environment": side.environment, "tenant": side.tenant}


def _presence(item: Presence) -> dict[str, Any]:
    return {"kind": item.kind, "guid": item.guid, "name": item.name}


def _difference(item: Difference) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "guid": item.guid,
        "name_a": item.name_a,
        "name_b": item.name_b,
        "fields": field_rows(item.fields, "a", "b"),
    }
