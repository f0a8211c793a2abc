"""What the client has to say while a command runs, on stderr: never stdout, which
may be a ``--format json`` document."""

from __future__ import annotations

import click

from haloform.cli.context import state
from haloform.halo import RequestRecord, Wait
from haloform.tasks.workspace import Voice


def voice() -> Voice:
    """Long waits always (silence looks like a hang); requests with ``-vv``; the
    client's totals with ``-v``."""
    verbose = state().verbose
    return Voice(
        wait=_wait,
        request=_request if verbose >= 2 else None,
        totals=_say if verbose else None,
    )


def _wait(wait: Wait) -> None:
    click.echo(f"haloform: {wait}", err=True)


def _request(record: RequestRecord) -> None:
    click.echo(f"  {record}", err=True)


def _say(line: str) -> None:
    click.echo(line, err=True)
