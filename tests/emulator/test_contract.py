"""Request bodies generated from Halo's published schemas (openapi-subset.json, read
here straight from the file): what the contract allows is accepted and comes back,
what breaks a declared type is refused with that field's path."""

from __future__ import annotations

import json
import uuid
from importlib import resources
from typing import Any

import httpx
import pytest

from .conftest import post

OPENAPI = json.loads(
    resources.files("haloform.emulator").joinpath("openapi-subset.json").read_text()
)
SCHEMAS: dict[str, Any] = OPENAPI["components"]["schemas"]

REFERENCES_THAT_NEED_A_REAL_TARGET = {"new_team": "Network"}
"""Integer references sample as 0 (none); a string reference must name something."""

SERVER_OWNED = {
    "FlowHeader": {"id", "in_use", "_warning", "workflow_history"},
    "Autoassign": {
        "id", "in_use", "_warning", "workflow_history", "new_agent_name", "newstatus_guid",
        "new_sla_guid", "newworkflow_guid", "new_workflow_name", "newtemplate_guid",
        "new_template_name",
    },
    "EventRule": {
        "id", "in_use", "_warning", "workflow_history", "tickettype_guid", "tickettype_name",
        "template_guid", "template_name",
    },
}  # fmt: skip
"""Fields the server fills or joins in: what a client posts there does not stick."""

POSTS = [
    ("/api/Workflow", "FlowHeader"),
    ("/api/TicketRules", "Autoassign"),
    ("/api/EventRule", "EventRule"),
]


def scalars(schema_name: str) -> dict[str, dict[str, Any]]:
    properties = SCHEMAS[schema_name]["properties"]
    return {
        name: prop
        for name, prop in properties.items()
        if prop.get("type") in ("integer", "number", "boolean", "string")
    }


def sample(name: str, prop: dict[str, Any]) -> Any:
    """A value of the declared type that means nothing in particular."""
    if name in REFERENCES_THAT_NEED_A_REAL_TARGET:
        return REFERENCES_THAT_NEED_A_REAL_TARGET[name]
    kind, fmt = prop["type"], prop.get("format")
    if kind == "string":
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date-time":
            return "2025-05-01T08:00:00Z"
        return "sample"[: prop.get("maxLength", 6)]
    return {"integer": 0, "number": 1.5, "boolean": True}[kind]


def violation(prop: dict[str, Any]) -> Any:
    """A value no declared type admits."""
    if prop["type"] == "string":
        return "not-a-guid" if prop.get("format") == "uuid" else 12345
    return "sample"


@pytest.mark.parametrize(("path", "schema"), POSTS)
async def test_every_declared_field_is_accepted_and_comes_back(
    client: httpx.AsyncClient, path: str, schema: str
) -> None:
    body = {name: sample(name, prop) for name, prop in scalars(schema).items()}
    body["name"] = "Generated"
    saved = await post(client, path, body)
    for name, value in body.items():
        if name not in SERVER_OWNED[schema]:
            assert saved.get(name) == value, name


@pytest.mark.parametrize(("path", "schema"), POSTS)
async def test_declared_nullable_fields_take_null(
    client: httpx.AsyncClient, path: str, schema: str
) -> None:
    body: dict[str, Any] = {n: None for n, prop in scalars(schema).items() if prop.get("nullable")}
    body["name"] = "Generated"
    await post(client, path, body)


@pytest.mark.parametrize(("path", "schema"), POSTS)
async def test_every_type_violation_is_refused_with_its_path(
    client: httpx.AsyncClient, path: str, schema: str
) -> None:
    fields = scalars(schema)
    body = [
        {"name": "Generated", name: violation(prop)}
        for name, prop in fields.items()
        if name != "name"
    ]
    body.append({"name": violation(fields["name"])})
    response = await client.post(path, json=body)
    assert response.status_code == 400
    names = [name for name in fields if name != "name"] + ["name"]
    assert set(response.json()) == {f"[{i}].{name}" for i, name in enumerate(names)}


@pytest.mark.parametrize(("path", "schema"), POSTS)
async def test_non_nullable_fields_refuse_null(
    client: httpx.AsyncClient, path: str, schema: str
) -> None:
    required = [name for name, prop in scalars(schema).items() if not prop.get("nullable")]
    assert required == ["id"]
    response = await client.post(path, json=[{"name": "Generated", "id": None}])
    assert response.status_code == 400 and "[0].id" in response.json()


async def test_nested_rows_are_checked_against_their_own_schemas(client: httpx.AsyncClient) -> None:
    body = {
        "name": "W",
        "steps": [{"step_id": 1, "isstart": "yes", "actions": [{"time_limit_mins": "soon"}]}],
        "stages": [{"sequence": "first"}],
    }
    response = await client.post("/api/Workflow", json=[body])
    assert set(response.json()) == {
        "[0].steps[0].isstart",
        "[0].steps[0].actions[0].time_limit_mins",
        "[0].stages[0].sequence",
    }


@pytest.mark.parametrize("path", ["/api/Event", "/api/Automation"])
async def test_id_lists_must_be_integers(client: httpx.AsyncClient, path: str) -> None:
    response = await client.post(path, json=[1, "two"])
    assert response.status_code == 400
    assert set(response.json()) == {"[1]"}
    assert (await client.post(path, json=[1])).status_code == 200
