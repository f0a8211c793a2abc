"""``--kinds``: one parser for every command that takes it."""

from __future__ import annotations

import pytest

from haloform.cli.kinds_option import chosen_kinds
from haloform.errors import ConfigError
from haloform.kinds import KINDS
from haloform.load.settings import Project

EVERY = Project()


def test_without_the_option_the_repo_kinds_are_read_in_registry_order() -> None:
    assert chosen_kinds([], EVERY) == KINDS
    last = KINDS[-1].kind
    assert chosen_kinds([], Project(kinds=(last,))) == (KINDS[-1],)


def test_names_are_comma_separated_or_repeated_and_come_back_in_registry_order() -> None:
    names = [spec.kind for spec in reversed(KINDS)]
    assert chosen_kinds([",".join(names)], EVERY) == KINDS
    assert chosen_kinds([f" {name} ," for name in names], EVERY) == KINDS
    assert chosen_kinds([KINDS[0].kind, KINDS[0].kind], EVERY) == (KINDS[0],)


def test_case_is_ignored_only_when_asked() -> None:
    shouted = KINDS[0].kind.upper()
    assert chosen_kinds([shouted], EVERY, case_sensitive=False) == (KINDS[0],)
    with pytest.raises(ConfigError, match=f"--kinds: unknown kind '{shouted}' \\(known: "):
        chosen_kinds([shouted], EVERY)


def test_an_unknown_kind_names_every_known_one() -> None:
    with pytest.raises(ConfigError) as caught:
        chosen_kinds(["Rule"], EVERY, case_sensitive=False)
    assert str(caught.value).endswith(f"(known: {', '.join(spec.kind for spec in KINDS)})")
