"""Shared wording: values in one-line flow, what a create shows, the closing verdict."""

from __future__ import annotations

from typing import Any

import pytest

from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change
from haloform.render import values


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("Assigned", '"Assigned"'),
        ("10", '"10"'),
        (10, "10"),
        (2.5, "2.5"),
        (True, "true"),
        (None, "null"),
        ({"agent": "Alice Admin"}, '{agent: "Alice Admin"}'),
        ({"workflow": {"guid": "g-1"}}, '{workflow: {guid: "g-1"}}'),
        ({"odd key": 1, "": 2}, '{"odd key": 1, "": 2}'),
        ([1, "a", [None]], '[1, "a", [null]]'),
        ("two\nlines\t\u2028", '"two\\nlines\\t\\u2028"'),
    ],
)
def test_flow_is_one_unambiguous_line(value: Any, shown: str) -> None:
    assert values.flow(value) == shown


def test_brief_shows_structures_whole_and_cuts_long_strings() -> None:
    steps = [{"step_id": i, "name": f"Step {i}"} for i in range(10)]
    assert values.brief(steps) == values.flow(steps)
    assert values.brief([1, 2]) == "[1, 2]"
    cut = values.brief("y" * 500)
    assert cut == f'"{"y" * values.BRIEF_WIDTH}"... (500 characters)'


def test_a_create_lists_only_its_first_fields() -> None:
    fields = tuple(FieldChange(path=f"f{i}", after=i) for i in range(values.CREATE_FIELD_LIMIT + 3))
    change = Change(action=Action.CREATE, kind="Workflow", guid="g", name="n", fields=fields)
    lines, hidden = values.change_lines(change)
    assert len(lines) == values.CREATE_FIELD_LIMIT
    assert hidden == 3
    assert values.notes(change, hidden) == ["3 more fields not shown (see the file)"]


def test_field_signs_follow_absence() -> None:
    assert values.field_line(FieldChange(path="a", before=None, after=1)).sign == "+"
    assert values.field_line(FieldChange(path="a", before=1, after=None)).sign == "-"
    assert values.field_line(FieldChange(path="a", before=1, after=2)).sign == "~"
    assert values.field_line(FieldChange(path="a", before=False, after=None)).sign == "-"
