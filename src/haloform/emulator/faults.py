"""Misbehaviour on demand, for testing how a client copes with a real tenant's
failures: latency, Halo's rolling-window rate limit, random 500s, dropped
connections, and writes that happen but whose answer is a 500.

It is ASGI middleware in front of the routes, reading ``config.faults`` on every
request so a test can turn faults on after seeding its data. Only ``/api`` calls are
affected; the token endpoint and ``/api/authinfo`` always work.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections import defaultdict, deque

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haloform.emulator.api import error_body
from haloform.emulator.auth import client_of
from haloform.emulator.config import Faults
from haloform.emulator.tenant import Tenant

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DROPPED_LENGTH = b"1024"


class ConnectionDropped(Exception):
    """Raised after a response has started, so the server cuts the connection
    mid-answer: uvicorn closes the socket, and the in-process transport turns it into
    the httpx error a real socket gives."""


class RateLimiter:
    """Halo's limit: N requests per rolling window, counted per client."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def retry_in(self, client: str, now: float, limit: int, window: float) -> float | None:
        """None if the request may go ahead (it is then counted); otherwise the
        seconds until the oldest counted request leaves the window."""
        hits = self._hits[client]
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            return hits[0] + window - now
        hits.append(now)
        return None


class FaultInjection:
    def __init__(self, app: ASGIApp, tenant: Tenant) -> None:
        self.app = app
        self.tenant = tenant
        self.limiter = RateLimiter()
        self._rng = random.Random()
        self._dice_owner: Faults | None = None
        self._dice_seed: int | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _faultable(scope["path"]):
            await self.app(scope, receive, send)
            return
        faults = self.tenant.config.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        refusal = self._rate_limited(scope, faults)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if self._roll(faults, faults.drop_rate):
            await _start_then_drop(send)
        if self._roll(faults, faults.error_rate):
            await _server_error()(scope, receive, send)
            return
        if scope["method"] in _WRITES and self._roll(faults, faults.commit_then_fail_rate):
            await self.app(scope, receive, _discard)
            await _server_error()(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _rate_limited(self, scope: Scope, faults: Faults) -> Response | None:
        if faults.rate_limit is None:
            return None
        wait = self.limiter.retry_in(
            self._client(scope), self.tenant.clock(), faults.rate_limit, faults.rate_window_s
        )
        return None if wait is None else _too_many(faults, wait)

    def _client(self, scope: Scope) -> str:
        """The client a window belongs to: the one its token was issued to, else its
        address (the limit also counts requests that fail authentication)."""
        headers = dict(scope["headers"])
        client = client_of(self.tenant, headers.get(b"authorization", b"").decode("latin-1"))
        if client is not None:
            return f"client:{client}"
        host = (scope.get("client") or ("unknown", 0))[0]
        return f"address:{host}"

    def _roll(self, faults: Faults, rate: float) -> bool:
        """One throw of the dice, reseeded whenever the fault settings or their seed
        change, so a seeded test sees the same faults on every run."""
        if rate <= 0:
            return False
        if self._dice_owner is not faults or self._dice_seed != faults.seed:
            self._rng = random.Random(faults.seed)
            self._dice_owner, self._dice_seed = faults, faults.seed
        return self._rng.random() < rate


def _faultable(path: str) -> bool:
    return path.startswith("/api/") and path != "/api/authinfo"


def _too_many(faults: Faults, wait: float) -> Response:
    text = (
        f"Rate Limit Reached - {faults.rate_limit} Requests per rolling "
        f"{_window_text(faults.rate_window_s)} window"
    )
    headers = {"Retry-After": str(max(1, math.ceil(wait)))} if faults.retry_after else {}
    if faults.rate_limit_body == "text":
        return PlainTextResponse(text, status_code=429, headers=headers)
    key = "Message" if faults.rate_limit_body == "message" else "error"
    return JSONResponse({key: text}, status_code=429, headers=headers)


def _window_text(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minute"
    return f"{seconds:g} second"


def _server_error() -> Response:
    return JSONResponse(
        error_body("An unexpected error occurred (emulated fault)"), status_code=500
    )


async def _start_then_drop(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", _DROPPED_LENGTH),
            ],
        }
    )
    raise ConnectionDropped("connection dropped by the emulator's fault injection")


async def _discard(message: Message) -> None:
    """The answer to a write that will be reported as failed anyway."""
