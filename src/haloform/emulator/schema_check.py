"""Halo's published contract (openapi-subset.json), enforced as its ASP.NET host would.

Request bodies are checked against the operation's schema with jsonschema, after
translating OpenAPI 3.0 into JSON Schema: ``nullable`` becomes a null alternative,
``$ref`` properties may be null (they are .NET reference types), and
``additionalProperties: false`` is dropped, because Halo tolerates fields it does not
know and keeps adding fields. Query parameters are typed from the same document,
including its quirky ``int``/``bool`` type names. Routes take their paths and path
parameter types from it too, so the emulator cannot drift from the published API.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema  # type: ignore[import-untyped]

_TYPE_NAMES = {"int": "integer", "bool": "boolean"}


def field_path(parts: Iterable[str | int]) -> str:
    """ASP.NET's model-state key for a place in a body: ``[0].steps[1].name``; ``$``
    for the body itself."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return text.removeprefix(".") or "$"


@dataclass(frozen=True)
class Operation:
    """One method on one path of the published API."""

    path: str
    method: str
    query_types: Mapping[str, str]
    """Declared query parameters, lower-cased, to their JSON Schema type."""
    path_types: Mapping[str, str]
    """Path parameters to the Starlette convertor their declared type asks for."""
    body_validator: Any
    """A jsonschema validator for the request body, None where no JSON body is declared."""

    @property
    def route(self) -> str:
        """The Starlette route: literal segments lower-cased (requests are lower-cased
        before routing, which is how paths become case-insensitive)."""
        segments = []
        for segment in self.path.strip("/").split("/"):
            name = segment.strip("{}")
            if segment.startswith("{"):
                segments.append(f"{{{name}:{self.path_types[name]}}}")
            else:
                segments.append(segment.lower())
        return "/api/" + "/".join(segments)

    def body_errors(self, body: Any) -> dict[str, str]:
        """Every contract violation in a body, keyed by field path (first one per field)."""
        if self.body_validator is None:
            return {}
        errors: dict[str, str] = {}
        for error in self.body_validator.iter_errors(body):
            errors.setdefault(field_path(error.absolute_path), str(error.message))
        return errors


class OpenApi:
    """The published document, translated once and looked up per operation."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._paths: Mapping[str, Any] = document["paths"]
        self._operations: dict[tuple[str, str], Operation] = {}
        self.components: dict[str, Any] = {
            "schemas": {
                name: _schema(schema) for name, schema in document["components"]["schemas"].items()
            }
        }

    def operation(self, path: str, method: str) -> Operation:
        key = (path, method.upper())
        if key not in self._operations:
            self._operations[key] = self._operation(path, key[1])
        return self._operations[key]

    def _operation(self, path: str, method: str) -> Operation:
        spec = self._paths[path][method.lower()]
        params = spec.get("parameters", [])
        query = {
            p["name"].lower(): _type_name(p.get("schema", {})) for p in params if p["in"] == "query"
        }
        in_path = {p["name"]: _convertor(p.get("schema", {})) for p in params if p["in"] == "path"}
        content = spec.get("requestBody", {}).get("content", {}).get("application/json")
        validator = None
        if content is not None:
            schema = {**_schema(content["schema"]), "components": self.components}
            validator = jsonschema.Draft7Validator(schema, format_checker=_FORMATS)
        return Operation(path, method, query, in_path, validator)


@cache
def openapi() -> OpenApi:
    """The packaged contract: Halo's published OpenAPI document, cut down to what haloform uses."""
    text = resources.files("haloform.emulator").joinpath("openapi-subset.json").read_text()
    return OpenApi(json.loads(text))


def _type_name(schema: Mapping[str, Any]) -> str:
    name = str(schema.get("type", "string"))
    return _TYPE_NAMES.get(name, name)


def _convertor(schema: Mapping[str, Any]) -> str:
    if schema.get("format") == "uuid":
        return "uuid"
    return "int" if _type_name(schema) == "integer" else "str"


def _schema(node: Mapping[str, Any]) -> dict[str, Any]:
    """One OpenAPI 3.0 schema object as JSON Schema (draft 7)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _property(prop) for name, prop in value.items()}
        elif key in ("items", "not"):
            out[key] = _schema(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_schema(v) for v in value]
        elif key == "type":
            out[key] = _TYPE_NAMES.get(value, value)
        elif key not in ("nullable", "additionalProperties", "readOnly", "example"):
            out[key] = value
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _property(node: Mapping[str, Any]) -> dict[str, Any]:
    converted = _schema(node)
    if "$ref" in converted:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value.replace("Z", "+00:00")))


def _in_range(bits: int) -> Any:
    def check(value: object) -> bool:
        return not isinstance(value, int) or -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)

    return check


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("uuid", raises=ValueError)(_is_uuid)
_FORMATS.checks("date-time", raises=ValueError)(_is_datetime)
_FORMATS.checks("int32")(_in_range(32))
_FORMATS.checks("int64")(_in_range(64))
