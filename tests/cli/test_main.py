"""The command group: version, help, common flags anywhere, errors without tracebacks."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from haloform import __version__
from haloform.cli.context import common_options, state
from haloform.cli.main import HaloformGroup, cli
from haloform.errors import AuthError, ConfigError


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_describes_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, command in cli.commands.items():
        assert name in result.output
        assert command.get_short_help_str(), f"{name} has no help text"


def _probe_group() -> click.Group:
    @click.group(cls=HaloformGroup)
    @common_options
    def group() -> None:
        pass

    @group.command()
    @common_options
    def show() -> None:
        flags = state()
        click.echo(f"verbose={flags.verbose} debug={flags.debug}")

    @group.command()
    @click.argument("kind")
    @common_options
    def fail(kind: str) -> None:
        if kind == "config":
            raise ConfigError("unknown field 'nmae'", file="a.yaml", line=3, column=1)
        if kind == "auth":
            raise AuthError(
                "the tenant refused the client id", method="POST", path="/auth/token", status=401
            )
        raise RuntimeError("boom")

    return group


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show"], "verbose=0 debug=False"),
        (["-v", "show"], "verbose=1 debug=False"),
        (["show", "-v"], "verbose=1 debug=False"),
        (["-v", "show", "-vv", "--debug"], "verbose=3 debug=True"),
        (["--debug", "show"], "verbose=0 debug=True"),
    ],
)
def test_common_flags_before_and_after_the_command(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(_probe_group(), args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == expected


def test_haloform_errors_are_one_line_without_traceback() -> None:
    result = CliRunner().invoke(_probe_group(), ["fail", "config"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: a.yaml:3:1: unknown field 'nmae'"
    assert "Traceback" not in result.output


def test_http_errors_name_the_request() -> None:
    result = CliRunner().invoke(_probe_group(), ["fail", "auth"])
    assert result.exit_code == 1
    assert "POST /auth/token -> 401: the tenant refused the client id" in result.stderr


def test_bugs_are_reported_without_traceback_unless_debug() -> None:
    plain = CliRunner().invoke(_probe_group(), ["fail", "bug"])
    assert plain.exit_code == 1
    assert "Internal error: RuntimeError: boom" in plain.stderr
    assert "Traceback" not in plain.stderr
    debug = CliRunner().invoke(_probe_group(), ["fail", "bug", "--debug"])
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr
