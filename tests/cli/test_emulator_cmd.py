"""``haloform emulator serve --variant NAME=VALUE``: the words, read into a tenant."""

from __future__ import annotations

import click
import pytest

from haloform.cli.emulator_cmd import parse_variants
from haloform.errors import ConfigError
from haloform.tasks.workspace import emulator_config


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
