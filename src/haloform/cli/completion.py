"""Shell completion: ``haloform completion bash|zsh|fish`` and what it completes.

Every ``--env`` of every command completes the environments of the repo being worked
on, and every ``--target`` completes ``KIND/NAME`` of its resources. They are attached
once, here, to whatever command declares those options, so a new command gets them
without repeating itself. Completion reads only local files and never fails loudly:
a broken repo completes nothing rather than printing an error into the shell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from click.shell_completion import CompletionItem, get_completion_class

from haloform.errors import HaloformError
from haloform.load.repo import load_repo
from haloform.load.settings import EMBEDDED, load_project

SHELLS = ("bash", "zsh", "fish")
Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem] | list[str]]


def _directory(ctx: click.Context) -> Path:
    value = ctx.params.get("directory")
    return Path(value) if value else Path()


def complete_env(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    try:
        names = [*load_project(_directory(ctx)).environments, EMBEDDED]
    except (HaloformError, OSError):
        return []
    return sorted(name for name in names if name.startswith(incomplete))


def complete_target(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    try:
        repo = load_repo(_directory(ctx))
    except (HaloformError, OSError):
        return []
    keys = sorted(f"{item.spec.kind}/{item.name}" for item in repo.resources)
    wanted = incomplete.casefold()
    return [CompletionItem(key) for key in keys if key.casefold().startswith(wanted)]


def attach(group: click.Group) -> None:
    """Give every ``--env`` and ``--target`` under ``group`` its completion."""
    completers: dict[str, Completer] = {"--env": complete_env, "--target": complete_target}
    for command in group.commands.values():
        if isinstance(command, click.Group):
            attach(command)
        for param in command.params:
            for flag, completer in completers.items():
                if isinstance(param, click.Option) and flag in param.opts:
                    # click reads a custom completer from this attribute (what
                    # ``shell_complete=`` sets at declaration).
                    param._custom_shell_complete = completer


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script: eval "$(haloform completion bash)".

    Completes commands, options, --env names and --target KIND/NAME.
    """
    root = click.get_current_context().find_root()
    assert isinstance(root.command, click.Group)
    cls = get_completion_class(shell)
    assert cls is not None  # the Choice above only lets known shells through
    click.echo(cls(root.command, {}, "haloform", "_HALOFORM_COMPLETE").source())
