"""What every ``/api`` handler shares: the bearer check, typed query parameters, the
checked request body, and Halo's error bodies.

Handlers are written against a ``Call`` rather than a raw request so that routing,
authentication and the published contract are applied the same way everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from haloform.emulator.auth import client_of
from haloform.emulator.schema_check import Operation, openapi
from haloform.emulator.tenant import Tenant


class ApiError(Exception):
    """An answer other than success, raised from anywhere inside a handler."""

    def __init__(self, status: int, body: object, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def response(self) -> Response:
        if self.body is None:
            return Response(status_code=self.status, headers=self.headers)
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


def error_body(message: str) -> dict[str, str]:
    """The shape Halo gives errors that are not about one field: a .NET exception."""
    return {"ClassName": "System.Exception", "Message": message}


def invalid(fields: Mapping[str, str]) -> ApiError:
    """400 keyed by field path, e.g. ``{"[0].name": "Name is required"}``."""
    return ApiError(400, dict(fields))


def refused(message: str) -> ApiError:
    return ApiError(400, error_body(message))


def not_found(message: str) -> ApiError:
    return ApiError(404, error_body(message))


class Query:
    """The query parameters an operation declares, converted to their declared types.
    Names are case-insensitive, as ASP.NET binds them; a value that does not convert
    is a 400; asking for an undeclared parameter is a bug in the emulator."""

    def __init__(self, params: QueryParams, types: Mapping[str, str]) -> None:
        self._declared: Collection[str] = types.keys()
        self._values: dict[str, object] = {}
        self._undeclared: dict[str, str] = {}
        errors = {}
        for name, raw in params.multi_items():
            kind = types.get(name.lower())
            if kind is None:
                self._undeclared[name.lower()] = raw
                continue
            value = _convert(raw, kind)
            if value is None:
                errors[name] = f"The value '{raw}' is not valid for {name}."
            self._values[name.lower()] = value
        if errors:
            raise invalid(errors)

    def flag(self, name: str) -> bool:
        return bool(self._get(name))

    def undeclared_flag(self, name: str) -> bool:
        """A flag the published document does not declare but a client library sends
        (``returnall``, HaloAPI's ``-ReturnAll``): ``true`` in any case."""
        return self._undeclared.get(name.lower(), "").strip().lower() == "true"

    def number(self, name: str) -> int | None:
        value = self._get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _get(self, name: str) -> object:
        if name not in self._declared:
            raise KeyError(f"query parameter {name!r} is not declared for this operation")
        return self._values.get(name)


def _convert(raw: str, kind: str) -> object:
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.strip().lower())
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            return None
    return raw


@dataclass(frozen=True)
class Call:
    """One authenticated request to a published operation."""

    request: Request
    tenant: Tenant
    query: Query
    operation: Operation

    def path(self, name: str = "id") -> Any:
        """A path parameter, already converted by its route's convertor."""
        return self.request.path_params[name]

    async def body(self) -> Any:
        """The JSON body, checked against the operation's published schema."""
        try:
            body = json.loads(await self.request.body())
        except ValueError as exc:
            raise invalid({"$": f"The body is not valid JSON: {exc}"}) from exc
        errors = self.operation.body_errors(body)
        if errors:
            raise invalid(errors)
        return body


Handler = Callable[[Call], Awaitable[Response]]


def api_route(
    tenant: Tenant,
    path: str,
    method: str,
    handler: Handler,
    extra_query: Mapping[str, str] | None = None,
) -> Route:
    """A route for the published operation ``method path`` (as openapi-subset.json
    spells them). ``extra_query`` declares parameters Halo takes on an operation whose
    published entry omits them (the paging parameters, for instance)."""
    operation = openapi().operation(path, method)
    types = {**operation.query_types, **(extra_query or {})}

    async def endpoint(request: Request) -> Response:
        if client_of(tenant, request.headers.get("authorization")) is None:
            raise ApiError(401, None, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return await handler(Call(request, tenant, Query(request.query_params, types), operation))

    return Route(operation.route, endpoint, methods=[operation.method])


def ok(body: object) -> Response:
    return JSONResponse(body)
