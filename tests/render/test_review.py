"""The PR comment as a reviewer reads it: rules in words, workflows as diagrams,
deletes at the top, within GitHub's size limit. Goldens pin it; every Mermaid block
of them is parsed by the real parser (test_mermaid.py)."""

from __future__ import annotations

import re

import pytest

from haloform.plan.model import Plan
from haloform.render import RenderOptions, render
from haloform.render.markdown import BUDGET

from . import review_plans
from .golden import assert_golden

CASES = {
    "review-new-rule": review_plans.new_rule,
    "review-changed-criterion": review_plans.changed_criterion,
    "review-new-workflow": review_plans.new_workflow,
    "review-changed-workflow": review_plans.changed_workflow,
    "review-delete": review_plans.delete,
}
CI = RenderOptions(
    commit="4f2a9c1e0b7d3f5a6c8e9d0b1a2c3d4e5f6a7b8c",
    source_url="https://github.com/acme/halo-config/blob/4f2a9c1e0b7d3f5a6c8e9d0b1a2c3d4e5f6a7b8c",
)
GITHUB_LIMIT = 65_536


@pytest.mark.parametrize("name", sorted(CASES))
def test_review_goldens(name: str) -> None:
    plan = CASES[name]()
    assert_golden(f"{name}.md", render(plan, "markdown", options=CI))
    assert_golden(f"{name}.txt", render(plan, "text"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_nothing_created_or_changed_is_counted_or_numbered(name: str) -> None:
    for fmt in ("markdown", "text"):
        text = render(CASES[name](), fmt, options=CI)
        assert not re.search(r"\[\d+ items?\]", text)
        assert not re.search(r"steps\[\d+\]", text)


def test_a_new_rule_reads_as_a_sentence_in_both_formats() -> None:
    sentence = (
        'When (all of): Summary contains "VIP" · Priority is not equal to P4 Low · '
        "Status is equal to New — Then: agent -> Dan Desk · priority -> P1 Critical · "
        "workflow -> Incident Lifecycle · stop matching"
    )
    assert sentence in render(review_plans.new_rule(), "text")
    assert sentence.replace(">", "&#62;") in render(review_plans.new_rule(), "markdown")


def test_an_unknown_comparison_code_is_shown_raw_and_marked() -> None:
    text = render(review_plans.changed_criterion(), "text")
    assert 'cf region [unknown comparison type 42] "EMEA"'.lower() in text.lower()
    assert "Priority is less than P3 Medium" in text
    assert (
        "criterion changed — before: Priority is not equal to P4 Low; "
        "after: Priority is less than P3 Medium"
    ) in render(review_plans.changed_criterion(), "markdown")


def test_the_heading_names_the_commit_and_carries_the_marker() -> None:
    text = render(review_plans.delete(), "markdown", options=CI)
    assert text.startswith("<!-- haloform:plan env=prod -->\n")
    assert "at `4f2a9c1e0b7d`" in text
    assert (
        "[ticket-rules/old-triage.yaml:1](https://github.com/acme/halo-config/blob/"
        "4f2a9c1e0b7d3f5a6c8e9d0b1a2c3d4e5f6a7b8c/ticket-rules/old-triage.yaml#L1)"
    ) in text


def test_deletes_and_removed_steps_are_said_before_the_table() -> None:
    deleted = render(review_plans.delete(), "markdown")
    assert deleted.index("--allow-delete") < deleted.index("| Action |")
    text = render(review_plans.delete(), "text")
    assert text.index("needs --allow-delete") < text.index("- delete TicketRule")
    removed = render(review_plans.changed_workflow(), "markdown")
    assert removed.index("removes workflow steps") < removed.index("| Action |")
    assert 'step "Legacy triage"' in removed
    assert "removes step" in render(review_plans.changed_workflow(), "text")


def test_a_changed_workflow_is_said_in_words() -> None:
    text = render(review_plans.changed_workflow(), "markdown")
    for phrase in (
        "step Awaiting approval renamed to Awaiting confirmation",
        "new action Escalate from Awaiting confirmation to Escalated",
        "action Reopen from Awaiting confirmation to Assigned REMOVED",
        "new stage Confirm",
    ):
        assert phrase in text


def test_a_promotion_too_large_for_one_comment_drops_diagrams_then_details() -> None:
    plan: Plan = review_plans.promotion()
    text = render(plan, "markdown", options=CI)
    assert_golden("review-promotion.md", text)
    assert len(text) <= BUDGET < GITHUB_LIMIT
    assert "```mermaid" not in text
    assert "Workflow diagrams were left out" in text
    assert "changes omitted to fit GitHub's comment limit" in text
    assert "By kind: 856 TicketRule to create, 214 Workflow to create." in text


def test_a_small_plan_keeps_its_diagrams() -> None:
    text = render(review_plans.promotion(3), "markdown")
    assert text.count("```mermaid") == 1
    assert "left out" not in text


def test_findings_given_by_the_caller_show_with_their_change() -> None:
    plan = review_plans.new_rule()
    key = plan.changes[0].key
    options = RenderOptions(findings={key: ("never fires: shadowed by <Security incidents>",)})
    text = render(plan, "markdown", options=options)
    assert "**Findings:**\n- never fires: shadowed by &#60;Security incidents&#62;" in text


def test_the_marker_spells_the_environment_as_ci_searches_for_it() -> None:
    plan = review_plans.delete().model_copy(update={"environment": "prod_eu-2"})
    assert render(plan, "markdown").startswith("<!-- haloform:plan env=prod_eu-2 -->\n")
    hostile = plan.model_copy(update={"environment": "x --> <b>"})
    first = render(hostile, "markdown").splitlines()[0]
    assert first == "<!-- haloform:plan env=x -&#45;&#62; &#60;b&#62; -->"
