"""``visible``: nothing a reviewer reads can hide or reorder itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haloform.common.text import visible
from haloform.render.values import quote


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Allow\u202eyrd", "Allow\\u202eyrd"),  # right-to-left override
        ("a\u200bb\u200dc", "a\\u200bb\\u200dc"),  # zero-width space and joiner
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("\ufeffBOM", "\\ufeffBOM"),
        ("two\nlines\t", "two\\nlines\\t"),
        ("Café ✓ 日本", "Café ✓ 日本"),  # visible non-ASCII stays as it is
    ],
)
def test_hidden_characters_are_escaped_and_visible_ones_kept(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_kept_characters_stay() -> None:
    assert visible("line one\nline\u202e two", keep="\n") == "line one\nline\\u202e two"


def test_the_renderers_quote_goes_through_it() -> None:
    assert quote("P1\u202e") == '"P1\\u202e"'


@given(st.text())
def test_nothing_shown_is_a_format_or_control_character(text: str) -> None:
    assert all(char.isprintable() or char == " " for char in visible(text))
