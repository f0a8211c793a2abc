"""Pace requests so a run stays inside Halo's rolling-window limit.

Hosted Halo allows a number of requests per rolling window (300 per 5 minutes is the
documented figure; tenants report 450 or 500) and answers 429 beyond it. Retrying a
429 costs a backoff of seconds to minutes, so it is cheaper never to provoke one: the
limiter remembers when the last ``limit`` requests started and makes the next one wait
until the oldest of them leaves the window.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
"""Seconds from an arbitrary origin that never go backwards (``time.monotonic``)."""
Sleep = Callable[[float], Awaitable[None]]
"""Waits the given seconds (``asyncio.sleep``); tests pass one that advances a fake clock."""

HALO_LIMIT = 300
HALO_WINDOW_S = 300.0


class RateLimiter:
    """At most ``limit`` acquisitions in any ``window_s`` seconds, first come first served.

    One limiter per tenant: share it between clients that talk to the same tenant.
    """

    def __init__(
        self,
        limit: int = HALO_LIMIT,
        window_s: float = HALO_WINDOW_S,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window_s > 0")
        self.limit, self.window_s = limit, window_s
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self.limit}, window_s={self.window_s})"

    async def acquire(self) -> None:
        """Return when one more request fits in the window, and count it."""
        async with self._lock:  # FIFO: waiters queue on the lock, not on a race
            while (wait := self._wait()) > 0:
                await self._sleep(wait)
            self._starts.append(self._clock())

    def _wait(self) -> float:
        """Seconds until the oldest counted request leaves the window (0 if room now)."""
        now = self._clock()
        while self._starts and self._starts[0] <= now - self.window_s:
            self._starts.popleft()
        if len(self._starts) < self.limit:
            return 0.0
        return self._starts[0] + self.window_s - now
