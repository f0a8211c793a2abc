"""The renderer seam: one registry, one dispatch, pure output.

Golden files live in ``golden/``; ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/render``
rewrites them from the current output (review the diff before committing).
"""

from __future__ import annotations

import pytest

from haloform.plan.model import Plan
from haloform.render import FORMATS, RENDERERS, RenderOptions, render
from haloform.render.json import JsonRenderer
from haloform.render.markdown import MarkdownRenderer
from haloform.render.text import TextRenderer

from . import plans

PLANS = [plans.representative(), plans.empty()]


def test_the_registry_names_the_three_formats() -> None:
    assert FORMATS == ("text", "markdown", "json")
    assert isinstance(RENDERERS["text"](RenderOptions()), TextRenderer)
    assert isinstance(RENDERERS["markdown"](RenderOptions()), MarkdownRenderer)
    assert isinstance(RENDERERS["json"](RenderOptions()), JsonRenderer)


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"'yaml'.*\('text', 'markdown', 'json'\)"):
        render(plans.empty(), "yaml")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("plan", PLANS, ids=["representative", "empty"])
def test_rendering_is_repeatable_and_ends_with_a_newline(plan: Plan, fmt: str) -> None:
    first = render(plan, fmt)
    assert first == render(plan, fmt)
    assert first.endswith("\n")
    assert not first.endswith("\n\n\n")


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_colour_only_affects_text(fmt: str) -> None:
    plan = plans.representative()
    assert render(plan, fmt, color=True) == render(plan, fmt)


def test_the_environment_does_not_change_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plans.representative()
    expected = {(fmt, color): render(plan, fmt, color=color) for fmt in FORMATS for color in [0, 1]}
    hostile = {"NO_COLOR": "1", "FORCE_COLOR": "1", "COLUMNS": "20", "TERM": "dumb"}
    for name, value in hostile.items():
        monkeypatch.setenv(name, value)
    for (fmt, color), text in expected.items():
        assert render(plan, fmt, color=bool(color)) == text


@pytest.mark.parametrize("fmt", FORMATS)
def test_payloads_and_secret_placeholders_are_never_rendered(fmt: str) -> None:
    text = render(plans.representative(), fmt, color=True)
    assert "${env:" not in text
    assert "HALO_HOOK" not in text
    assert "$managed" not in text
