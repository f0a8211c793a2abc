"""What health found: failures of managed workflows' automations, grouped by workflow
and step, and events no rule handled. Plain values, for the renderers and exit codes."""

from __future__ import annotations

from datetime import datetime

from haloform.common.frozen import FrozenValue


class Failure(FrozenValue):
    """Failed automation runs of one step of one managed workflow, in the window."""

    workflow: str
    """The workflow's name, as the repo writes it."""
    workflow_guid: str
    step: int | None
    """The step's ``step_id`` as Halo's ``workflow_step`` says (None: not said)."""
    step_name: str | None = None
    count: int
    last_error: str
    last_seen: datetime
    tickets: tuple[int, ...] = ()
    """Tickets the failed runs were for, where the records carry them."""


class UnhandledEvent(FrozenValue):
    """An /Event record that says no event rule handled it."""

    id: int | None
    last_seen: datetime
    type: str | int | None = None
    summary: str | None = None


class HealthReport(FrozenValue):
    """One look at a tenant's runtime records for what a repo manages."""

    tenant: str
    since: datetime
    until: datetime
    workflows: tuple[str, ...]
    """Names of the managed workflows looked at (those the tenant holds)."""
    runs: int = 0
    """Automation runs of those workflows in the window, failed or not."""
    failures: tuple[Failure, ...] = ()
    unhandled_events: tuple[UnhandledEvent, ...] = ()
    events_read: bool = True
    """False when only automations were looked at (``apply --watch``)."""
    events_tell: bool = False
    """Whether the event records in the window say which rule handled them: where
    they do not, unhandled events cannot be told apart and none are reported."""
    requests: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.failures or self.unhandled_events)
