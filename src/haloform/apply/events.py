"""Progress of an apply as it runs, for a CLI that prints lines as they happen.

The report is the record of what ran; events are only a view of it while it runs, so
the hook is optional and nothing depends on what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from haloform.apply.report import ResourceResult


class EventKind(StrEnum):
    REQUEST = "request"
    """A write is about to be sent (``POST /Workflow: 3 records``, ``DELETE ...``)."""
    RECOVERY = "recovery"
    """An answer was lost, refused or incomplete: what the applier does about it."""
    RESULT = "result"
    """A resource's outcome. A resource with deferred fields may be reported twice:
    once saved, and again if the second pass that sets those fields fails."""


@dataclass(frozen=True)
class ApplyEvent:
    kind: EventKind
    message: str
    """Scrubbed of secrets, like everything the applier reports."""
    result: ResourceResult | None = None
    """Set for ``RESULT`` events."""


EventHook = Callable[[ApplyEvent], None]
