"""The ASGI application: every route of the emulated API, behind the middleware that
makes paths case-insensitive (as on ASP.NET), injects faults and logs requests."""

from __future__ import annotations

from typing import NamedTuple

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haloform.emulator import auth
from haloform.emulator.api import ApiError, error_body
from haloform.emulator.faults import FaultInjection
from haloform.emulator.resources import lookups, runtime
from haloform.emulator.resources.eventrules import EventRules
from haloform.emulator.resources.rules import TicketRules
from haloform.emulator.resources.workflows import Workflows
from haloform.emulator.tenant import Tenant

DROPPED = 0
"""The status logged for a request whose connection was cut before the answer ended."""


class ServedRequest(NamedTuple):
    method: str
    path: str
    """As the client sent it (before paths are lower-cased for routing)."""
    status: int


def build_app(tenant: Tenant, log: list[ServedRequest]) -> Starlette:
    rules = TicketRules(tenant)
    routes = [
        *auth.routes(tenant),
        *Workflows(tenant, rules).routes(),
        *rules.routes(),
        *EventRules(tenant).routes(),
        *lookups.routes(tenant),
        *runtime.routes(tenant),
    ]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestLog, log=log),
            Middleware(CaseInsensitivePaths),
            Middleware(FaultInjection, tenant=tenant),
        ],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )


class RequestLog:
    """Appends (method, path, status) for every request, for tests to count calls."""

    def __init__(self, app: ASGIApp, log: list[ServedRequest]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = DROPPED

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            # Started and then failed: the connection is cut. Not started: a 500 follows.
            self.log.append(
                ServedRequest(scope["method"], scope["path"], DROPPED if status else 500)
            )
            raise
        self.log.append(ServedRequest(scope["method"], scope["path"], status))


class CaseInsensitivePaths:
    """ASP.NET routes ignore case and a trailing slash; Starlette's do not, so the
    path is normalised before routing and every route is declared lower-case."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = {**scope, "path": scope["path"].lower().rstrip("/") or "/"}
        await self.app(scope, receive, send)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse(error_body(exc.detail), status_code=exc.status_code, headers=exc.headers)
