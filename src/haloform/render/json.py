"""The plan as JSON for programs: CI gates, bots, dashboards. Versioned and byte-stable.

This is a report of the plan, not the saved plan (``plan --out`` writes
:meth:`Plan.to_json`, which the applier reads back). It leaves out what only the applier
needs: payloads (tenant ids, noise to a reader; they never hold secrets, only
``${env:NAME}`` placeholders, but are left out all the same), fingerprints, dependencies.

Schema, format_version 1 (machine-readable in ``plan.schema.json`` next to this file)::

    {
      "format_version": 1,            # bumped on any incompatible change
      "environment": "prod",          # the haloform.yaml environment planned
      "tenant": "https://acme.halopsa.com",   # or "embedded:<env>"
      "digest": "<sha256 hex>",       # Plan.digest: same digest, same plan
      "targets": ["TicketRule/P1"],   # --target filters; [] means the whole config
      "summary": {"create": 1, "update": 2, "delete": 0, "unchanged": 5},
      "changes": [                    # in apply-review order: action, kind, name
        {
          "action": "create" | "update" | "delete",
          "kind": "TicketRule",
          "guid": "5a1e0c2d-...",
          "name": "P1 to Network",
          "source": "ticket-rules/p1.yaml:3" | null,   # null: prune of a live record
          "live_id": 12 | null,       # the tenant's id of the record touched
          "fields": [{"path": "steps[step_id=2].name", "before": ..., "after": ...}]
                                      # a delete's: references dropped first (a cycle)
        }
      ],
      "unmanaged": [{"kind": "...", "guid": "..." | null, "name": "...", "live_id": 40 | null}],
      "warnings": ["..."],            # each as one line, as haloform prints it
      "diagnostics": [                # the same warnings, structured
        {"message": "...", "code": "tenant-id" | null, "file": "..." | null,
         "line": 3 | null, "column": 5 | null, "field": "new_agent_id" | null}
      ]
    }

``before``/``after`` are JSON values in the config file's portable terms (references as
``{"agent": "Alice Admin"}``); ``null`` means the field is absent on that side. Keys
inside values are sorted; everything else keeps the order above, so two runs over the
same plan give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from haloform.common.canonical import sorted_keys
from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change, Plan, Unmanaged

FORMAT_VERSION = 1
"""The ``format_version`` this module writes; ``plan.schema.json`` pins the same."""


@dataclass(frozen=True)
class JsonRenderer:
    """Renders the documented report; it takes no options (its shape is fixed)."""

    def render(self, plan: Plan) -> str:
        return to_text(document(plan))


def document(plan: Plan) -> dict[str, Any]:
    """The report as a JSON-ready dict (for callers that embed it in their own JSON)."""
    counts = plan.counts()
    return {
        "format_version": FORMAT_VERSION,
        "environment": plan.environment,
        "tenant": plan.tenant,
        "digest": plan.digest,
        "targets": list(plan.targets),
        "summary": {
            "create": counts[Action.CREATE],
            "update": counts[Action.UPDATE],
            "delete": counts[Action.DELETE],
            "unchanged": plan.unchanged,
        },
        "changes": [_change(change) for change in plan.changes],
        "unmanaged": [_unmanaged(item) for item in plan.unmanaged],
        "warnings": [str(warning) for warning in plan.warnings],
        "diagnostics": [warning.model_dump() for warning in plan.warnings],
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "action": change.action.value,
        "kind": change.kind,
        "guid": change.guid,
        "name": change.name,
        "source": change.source,
        "live_id": change.live_id,
        "fields": field_rows(change.fields, "before", "after"),
    }


def _unmanaged(item: Unmanaged) -> dict[str, Any]:
    return {"kind": item.kind, "guid": item.guid, "name": item.name, "live_id": item.live_id}


def to_text(document: Mapping[str, Any]) -> str:
    """A report document as the JSON reports print: indented, UTF-8 as it is."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def field_rows(fields: Iterable[FieldChange], before: str, after: str) -> list[dict[str, Any]]:
    """Field changes as report rows, each side under its report's name for it (a plan's
    ``before``/``after``, a comparison's ``a``/``b``), keys inside values sorted."""
    return [
        {"path": field.path, before: sorted_keys(field.before), after: sorted_keys(field.after)}
        for field in fields
    ]
