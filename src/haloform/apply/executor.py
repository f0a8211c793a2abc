"""Applying a Plan: the one consumer of a plan that writes to a tenant.

The plan is a frozen value; the ``Applier`` reads it and never changes it. A run goes:
refuse up front what must not run at all (deletes not allowed), then every level's
creates and updates (one POST per kind per level, in batches), then the fields a
reference cycle held back, then the updates that drop a reference cycle among deletes,
then the deletes. A failure of one resource fails only it and what depends on it; a
tenant that cannot be talked to at all (credentials refused, rate limit outlasted,
unreachable) stops the run with an ``ApplyError``
carrying the report of what ran. However a run ends (through, stopped, cancelled by a
Ctrl-C, or on a bug), the journal's last line says how.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping

from haloform.apply.events import EventHook
from haloform.apply.guards import ApplyOptions, Levels, check_levels, refusal
from haloform.apply.journal import INTERRUPTED, Journal, JournalSink, JournalWriteError, Outcome
from haloform.apply.readback import STOPPING
from haloform.apply.report import ApplyReport, Status
from haloform.apply.run import Run
from haloform.apply.verify import Verification, verify_writes
from haloform.errors import ApplyError, HaloError
from haloform.halo import HaloClient
from haloform.halo.failures import Redactor
from haloform.plan.graph import apply_levels
from haloform.plan.model import Action, Plan, spec_of


class Applier:
    """Applies plans to one tenant through ``client``.

    ``environ`` supplies the ``${env:NAME}`` secrets, read only when a POST is built;
    ``on_event`` sees progress as it happens (see ``haloform.apply.events``);
    ``journal`` keeps the record of each run outside the process as it happens (see
    ``haloform.apply.journal``): nothing is sent that it could not store first.
    """

    def __init__(
        self,
        client: HaloClient,
        options: ApplyOptions | None = None,
        *,
        environ: Mapping[str, str] = os.environ,
        on_event: EventHook | None = None,
        journal: JournalSink | None = None,
    ) -> None:
        self._client = client
        self._options = options or ApplyOptions()
        self._environ = environ
        self._on_event = on_event
        self._sink = journal

    async def apply(self, plan: Plan, levels: Levels | None = None) -> ApplyReport:
        """Apply ``plan`` in ``levels`` (default: ``haloform.plan.graph.apply_levels``).

        Returns the report, whose ``ok`` is False when anything failed or was skipped.
        Raises ``ApplyError`` (with the report) when the plan is refused before any
        request (deletes not allowed, or more than allowed, or no journal), or the run
        stops early. Cancelled, it records that it was interrupted and re-raises.
        """
        ordered = check_levels(plan, apply_levels(plan.changes) if levels is None else levels)
        for change in plan.changes:
            spec_of(change.kind)
        journal = Journal(plan, Redactor(), self._on_event, self._sink)
        try:
            journal.begin()
        except JournalWriteError as error:
            report = journal.finish(requests=0, stopped=str(error), unattempted=_NOT_STARTED)
            raise ApplyError(str(error), report=report) from None
        refused = refusal(plan, self._options)
        if refused is not None:
            for change in plan.changes:
                if change.action is Action.DELETE:
                    journal.record(change, Outcome(Status.SKIPPED, message=refused.reason))
            unattempted = "not attempted: the apply was refused"
            report = journal.finish(requests=0, stopped=refused.message, unattempted=unattempted)
            raise ApplyError(refused.message, report=report)
        return await self._run(plan, ordered, journal)

    async def _run(self, plan: Plan, levels: Levels, journal: Journal) -> ApplyReport:
        """Execute the run; however it ends, the journal's last word says how."""
        before = self._client.stats.total
        run = Run(plan, self._client, self._options, self._environ, journal)
        try:
            await run.execute(levels)
        except _STOPS as error:
            stopped = journal.redact(
                f"the apply stopped: {error}" if isinstance(error, HaloError) else str(error)
            )
            run.abandon_second_pass(stopped)
            report = self._stop(journal, before, stopped)
            raise ApplyError(stopped, report=report) from error
        except (asyncio.CancelledError, KeyboardInterrupt):
            run.abandon_second_pass(INTERRUPTED)
            self._stop(journal, before, INTERRUPTED)
            raise
        except BaseException as error:  # a bug: still no silent gap in the journal
            why = f"the apply stopped: internal error ({type(error).__name__})"
            self._stop(journal, before, why)
            raise
        report = journal.finish(requests=self._client.stats.total - before)
        return await self._verified(plan, report, journal.redact)

    async def _verified(
        self, plan: Plan, report: ApplyReport, redact: Callable[[str], str]
    ) -> ApplyReport:
        """The report with the read-back of what was written, as the options ask."""
        if self._options.verify is None:
            return report
        verification = Verification(skipped=True)
        if self._options.verify:
            before = self._client.stats.total
            try:
                verification = await verify_writes(self._client, plan, report.applied_ids())
            except HaloError as error:
                verification = Verification(error=redact(str(error)))
            requests = self._client.stats.total - before
            verification = verification.model_copy(update={"requests": requests})
        return report.model_copy(update={"verification": verification})

    def _stop(self, journal: Journal, before: int, stopped: str) -> ApplyReport:
        return journal.finish(
            requests=self._client.stats.total - before,
            stopped=stopped,
            unattempted=f"not attempted: {stopped}",
        )


_NOT_STARTED = "not attempted: the apply did not start"
_STOPS: tuple[type[Exception], ...] = (*STOPPING, JournalWriteError)
"""What stops a run with a report: the tenant as a whole failing, or the journal."""
