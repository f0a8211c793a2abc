"""Field paths: one spelling as text, read back the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haloform.common.paths import PathItem, field_path, join_path, parse_path, shown_file


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("steps", 1, "actions", 0, "end_step"), "steps[1].actions[0].end_step"),
        (("criteria",), "criteria"),
        ((0, "a"), "[0].a"),
        ((), ""),
    ],
)
def test_field_path_reads_like_the_yaml(path: tuple[str | int, ...], text: str) -> None:
    assert field_path(path) == text


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("name", ("name",)),
        ("new_workflow_id.workflow", ("new_workflow_id", "workflow")),
        ("steps[1].actions[0].action_id", ("steps", 1, "actions", 0, "action_id")),
        ("always_allow_actions[1]", ("always_allow_actions", 1)),
        ("matrix[2][3].x", ("matrix", 2, 3, "x")),
    ],
)
def test_parse_path(text: str, path: tuple[PathItem, ...]) -> None:
    assert parse_path(text) == path


_NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
_ITEMS = st.one_of(_NAMES, st.integers(min_value=0, max_value=999))


@given(first=_NAMES, rest=st.lists(_ITEMS, max_size=6))
def test_parse_path_reads_what_field_path_writes(first: str, rest: list[PathItem]) -> None:
    path = (first, *rest)
    assert parse_path(field_path(path)) == path


def test_join_path_nests_a_name_in_a_path_or_a_pattern() -> None:
    assert join_path("", "steps") == "steps"
    assert join_path("steps[]", "actions") == "steps[].actions"
    assert join_path("steps[1]", "name") == field_path(("steps", 1, "name"))


def test_a_file_is_shown_relative_to_where_one_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert shown_file(tmp_path / "a" / "b.yaml") == Path("a/b.yaml")
    outside = tmp_path.parent / "elsewhere.yaml"
    assert shown_file(outside) == outside
