"""Options every command accepts, before or after its name.

Admins type ``haloform plan -v`` as often as ``haloform -v plan``; both must work, so
the flags live on the group and on each command and land in one shared state object.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    """What the common flags decided; one per invocation, shared by group and command."""

    verbose: int = 0
    debug: bool = False
    no_color: bool = False


def state(ctx: click.Context | None = None) -> CliState:
    """The invocation's state, created on first use."""
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        state(ctx).verbose += value


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        state(ctx).debug = True
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")


def _set_no_color(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        state(ctx).no_color = True


def color_allowed() -> bool:
    """False when the admin said no to colour: ``--no-color``, ``NO_COLOR`` (any value,
    https://no-color.org) or ``TERM=dumb``; even a terminal then gets plain text."""
    return (
        not state().no_color and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    )


def is_terminal() -> bool:
    """Whether stdout is a terminal (a seam for tests)."""
    return sys.stdout.isatty()


def use_color(fmt: str = "text") -> bool:
    """Colour only for text on a terminal, and only when allowed."""
    return fmt == "text" and color_allowed() and is_terminal()


def common_options(func: F) -> F:
    """Attach ``-v/--verbose``, ``--debug`` and ``--no-color`` to a command or group."""
    func = click.option(
        "--no-color",
        is_flag=True,
        expose_value=False,
        callback=_set_no_color,
        is_eager=True,
        help="No colour, even on a terminal (so do NO_COLOR and TERM=dumb).",
    )(func)
    func = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_set_verbose,
        is_eager=True,
        help="Report more, e.g. the requests made to the tenant.",
    )(func)
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_set_debug,
        is_eager=True,
        help="Show tracebacks and debug logs (secrets are still never shown).",
    )(func)


env_option = click.option(
    "--env", help="Environment of haloform.yaml (default: HALO_URL, else the default)."
)
"""``--env NAME``: the one tenant a command talks to."""
