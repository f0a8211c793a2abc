"""The ``haloform`` entry point: the command group and the error-to-exit-code mapping."""

from __future__ import annotations

import traceback
from typing import Any

import click

from haloform import __version__
from haloform.cli import completion as completion_module
from haloform.cli.analyze_cmds import lint, simulate, test
from haloform.cli.apply_cmd import apply
from haloform.cli.context import color_allowed, common_options, state
from haloform.cli.diff_cmd import diff
from haloform.cli.emulator_cmd import emulator
from haloform.cli.export_cmd import export
from haloform.cli.health_cmd import health
from haloform.cli.import_cmd import import_command
from haloform.cli.lookups_cmd import lookups
from haloform.cli.plan_cmds import plan, show
from haloform.cli.repo_cmds import add_guids_command, schemas_command, validate
from haloform.cli.setup_cmds import fmt, init
from haloform.common.text import visible
from haloform.errors import HaloformError


class HaloformGroup(click.Group):
    """A group that shows haloform's errors as one clear message, never a traceback.

    Tracebacks are for haloform's developers; admins get the message and an exit code
    (``--debug`` brings the traceback back).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HaloformError as exc:
            _report(ctx, f"Error: {exc}")
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            _report(ctx, "Interrupted.")
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug in haloform: still no traceback by default
            _report(
                ctx, f"Internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
            )
            ctx.exit(1)


def _report(ctx: click.Context, message: str) -> None:
    if state(ctx).debug:
        click.echo(traceback.format_exc(), err=True)
    click.secho(
        visible(message, keep="\n"), err=True, fg="red", color=None if color_allowed() else False
    )


@click.group(cls=HaloformGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="haloform")
@common_options
def cli() -> None:
    """Halo (HaloPSA / HaloITSM) workflows, ticket rules and event rules as code."""


for command in (
    init,
    validate,
    fmt,
    lint,
    simulate,
    test,
    plan,
    show,
    apply,
    diff,
    export,
    import_command,
    health,
    add_guids_command,
    schemas_command,
    lookups,
    emulator,
    completion_module.completion,
):
    cli.add_command(command)
completion_module.attach(cli)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="haloform")
