"""Renderers of a tenant comparison (``haloform diff``): goldens, wording, budget, escaping.

``UPDATE_GOLDEN=1 .venv/bin/pytest tests/render`` rewrites ``golden/`` from the current
output; review the diff before committing it.
"""

from __future__ import annotations

import json

import pytest

from haloform.diff.fields import FieldChange
from haloform.diff.tenants import Difference, Presence, TenantComparison
from haloform.render import COMPARISON_RENDERERS, FORMATS, RenderOptions, render_comparison
from haloform.render.compare_json import FORMAT_VERSION
from haloform.render.compare_markdown import ComparisonMarkdownRenderer
from haloform.render.compare_text import ComparisonTextRenderer
from haloform.render.markdown import BUDGET

from . import comparisons
from .golden import assert_golden

GITHUB_LIMIT = 65_536
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}
COMPARISONS = {"representative": comparisons.representative(), "empty": comparisons.empty()}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", COMPARISONS)
def test_golden(name: str, fmt: str) -> None:
    text = render_comparison(COMPARISONS[name], fmt)
    assert_golden(f"comparison-{name}.{SUFFIX[fmt]}", text)
    assert text == render_comparison(COMPARISONS[name], fmt)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")


def test_golden_in_colour() -> None:
    text = render_comparison(comparisons.representative(), "text", color=True)
    assert_golden("comparison-representative.color.txt", text)
    assert "\x1b[" in text


def test_the_registry_offers_the_plan_formats() -> None:
    assert tuple(COMPARISON_RENDERERS) == FORMATS
    assert isinstance(COMPARISON_RENDERERS["text"](RenderOptions()), ComparisonTextRenderer)
    with pytest.raises(ValueError, match=r"'yaml'.*\('text', 'markdown', 'json'\)"):
        render_comparison(comparisons.empty(), "yaml")


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_colour_only_affects_text(fmt: str) -> None:
    comparison = comparisons.representative()
    assert render_comparison(comparison, fmt, color=True) == render_comparison(comparison, fmt)


def test_the_environment_does_not_change_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    comparison = comparisons.representative()
    expected = render_comparison(comparison, "text", color=True)
    for name, value in {"NO_COLOR": "1", "COLUMNS": "20", "TERM": "dumb"}.items():
        monkeypatch.setenv(name, value)
    assert render_comparison(comparison, "text", color=True) == expected


def test_text_reads_a_then_b_and_ends_with_the_summary() -> None:
    lines = render_comparison(comparisons.representative(), "text").splitlines()
    assert "    ~ precedence: 10 -> 15" in lines
    assert '    ~ popupmsg: "dev only" -> (absent)' in lines
    assert '  ~ Workflow "Incident Lifecycle" -> "Incident"' in lines
    assert lines[-1] == "Diff: 2 only in dev, 2 only in prod, 2 different, 7 identical."


def test_a_name_under_two_guids_is_pointed_out() -> None:
    text = render_comparison(comparisons.representative(), "text")
    assert text.count("has a TicketRule of this name under another guid") == 2
    assert 'Problem Management" (guid' in text
    assert "# prod has a Workflow" not in text


def test_matching_tenants_say_so() -> None:
    text = render_comparison(comparisons.empty(), "text")
    assert text.splitlines()[-1] == "No differences. dev and prod match: 12 identical."
    assert "Only in" not in text
    assert "Different:" not in text


def test_markdown_leads_with_the_summary_and_colours_a_red_b_green() -> None:
    text = render_comparison(comparisons.representative(), "markdown")
    assert text.splitlines()[0] == (
        "**haloform diff: dev** (https://dev.halopsa.com) **against prod** "
        "(https://acme.halopsa.com): Diff: 2 only in dev, 2 only in prod, 2 different, "
        "7 identical."
    )
    assert "- precedence: 10\n+ precedence: 15\n" in text
    assert '- popupmsg: "dev only"\n- steps' not in text  # one block per resource
    assert "| ⬅️ only in dev | Workflow | Problem Management |" in text


def test_thousands_of_differences_fit_in_a_comment() -> None:
    text = render_comparison(comparisons.many(5_000), "markdown")
    assert len(text) <= BUDGET < GITHUB_LIMIT
    assert "Diff: 0 only in dev, 0 only in prod, 5000 different, 0 identical." in text
    assert "| ✏️ different | TicketRule | Rule 00000 |" in text
    assert "more differences not listed: the full diff is in the CI log" in text
    assert "Details of 5000 different resources omitted" in text


def test_details_are_dropped_from_the_end_before_the_table() -> None:
    comparison = comparisons.many(300)
    full = render_comparison(comparison, "markdown")
    budget = len(full) - 1_000
    text = ComparisonMarkdownRenderer(budget=budget).render(comparison)
    assert len(text) <= budget
    assert text.count("| ✏️ different |") == 300
    assert "<b>Rule 00000</b>" in text
    assert "<b>Rule 00299</b>" not in text


def _hostile() -> TenantComparison:
    name = "<script>x</script> | a\nb"
    return TenantComparison(
        a=comparisons.DEV,
        b=comparisons.PROD,
        kinds=("TicketRule",),
        only_in_a=(Presence(kind="TicketRule", guid="g", name=name),),
        different=(
            Difference(
                kind="TicketRule",
                guid="h",
                name_a=name,
                name_b=name,
                fields=(FieldChange(path="popupmsg", before="```", after="\x1b[31mred"),),
            ),
        ),
    )


def test_names_and_values_cannot_inject_markup_or_escape_sequences() -> None:
    markdown = render_comparison(_hostile(), "markdown")
    assert "<script>" not in markdown
    assert "&#60;script&#62;x&#60;/script&#62; &#124; a&#92;nb" in markdown
    assert '````diff\n- popupmsg: "```"\n' in markdown  # a fence the value cannot close
    text = render_comparison(_hostile(), "text")
    assert "\x1b" not in text
    assert '"<script>x</script> | a\\nb"' in text


def test_json_is_versioned_and_says_a_and_b() -> None:
    document = json.loads(render_comparison(comparisons.representative(), "json"))
    assert document["format_version"] == FORMAT_VERSION == 1
    assert document["a"] == {"environment": "dev", "tenant": "https://dev.halopsa.com"}
    assert document["summary"] == {"only_in_a": 2, "only_in_b": 2, "different": 2, "identical": 7}
    [p1, incident] = document["different"]
    assert {"path": "precedence", "a": 10, "b": 15} in p1["fields"]
    assert (incident["name_a"], incident["name_b"]) == ("Incident Lifecycle", "Incident")
    assert {"path": "popupmsg", "a": "dev only", "b": None} in p1["fields"]
