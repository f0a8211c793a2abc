"""Text output (terminal and CI log), pinned by golden files.

``UPDATE_GOLDEN=1 .venv/bin/pytest tests/render`` rewrites ``golden/`` from the
current output; review the diff before committing it.
"""

from __future__ import annotations

from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change, Plan, Unmanaged
from haloform.render import render
from haloform.render.text import UNMANAGED_LIMIT

from . import plans
from .golden import assert_golden

ESC = "\x1b"


def test_representative_plan() -> None:
    assert_golden("representative.txt", render(plans.representative(), "text"))


def test_representative_plan_in_colour() -> None:
    text = render(plans.representative(), "text", color=True)
    assert_golden("representative.color.txt", text)
    assert f"{ESC}[32m+ create" in text
    assert f"{ESC}[33m~ update" in text
    assert f"{ESC}[31m- delete" in text


def test_empty_plan() -> None:
    text = render(plans.empty(), "text")
    assert_golden("empty.txt", text)
    assert text.endswith("No changes. The tenant matches the configuration. 12 unchanged.\n")


def test_without_colour_there_are_no_escape_sequences() -> None:
    assert ESC not in render(plans.representative(), "text")


def test_summary_line_is_terraform_like() -> None:
    last = render(plans.representative(), "text").splitlines()[-1]
    assert last == "Plan: 2 to create, 2 to update, 2 to delete. 5 unchanged."


def test_long_lines_are_never_wrapped() -> None:
    long_name = "x" * 300
    plan = _plan(Change(action=Action.CREATE, kind="TicketRule", guid="g", name=long_name))
    assert f'+ create TicketRule "{long_name}"\n' in render(plan, "text")


def test_names_cannot_forge_lines_or_escape_sequences() -> None:
    name = f'evil\n+ create Workflow "fake"\n{ESC}[2J[bold]x[/bold]'
    field = FieldChange(path="note", before="a\rb", after=f"{ESC}[31mred")
    plan = _plan(
        Change(action=Action.UPDATE, kind="Workflow", guid="g", name=name, fields=(field,))
    )
    text = render(plan, "text", color=True)
    assert ESC + "[2J" not in text
    assert "\n+ create Workflow" not in text
    assert r"evil\n+ create Workflow \"fake\"\n\u001b[2J[bold]x[/bold]" in text
    assert r'"a\rb" -> "\u001b[31mred"' in text


def test_unmanaged_resources_beyond_the_limit_are_counted() -> None:
    unmanaged = tuple(
        Unmanaged(kind="TicketRule", guid=None, name=f"Manual {i:03d}", live_id=i)
        for i in range(UNMANAGED_LIMIT + 5)
    )
    plan = Plan(environment="prod", tenant="t", unmanaged=unmanaged)
    text = render(plan, "text")
    assert f'Manual {UNMANAGED_LIMIT - 1:03d}"' in text
    assert f'Manual {UNMANAGED_LIMIT:03d}"' not in text
    assert "... and 5 more (--format json lists them all)" in text


def test_a_partial_plan_says_so() -> None:
    plan = Plan(environment="prod", tenant="t", targets=("TicketRule/P1",))
    assert "Partial plan: only TicketRule/P1 (--target)" in render(plan, "text")


def _plan(*changes: Change) -> Plan:
    return Plan(environment="prod", tenant="https://acme.halopsa.com", changes=changes)
