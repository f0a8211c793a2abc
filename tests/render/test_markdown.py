"""Markdown output (the PR comment): golden files, the size budget and escaping.

``UPDATE_GOLDEN=1 .venv/bin/pytest tests/render`` rewrites ``golden/`` from the
current output; review the diff before committing it.
"""

from __future__ import annotations

from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change, Plan, Unmanaged
from haloform.render import render
from haloform.render.markdown import BUDGET, MarkdownRenderer

from . import plans
from .golden import assert_golden

GITHUB_LIMIT = 65_536


def test_representative_plan() -> None:
    assert_golden("representative.md", render(plans.representative(), "markdown"))


def test_empty_plan() -> None:
    text = render(plans.empty(), "markdown")
    assert_golden("empty.md", text)
    assert "No changes. The tenant matches the configuration." in text
    assert "| Action |" not in text


def test_the_summary_comes_first() -> None:
    lines = render(plans.representative(), "markdown").splitlines()
    assert lines[:4] == [
        "<!-- haloform:plan env=prod -->",
        "### haloform plan for prod",
        "",
        "**Plan: 2 to create, 2 to update, 2 to delete. 5 unchanged.** "
        "Tenant: https://acme.halopsa.com",
    ]


def test_thousands_of_changes_fit_in_a_comment() -> None:
    plan = plans.many(5_000)
    text = render(plan, "markdown")
    assert len(text) <= BUDGET < GITHUB_LIMIT
    assert text.startswith("<!-- haloform:plan env=prod -->\n### haloform plan for prod")
    assert "Plan: 0 to create, 5000 to update, 0 to delete." in text
    assert "| ✏️ update | TicketRule | Rule 00000 |" in text
    assert "more changes not listed: the full plan is in the CI log" in text
    assert "Details of 5000 changes omitted" in text


def test_details_are_dropped_from_the_end_before_the_table() -> None:
    plan = plans.many(300)
    full = render(plan, "markdown")
    budget = len(full) - 1_000
    text = MarkdownRenderer(budget=budget).render(plan)
    assert len(text) <= budget
    assert text.count("| ✏️ update |") == 300
    assert '#### ✏️ update TicketRule "Rule 00000"' in text
    assert '#### ✏️ update TicketRule "Rule 00299"' not in text
    assert "changes omitted to fit GitHub's comment limit" in text


def test_a_plan_that_fits_omits_nothing() -> None:
    text = render(plans.many(50), "markdown")
    assert "omitted" not in text
    assert "not listed" not in text
    assert text.count("<details>") == 50


def test_names_cannot_inject_html_or_break_the_table() -> None:
    name = "<script>alert(1)</script> | *bold* [link](x) `code` @team"
    change = Change(action=Action.DELETE, kind="TicketRule", guid="g", name=name, live_id=1)
    plan = Plan(environment="a|b", tenant="<t>", changes=(change,))
    text = render(plan, "markdown")
    assert "<script>" not in text
    assert "<t>" not in text
    row = next(line for line in text.splitlines() if line.startswith("| 🗑️"))
    assert row.count("|") == 6  # five cells: no pipe from the name survives
    assert "&#60;script&#62;alert(1)&#60;/script&#62; &#124; &#42;bold&#42;" in row
    assert "&#91;link&#93;(x) &#96;code&#96; &#64;team" in row


def test_summary_html_is_escaped_too() -> None:
    field = FieldChange(path="name", before="a", after="b")
    change = Change(
        action=Action.UPDATE,
        kind="Workflow",
        guid="g",
        name="</summary><img src=x>",
        fields=(field,),
    )
    plan = Plan(environment="e", tenant="t", changes=(change,))
    text = render(plan, "markdown")
    assert '#### ✏️ update Workflow "&#60;/summary&#62;&#60;img src=x&#62;"' in text


def test_values_cannot_close_the_diff_fence() -> None:
    field = FieldChange(path="note", before=None, after="```\n</details>\n# injected")
    change = Change(action=Action.UPDATE, kind="Workflow", guid="g", name="n", fields=(field,))
    text = render(Plan(environment="e", tenant="t", changes=(change,)), "markdown")
    assert "````diff\n" in text
    assert '+ note: "```\\n</details>\\n# injected"\n````\n' in text


def test_unmanaged_and_warnings_are_collapsed_sections() -> None:
    plan = Plan(
        environment="e",
        tenant="t",
        unmanaged=(Unmanaged(kind="TicketRule", guid=None, name="Manual <b>", live_id=4),),
        warnings=("raw id in a_file.yaml",),
    )
    text = render(plan, "markdown")
    assert "<details><summary>1 not managed by this repo (left alone)</summary>" in text
    assert '- TicketRule "Manual &#60;b&#62;" (id 4)' in text
    assert "<details><summary>⚠️ 1 warning</summary>" in text
    assert "- raw id in a&#95;file.yaml" in text


def test_every_section_says_what_it_left_out_within_any_budget() -> None:
    crowded = plans.many(2_000)
    warnings = tuple(f"warning {i}" for i in range(50))
    unmanaged = tuple(
        Unmanaged(kind="Workflow", guid=None, name=f"Manual {i}", live_id=i) for i in range(500)
    )
    plan = crowded.model_copy(update={"warnings": warnings, "unmanaged": unmanaged})
    for budget in (3_000, 20_000, BUDGET):
        text = MarkdownRenderer(budget=budget).render(plan)
        assert len(text) <= budget
        assert len(text.encode("utf-16-le")) // 2 < GITHUB_LIMIT  # GitHub may count UTF-16
        assert "⚠️ 50 warnings" in text
        assert "500 not managed by this repo" in text
        assert "more changes not listed" in text
        assert "Details of 2000 changes omitted" in text


def test_a_partial_plan_is_flagged_under_the_summary() -> None:
    plan = Plan(environment="prod", tenant="t", targets=("TicketRule/P1_<x>",))
    lines = render(plan, "markdown").splitlines()
    assert lines[5:7] == [
        "> [!WARNING]",
        "> Partial plan: only TicketRule/P1&#95;&#60;x&#62; (--target); "
        "other resources were not compared.",
    ]
