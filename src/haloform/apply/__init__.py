"""Applying a plan to a tenant: POSTs and DELETEs in dependency order, and a report.

::

    applier = Applier(halo, ApplyOptions(allow_delete=True), journal=JournalFile(path))
    report = await applier.apply(plan)

``Applier.apply`` consumes a frozen ``Plan`` and never changes it; everything it did is in
the ``ApplyReport`` it returns (or carries in the ``ApplyError`` it raises when it
refuses to start or has to stop). Given a journal (``JournalFile(path)``), it also
records as it goes what it sends and what comes back, so that a run cut short leaves
a record ``read_journal`` turns back into what ran.
"""

from haloform.apply.events import ApplyEvent, EventHook, EventKind
from haloform.apply.executor import Applier
from haloform.apply.guards import ApplyOptions, Levels
from haloform.apply.journal import (
    INTERRUPTED,
    JournalSink,
    JournalWriteError,
    record_nothing_to_do,
)
from haloform.apply.journal_file import (
    JournalFile,
    JournalState,
    Progress,
    latest_journal,
    new_journal_path,
    read_journal,
)
from haloform.apply.report import ApplyReport, ResourceResult, Status

__all__ = [
    "INTERRUPTED",
    "Applier",
    "ApplyEvent",
    "ApplyOptions",
    "ApplyReport",
    "EventHook",
    "EventKind",
    "JournalFile",
    "JournalSink",
    "JournalState",
    "JournalWriteError",
    "Levels",
    "Progress",
    "ResourceResult",
    "Status",
    "latest_journal",
    "new_journal_path",
    "read_journal",
    "record_nothing_to_do",
]
