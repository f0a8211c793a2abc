"""Progress lines on stderr while a long command runs: ``[n/N]`` per resource.

An apply of hundreds of resources at Halo's rate limit takes minutes; silence for
that long reads as a hang. Progress goes to stderr only, so ``--format json`` output
on stdout stays parseable.
"""

from __future__ import annotations

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
