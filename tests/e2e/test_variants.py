"""The embedded emulator answers as the other plausible Halo when haloform.yaml asks
(``variant:``), and ``emulator serve --variant`` takes the same switches."""

from __future__ import annotations

import click
import pytest

from haloform.cli.emulator_cmd import parse_variants
from haloform.errors import ConfigError
from haloform.tasks.workspace import emulator_config
from tests.e2e.conftest import PROJECT, Haloform

RULE = """\
kind: TicketRule
guid: 0f7c2b1e-3d4a-4b5c-8d6e-7f8091a2b3c4
name: Stops
stopmatching: true
"""


def test_an_environment_variant_reaches_its_embedded_tenant(repo: Haloform) -> None:
    variant = "variant: {not_kept: {TicketRules: [stopmatching]}}"
    project = PROJECT.replace("local: {emulator: true}", f"local: {{emulator: true, {variant}}}")
    repo.write({"haloform.yaml": project, "rules/r.yaml": RULE})

    result = repo.apply(code=1)

    assert "Halo did not keep stopmatching on TicketRule 'Stops'" in result.stdout


def test_an_unknown_variant_is_an_error_with_a_suggestion(repo: Haloform) -> None:
    project = PROJECT.replace(
        "local: {emulator: true}", "local: {emulator: true, variant: {zero_fill: true}}"
    )
    repo.write({"haloform.yaml": project, "rules/r.yaml": RULE})

    result = repo("plan", ".", code=1)

    assert "no emulator variant 'zero_fill'; did you mean 'zero_filled'?" in result.stderr


def test_serve_reads_name_value_words() -> None:
    words = [
        "zero_filled=true",
        "eventrule_list=wrapped",
        "not_kept=TicketRules:stopmatching,new_team",
        "not_kept=Workflow:steps",
    ]
    assert parse_variants(words) == {
        "zero_filled": True,
        "eventrule_list": "wrapped",
        "not_kept": {"TicketRules": ["stopmatching", "new_team"], "Workflow": ["steps"]},
    }
    config = emulator_config(parse_variants(words))
    assert (config.zero_filled, config.eventrule_list) == (True, "wrapped")
    assert config.not_kept == {"TicketRules": ["stopmatching", "new_team"], "Workflow": ["steps"]}
    with pytest.raises(click.BadParameter, match="write NAME=VALUE"):
        parse_variants(["zero_filled"])
    with pytest.raises(ConfigError, match="did you mean 'list_children'"):
        emulator_config(parse_variants(["list_childen=true"]))
    with pytest.raises(ConfigError, match="variant eventrule_list: "):
        emulator_config(parse_variants(["eventrule_list=nested"]))
