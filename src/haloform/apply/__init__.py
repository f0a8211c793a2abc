"""Applying a plan to a tenant: POSTs and DELETEs in dependency order, and a report.

::

    report = await apply_plan(plan, halo, allow_delete=args.allow_delete)
    print(report.summary())
    sys.exit(0 if report.ok else 1)

``apply_plan`` consumes a frozen ``Plan`` and never changes it; everything it did is in
the ``ApplyReport`` it returns (or carries in the ``ApplyError`` it raises when it
refuses to start or has to stop).
"""

from haloform.apply.events import ApplyEvent, EventHook, EventKind
from haloform.apply.executor import Applier, apply_plan
from haloform.apply.guards import ApplyOptions, Levels
from haloform.apply.report import ApplyReport, ResourceResult, Status

__all__ = [
    "Applier",
    "ApplyEvent",
    "ApplyOptions",
    "ApplyReport",
    "EventHook",
    "EventKind",
    "Levels",
    "ResourceResult",
    "Status",
    "apply_plan",
]
