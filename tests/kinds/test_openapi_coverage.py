"""Every field Halo's OpenAPI gives a managed object is either modelled or declared
server-owned, and no model invents a field name: "cover every field" is enforced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

import pytest

from haloform.kinds import KINDS
from haloform.kinds.base import FILE_ONLY, HaloModel
from haloform.kinds.ref_fields import nested_models
from haloform.kinds.unmodelled import UNMODELLED

REQUIRED = {
    "FlowHeader",
    "FlowDetail",
    "FlowSubDetail",
    "FlowStages",
    "Autoassign",
    "AutoassignCriteria",
    "CriteriaGroup",
    "EventRule",
    "EventMapping",
    "WorkflowTarget",
}
JSON_TYPES = {"boolean", "integer", "number", "string", "array", "object"}


@cache
def schemas() -> dict[str, Any]:
    text = files("haloform.emulator").joinpath("openapi-subset.json").read_text()
    found: dict[str, Any] = json.loads(text)["components"]["schemas"]
    return found


def _reachable(model: type[HaloModel]) -> Iterator[type[HaloModel]]:
    yield model
    for info in model.model_fields.values():
        for nested, _ in nested_models(info):
            if issubclass(nested, HaloModel):
                yield from _reachable(nested)


MODELS = sorted(
    {model for spec in KINDS for model in _reachable(spec.model)}, key=lambda m: m.__name__
)


def _properties(model: type[HaloModel]) -> dict[str, Any]:
    found: dict[str, Any] = schemas()[model.halo_schema]["properties"]
    return found


def test_every_required_schema_has_a_model() -> None:
    assert {model.halo_schema for model in MODELS} >= REQUIRED


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_property_is_a_field_or_server_owned(model: type[HaloModel]) -> None:
    missing = set(_properties(model)) - set(model.model_fields) - model.server_owned
    assert not missing, f"{model.__name__} neither models nor owns {sorted(missing)}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_no_field_or_server_owned_name_is_invented(model: type[HaloModel]) -> None:
    properties = set(_properties(model))
    assert set(model.model_fields) - FILE_ONLY - {UNMODELLED} - properties == model.observed
    assert not model.observed & properties, "a field the schema has is not 'observed'"
    assert model.server_owned - properties == set(), "a stale server-owned name"
    assert not set(model.model_fields) & model.server_owned


def _json_types(schema: dict[str, Any]) -> set[str]:
    if "anyOf" in schema or "oneOf" in schema:
        return {t for part in schema.get("anyOf", schema.get("oneOf")) for t in _json_types(part)}
    if "$ref" in schema:
        return {"object"}
    if not schema:
        return set(JSON_TYPES)
    return {schema["type"]}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_field_types_agree_with_the_api(model: type[HaloModel]) -> None:
    """A field Halo types as integer accepts an integer (a reference may stand in), a
    boolean a boolean, and so on; catches ``isstart: int`` slips."""
    ours = model.model_json_schema()["properties"]
    for name, api in _properties(model).items():
        if name not in ours or "type" not in api:
            continue
        accepted = _json_types(ours[name])
        assert api["type"] in accepted, (
            f"{model.__name__}.{name}: the API says {api['type']}, the model {sorted(accepted)}"
        )
