"""Progress lines on stderr while a long command runs: ``[n/N]`` per resource.

An apply of hundreds of resources, or an export's detail reads, at Halo's rate limit
takes minutes; silence for that long reads as a hang. Progress goes to stderr only,
so ``--format json`` output on stdout stays parseable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import click

from haloform.apply import ApplyEvent, EventKind
from haloform.common.text import visible
from haloform.plan.model import resource_key


@dataclass
class ApplyProgress:
    """Prints each resource's outcome as ``[n/N]``; with ``-v`` every write and
    recovery too. A resource reported twice (its second pass) keeps its number."""

    total: int
    verbose: bool = False
    _numbers: dict[str, int] = field(default_factory=dict)

    def __call__(self, event: ApplyEvent) -> None:
        if event.kind is EventKind.RESULT and event.result is not None:
            key = resource_key(event.result.kind, event.result.guid)
            number = self._numbers.setdefault(key, len(self._numbers) + 1)
            click.echo(f"[{number}/{self.total}] {visible(event.message)}", err=True)
        elif self.verbose:
            click.echo(f"  {visible(event.message)}", err=True)


@dataclass
class ReadProgress:
    """``[n/N] read TicketRule 'P1' (about 12 min left)`` per record an export reads
    in full; the estimate is the pace so far, shown once a few reads have set it."""

    clock: Callable[[], float] = time.monotonic
    _started: float | None = None

    def __call__(self, done: int, total: int, what: str) -> None:
        now = self.clock()
        if self._started is None:
            self._started = now
        left = _left(now - self._started, done, total)
        click.echo(f"[{done}/{total}] read {visible(what)}{left}", err=True)


SETTLED = 5
"""Reads before the pace is trusted for an estimate."""


def _left(elapsed: float, done: int, total: int) -> str:
    if done < SETTLED or done >= total or elapsed <= 0:
        return ""
    seconds = elapsed / (done - 1) * (total - done)  # the clock started at the first
    if seconds < 90:
        return f" (about {max(1, round(seconds))} s left)"
    return f" (about {round(seconds / 60)} min left)"
