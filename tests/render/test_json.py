"""JSON output: the documented, versioned report, checked against its JSON Schema.

``UPDATE_GOLDEN=1 .venv/bin/pytest tests/render`` rewrites ``golden/`` from the
current output; review the diff before committing it.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change, Plan
from haloform.render import FORMAT_VERSION, render

from . import plans
from .golden import assert_golden


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The schema as shipped in the package, not as found in the source tree."""
    text = files("haloform.render").joinpath("plan.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def test_representative_plan() -> None:
    assert_golden("representative.json", render(plans.representative(), "json"))


def test_empty_plan() -> None:
    assert_golden("empty.json", render(plans.empty(), "json"))


@pytest.mark.parametrize("plan", [plans.representative(), plans.empty(), plans.many(3)])
def test_output_validates_against_the_schema(plan: Plan, schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema).validate(json.loads(render(plan, "json")))


def test_schema_pins_the_written_version(schema: dict[str, Any]) -> None:
    assert schema["properties"]["format_version"] == {"const": FORMAT_VERSION}


def test_summary_and_order_follow_the_plan() -> None:
    plan = plans.representative()
    report = json.loads(render(plan, "json"))
    assert report["summary"] == {"create": 2, "update": 2, "delete": 2, "unchanged": 5}
    assert [c["guid"] for c in report["changes"]] == [c.guid for c in plan.changes]
    assert report["digest"] == plan.digest


def test_applier_only_data_is_left_out() -> None:
    change = json.loads(render(plans.representative(), "json"))["changes"][0]
    assert set(change) == {"action", "kind", "guid", "name", "source", "live_id", "fields"}


def test_bytes_do_not_depend_on_dict_order() -> None:
    def plan(value: dict[str, Any]) -> Plan:
        field = FieldChange(path="criteria", before=None, after=[value])
        change = Change(
            action=Action.CREATE, kind="TicketRule", guid="g", name="n", fields=(field,)
        )
        return Plan(environment="e", tenant="t", changes=(change,))

    forward = {"fieldname": "priority_id", "type": 0, "value_int": {"priority": "P1"}}
    backward = dict(reversed(forward.items()))
    assert render(plan(forward), "json") == render(plan(backward), "json")
