"""A scripted Halo tenant on ``httpx.MockTransport``, and a fake clock.

``FakeTenant`` answers authinfo and token requests like a hosted tenant by default;
tests script the API answers they care about with ``on()``. Secrets are sentinels, so
a test can scan any output for them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from haloform.halo import Credentials, HaloClient, RateLimiter, RetryPolicy

SECRET = "SENTINEL-client-secret-7Qx+/="
"""Has characters that URL-encoding changes, so an echoed form body is caught too."""
TOKEN_PREFIX = "SENTINEL-access-token"
INSTANCE = "https://acme.halopsa.com"
AUTH = "https://acme.halopsa.com/auth"

Answer = (
    httpx.Response
    | Exception
    | Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]
)


def fast_retry(**overrides: Any) -> RetryPolicy:
    """Retries with millisecond waits and no jitter, so tests stay fast and exact; 429s
    are not waited out beyond ``max_retries`` unless a test asks for patience."""
    settings: dict[str, Any] = {
        "max_retries": 3,
        "base_delay_s": 0.001,
        "max_delay_s": 0.004,
        "jitter": 0.0,
        "rate_limit_patience_s": 0.0,
    }
    settings["fault_retries"] = overrides.get("max_retries", settings["max_retries"])
    return RetryPolicy(**{**settings, **overrides})


class FakeClock:
    """A clock that moves only when slept on (or told to), for limiter and token tests."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class FakeTenant:
    """Scripted answers per (method, path); the last scripted answer repeats."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.tokens_issued = 0
        self.expires_in: Any = 3600
        self._answers: dict[tuple[str, str], deque[Answer]] = {}
        self.on("GET", "/api/authinfo", httpx.Response(200, json={"auth_url": AUTH}))
        self.on("POST", "/auth/token", self.issue_token)

    def on(self, method: str, path: str, *answers: Answer) -> None:
        """Answer ``method path`` with ``answers`` in turn (replacing earlier scripts)."""
        self._answers[(method, path.lower())] = deque(answers)

    def issue_token(self, request: httpx.Request) -> httpx.Response:
        self.tokens_issued += 1
        body = {
            "token_type": "Bearer",
            "access_token": f"{TOKEN_PREFIX}-{self.tokens_issued}",
            "expires_in": self.expires_in,
            "refresh_token": "unused",
            "id_token": "unused",
            "scope": "all",
        }
        return httpx.Response(200, json=body)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self._answers.get((request.method, request.url.path.lower()))
        if not queue:
            return httpx.Response(404, json={"Message": f"no route {request.url.path}"})
        answer = queue.popleft() if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):  # a fresh copy: one Response serves once
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=answer.content
            )
        result = answer(request)
        return await result if isinstance(result, Awaitable) else result

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        """The requests made to ``method path`` (path as the server saw it)."""
        return [r for r in self.requests if (r.method, r.url.path) == (method, path)]


@pytest.fixture
def tenant() -> FakeTenant:
    return FakeTenant()


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(url=INSTANCE, client_id="haloform-ci", client_secret=SECRET)


MakeClient = Callable[..., HaloClient]


@pytest.fixture
async def make_client(tenant: FakeTenant, credentials: Credentials) -> AsyncIterator[MakeClient]:
    """Build clients on the fake tenant (fast retries by default); all closed afterwards."""
    made: list[HaloClient] = []

    def make(creds: Credentials | None = None, **options: Any) -> HaloClient:
        options.setdefault("transport", tenant.transport())
        options.setdefault("retry", fast_retry())
        options.setdefault("rate_limit", RateLimiter(10_000, 1.0))
        client = HaloClient(creds or credentials, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def client(make_client: MakeClient) -> HaloClient:
    return make_client()
