"""Colour only when wanted: on a terminal, unless --no-color, NO_COLOR or TERM=dumb."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from haloform.cli import context
from haloform.cli.context import common_options, use_color


@click.command()
@common_options
def probe() -> None:
    click.echo(f"color={use_color('text')} json={use_color('json')}")


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({}, [], True),
        ({"NO_COLOR": ""}, [], False),
        ({"NO_COLOR": "1"}, [], False),
        ({"TERM": "dumb"}, [], False),
        ({}, ["--no-color"], False),
    ],
)
def test_colour_on_a_terminal_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str], expected: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(context, "is_terminal", lambda: True)
    result = CliRunner().invoke(probe, args)
    assert result.output.strip() == f"color={expected} json=False"


def test_no_colour_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "is_terminal", lambda: False)
    assert CliRunner().invoke(probe, []).output.strip() == "color=False json=False"
