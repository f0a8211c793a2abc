"""``diff(..., symmetric=True)``: tenant against tenant, where neither side is the file.

The default (one-sided) mode is pinned by ``test_diff.py``; these tests pin what the
symmetric mode adds, and that it leaves the default alone.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from haloform.diff.fields import FieldChange, diff
from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.kinds.workflow import WORKFLOW
from tests.diff.test_fields import with_extras
from tests.plan.strategies import Case, portable_documents

STEP = {"step_id": 1, "name": "Logged"}
CRITERION = {"fieldname": "priority_id", "type": 0, "value_int": {"priority": "P1"}}


def _mirrored(changes: tuple[FieldChange, ...]) -> set[tuple[str, str, str]]:
    """Changes as ``diff(b, a)`` would say them: sides swapped, ``[+]`` and ``[-]`` too."""
    mirrored = set()
    for change in changes:
        path = change.path.replace("[+]", "\0").replace("[-]", "[+]").replace("\0", "[-]")
        mirrored.add((path, repr(change.after), repr(change.before)))
    return mirrored


def _as_set(changes: tuple[FieldChange, ...]) -> set[tuple[str, str, str]]:
    return {(change.path, repr(change.before), repr(change.after)) for change in changes}


def test_a_field_only_the_live_side_sets_is_compared() -> None:
    a: dict[str, Any] = {"name": "P1", "precedence": 10}
    b = {**a, "popupmsg": "hello"}
    assert diff(TICKET_RULE, a, b) == ()
    assert diff(TICKET_RULE, a, b, symmetric=True) == (
        FieldChange(path="popupmsg", before="hello", after=None),
    )


def test_a_nested_field_only_the_live_side_sets_is_compared() -> None:
    a = {"name": "Incident", "steps": [STEP]}
    b = {"name": "Incident", "steps": [{**STEP, "note": "x"}]}
    assert diff(WORKFLOW, a, b) == ()
    assert diff(WORKFLOW, a, b, symmetric=True) == (
        FieldChange(path='steps["Logged"].note', before="x", after=None),
    )


def test_a_list_only_the_live_side_has_is_compared_item_by_item() -> None:
    a = {"name": "Incident"}
    b = {"name": "Incident", "steps": [STEP, {"step_id": 2, "name": "Closed"}]}
    assert diff(WORKFLOW, a, b, symmetric=True) == (
        FieldChange(path='steps["Closed"]', before={"step_id": 2, "name": "Closed"}, after=None),
        FieldChange(path='steps["Logged"]', before=STEP, after=None),
    )


def test_an_unordered_item_matches_only_when_both_agree_on_every_field() -> None:
    a = {"name": "P1", "criteria": [CRITERION]}
    b = {"name": "P1", "criteria": [{**CRITERION, "tablename": "faults"}]}
    assert diff(TICKET_RULE, a, b) == ()
    assert diff(TICKET_RULE, a, b, symmetric=True) == (
        FieldChange(path="criteria[-]", before={**CRITERION, "tablename": "faults"}, after=None),
        FieldChange(path="criteria[+]", before=None, after=CRITERION),
    )


def test_absent_still_equals_empty() -> None:
    a = {"name": "P1", "criteria": [], "popupmsg": ""}
    assert diff(TICKET_RULE, {"name": "P1"}, a, symmetric=True) == ()
    assert diff(TICKET_RULE, a, {"name": "P1"}, symmetric=True) == ()


@settings(max_examples=60, deadline=None)
@given(portable_documents())
def test_a_resource_never_differs_from_itself(case: Case) -> None:
    spec, portable = case
    assert diff(spec, portable, portable, symmetric=True) == ()


@settings(max_examples=60, deadline=None)
@given(portable_documents())
def test_the_two_directions_say_the_same_thing(case: Case) -> None:
    spec, portable = case
    extended = with_extras(spec, portable, "")
    forward = diff(spec, portable, extended, symmetric=True)
    backward = diff(spec, extended, portable, symmetric=True)
    assert forward  # the extras show, whichever side holds them
    assert _mirrored(forward) == _as_set(backward)
