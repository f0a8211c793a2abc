"""Issue 15, "never hang, never go silent", at the client: each row of the issue's table
against a scripted tenant, with waits recorded on a fake clock instead of slept."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from haloform.errors import RateLimitedError, ResponseError, ServerError, TransportError
from haloform.halo import RateLimiter, RetryPolicy, Wait
from haloform.halo.waits import rate_limit_sleep
from tests.halo.conftest import FakeClock, FakeTenant, MakeClient


def patient(clock: FakeClock) -> RetryPolicy:
    """The default policy (the CLI's), sleeping on the fake clock."""
    return RetryPolicy(sleep=clock.sleep, jitter=0.0)


def gzipped(packed: bytes) -> httpx.Response:
    """An answer whose body travels compressed (decoded only as the client reads it)."""
    return httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(packed)
    )


class Trickle(httpx.AsyncByteStream):
    """A body that arrives one byte every ``gap_s`` seconds: no single read is slow."""

    def __init__(self, size: int, gap_s: float) -> None:
        self.size, self.gap_s = size, gap_s

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.size):
            await asyncio.sleep(self.gap_s)
            yield b" "


async def test_a_trickling_answer_fails_at_the_deadline_not_per_read(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    def trickle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Trickle(1000, 0.02))

    tenant.on("GET", "/api/Workflow", trickle)
    client = make_client(timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TransportError, match=r"no complete answer from .* within 0\.3 s"):
        await client.list("/Workflow")
    assert time.monotonic() - started < 1.0
    assert len(tenant.sent("GET", "/api/Workflow")) == 1  # too slow is not retried


async def test_a_refused_connection_is_retried_for_seconds_then_names_the_url(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    refused = httpx.ConnectError("refused")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    tenant.on("GET", "/api/Workflow", refused)
    clock = FakeClock()
    with pytest.raises(TransportError) as raised:
        await make_client(retry=patient(clock)).list("/Workflow")
    message = str(raised.value)
    assert "connection refused by acme.halopsa.com:443 (after 4 attempts)" in message
    assert "tried https://acme.halopsa.com/api/Workflow" in message
    assert "check that the URL" in message
    assert sum(clock.sleeps) <= 10


async def test_an_html_500_on_every_get_gives_up_in_seconds(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    page = "<html><head><title>500 - Internal server error.</title></head></html>"
    tenant.on("GET", "/api/Workflow", httpx.Response(500, text=page))
    clock = FakeClock()
    with pytest.raises(ServerError, match=r"after 4 attempts.*an HTML page titled '500"):
        await make_client(retry=patient(clock)).list("/Workflow")
    assert sum(clock.sleeps) <= 10


async def test_a_retry_after_beyond_one_window_stops_at_once_saying_so(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    tenant.on("GET", "/api/Workflow", httpx.Response(429, headers={"Retry-After": "100000"}))
    clock = FakeClock()
    with pytest.raises(RateLimitedError, match=r"asks to wait 100000 s .* more than one rate"):
        await make_client(retry=patient(clock)).list("/Workflow")
    assert clock.sleeps == []


async def test_a_retry_after_within_the_window_is_waited_out_and_announced(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "20"})
    tenant.on("GET", "/api/Workflow", limited, httpx.Response(200, json=[{"id": 1}]))
    clock, heard = FakeClock(), list[Wait]()
    client = make_client(retry=patient(clock), on_wait=heard.append)
    assert await client.list("/Workflow") == [{"id": 1}]
    assert clock.sleeps == [20.0]
    assert [str(wait) for wait in heard] == [
        "retrying GET /Workflow in 20 s after 429, the tenant's shared rate budget is spent: "
        "waiting for its 5-minute window to free up (20 of up to 330 s)"
    ]


async def test_short_waits_are_not_announced(tenant: FakeTenant, make_client: MakeClient) -> None:
    tenant.on("GET", "/api/Workflow", httpx.Response(503), httpx.Response(200, json=[]))
    heard = list[Wait]()
    await make_client(on_wait=heard.append).list("/Workflow")
    assert heard == []


async def test_the_rate_limiter_announces_its_pauses() -> None:
    clock, heard = FakeClock(), list[Wait]()
    sleep = rate_limit_sleep(heard.append, 2, 41.0, clock.sleep)
    limiter = RateLimiter(2, 41.0, clock=clock, sleep=sleep)
    for _ in range(3):
        await limiter.acquire()
    assert [str(wait) for wait in heard] == [
        "waiting 41 s for the rate limit (2 requests per 41 s)"
    ]


async def test_a_gzip_bomb_is_refused_by_its_decompressed_size_naming_the_endpoint(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    bomb = gzip.compress(b"[" + b" " * (8 * 2**20) + b"]")
    assert len(bomb) < 64 * 2**10
    tenant.on("GET", "/api/Workflow", lambda request: gzipped(bomb))
    client = make_client(max_answer_bytes=2**20)
    with pytest.raises(
        ResponseError, match=r"GET /Workflow -> 200: the answer is larger than 1 MiB"
    ):
        await client.list("/Workflow")


async def test_a_huge_list_is_refused_before_it_is_parsed(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    rows = [{"id": n, "name": "x" * 100} for n in range(20_000)]
    tenant.on("GET", "/api/TicketRules", httpx.Response(200, content=json.dumps(rows).encode()))
    with pytest.raises(ResponseError, match="GET /TicketRules -> 200: the answer is larger"):
        await make_client(max_answer_bytes=2**20).list("/TicketRules")


async def test_a_gzipped_answer_under_the_cap_reads_as_usual(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    packed = gzip.compress(json.dumps([{"id": 7}]).encode())
    tenant.on("GET", "/api/Workflow", lambda request: gzipped(packed))
    assert await make_client().list("/Workflow") == [{"id": 7}]
