"""The rolling-window limiter, on a fake clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from haloform.halo import RateLimiter
from tests.halo.conftest import FakeClock, FakeTenant, MakeClient


def limiter(limit: int, window_s: float, clock: FakeClock) -> RateLimiter:
    return RateLimiter(limit, window_s, clock=clock, sleep=clock.sleep)


async def test_requests_within_the_limit_do_not_wait() -> None:
    clock = FakeClock()
    pacer = limiter(3, 10.0, clock)
    for _ in range(3):
        await pacer.acquire()
    assert clock.sleeps == []


async def test_the_next_request_waits_for_the_oldest_to_leave_the_window() -> None:
    clock = FakeClock()
    pacer = limiter(3, 10.0, clock)
    for start in (0.0, 4.0, 8.0):
        clock.now = start
        await pacer.acquire()
    await pacer.acquire()
    assert clock.sleeps == [2.0]
    assert clock.now == 10.0
    await pacer.acquire()  # the next oldest (t=4) leaves at 14
    assert clock.sleeps == [2.0, 4.0]


async def test_the_window_rolls_rather_than_resetting() -> None:
    clock = FakeClock()
    pacer = limiter(2, 10.0, clock)
    await pacer.acquire()
    clock.now = 9.0
    await pacer.acquire()
    clock.now = 10.0  # the first has left; the second is still inside
    await pacer.acquire()
    assert clock.sleeps == []
    await pacer.acquire()
    assert clock.now == 19.0


async def test_concurrent_waiters_are_served_in_order_and_never_exceed_the_limit() -> None:
    clock = FakeClock()
    pacer = limiter(2, 10.0, clock)
    served: list[tuple[int, float]] = []

    async def take(number: int) -> None:
        await pacer.acquire()
        served.append((number, clock.now))

    await asyncio.gather(*(take(n) for n in range(6)))
    assert [number for number, _ in served] == list(range(6))
    assert [at for _, at in served] == [0.0, 0.0, 10.0, 10.0, 20.0, 20.0]


@pytest.mark.parametrize(("limit", "window_s"), [(0, 1.0), (1, 0.0), (-1, 5.0)])
def test_a_limit_that_allows_nothing_is_refused(limit: int, window_s: float) -> None:
    with pytest.raises(ValueError, match="limit >= 1 and window_s > 0"):
        RateLimiter(limit, window_s)


def test_the_default_is_halos_documented_limit() -> None:
    assert repr(RateLimiter()) == "RateLimiter(limit=300, window_s=300.0)"


async def test_the_client_paces_every_request_token_ones_included(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    clock = FakeClock()
    tenant.on("GET", "/api/Workflow", httpx.Response(200, json=[]))
    client = make_client(rate_limit=limiter(2, 60.0, clock))
    await client.list("/Workflow")  # authinfo + token fill the window
    assert clock.sleeps == [60.0]
    assert client.stats.total == 3
