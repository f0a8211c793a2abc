"""The Plan is a value: nothing inside it can change once it is made, and its digest
and saved bytes depend on its content only."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from haloform.diff.fields import FieldChange
from haloform.plan.model import Change, Plan
from tests.render.plans import representative


def _payloaded(plan: Plan) -> Change:
    return next(change for change in plan.changes if change.payload and change.deferred)


def test_a_nested_payload_value_cannot_be_changed() -> None:
    plan = representative()
    change = _payloaded(plan)
    assert change.payload is not None and change.deferred is not None
    steps: Any = change.deferred["steps"]
    with pytest.raises(TypeError):
        steps[0]["new_flow_id"] = 99
    with pytest.raises(TypeError):
        steps.append({"step_id": 9})
    payload: Any = change.payload
    with pytest.raises(TypeError):
        payload["name"] = "Edited"
    with pytest.raises(TypeError):
        payload.update(name="Edited")
    with pytest.raises(TypeError):
        del payload["name"]
    assert plan == representative()


def test_a_field_change_value_cannot_be_changed() -> None:
    plan = representative()
    value: Any = next(f.after for c in plan.changes for f in c.fields if isinstance(f.after, list))
    with pytest.raises(TypeError):
        value.append(1)
    with pytest.raises(TypeError):
        value[0]["edited"] = True


def test_the_callers_dict_is_copied_not_frozen_in_place() -> None:
    steps = [{"step_id": 1}]
    change = Change(action="create", kind="Workflow", guid="g", name="n", payload={"s": steps})
    steps[0]["step_id"] = 2
    steps.append({"step_id": 3})
    assert change.payload == {"s": [{"step_id": 1}]}


def test_a_copy_with_an_update_is_frozen_too() -> None:
    change = _payloaded(representative())
    edited = change.model_copy(update={"payload": {"name": "Other", "steps": [{"step_id": 1}]}})
    assert edited.payload == {"name": "Other", "steps": [{"step_id": 1}]}
    steps: Any = edited.payload["steps"] if edited.payload else None
    with pytest.raises(TypeError):
        steps[0]["step_id"] = 2
    assert change.model_copy() is change


def test_the_digest_is_stable_and_follows_content() -> None:
    plan = representative()
    assert plan.digest == representative().digest == copy.deepcopy(plan).digest
    assert len(plan.digest) == 64
    renamed = plan.model_copy(update={"environment": "other"})
    assert renamed.digest != plan.digest


def test_saving_and_loading_is_byte_identical() -> None:
    plan = representative()
    text = plan.to_json()
    loaded = Plan.from_json(text)
    assert loaded == plan
    assert loaded.digest == plan.digest
    assert loaded.to_json() == text
    payload: Any = _payloaded(loaded).payload
    with pytest.raises(TypeError):
        payload["name"] = "Edited"


def _values(node: Any) -> Iterator[tuple[BaseModel, str, Any]]:
    """Every field of every model in ``node``, with its value."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            yield node, name, value
            yield from _values(value)
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _values(item)


def _containers(node: Any) -> Iterator[Any]:
    """Every mapping and list inside a field's value, at any depth."""
    if isinstance(node, Mapping):
        yield node
        for item in node.values():
            yield from _containers(item)
    elif isinstance(node, list):
        yield node
        for item in node:
            yield from _containers(item)


def test_no_field_of_a_plan_can_be_changed_at_any_depth() -> None:
    """Issue 21: every field of the plan and of every value in it (changes, field
    changes, neighbours, payloads, the desired resource) refuses a change, and the
    digest a reviewer saw is the digest applied."""
    plan = representative()
    before = plan.digest
    seen = set()
    for owner, name, value in _values(plan):
        seen.add(f"{type(owner).__name__}.{name}")
        with pytest.raises((ValidationError, TypeError, AttributeError)):
            setattr(owner, name, copy.deepcopy(value))
        for container in _containers(value):
            with pytest.raises(TypeError):
                if isinstance(container, Mapping):
                    container["changed"] = True  # type: ignore[index]
                else:
                    container.append("changed")
    assert plan.digest == before
    every = {
        f"{model.__name__}.{field}"
        for model in (Plan, Change, FieldChange)
        for field in model.model_fields
    }
    assert every <= seen, f"the plan used exercises no {sorted(every - seen)}"
