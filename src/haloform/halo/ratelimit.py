"""Pace requests so a run stays inside Halo's rolling-window limit.

Hosted Halo allows a number of requests per rolling window (300 per 5 minutes is the
documented figure; tenants report 450 or 500) and answers 429 beyond it. Retrying a
429 costs a backoff of seconds to minutes, so it is cheaper never to provoke one: the
limiter remembers when the last ``limit`` requests started and makes the next one wait
until the oldest of them leaves the window.

Halo counts a tenant's requests, not a process's: three plans in a row, or a plan
and an apply in two CI jobs, share one window. A ``SharedWindow`` keeps the starts in
a file that every process on the machine reads and writes under an exclusive lock
(``fcntl.flock``), one file per tenant URL, so a run knows what the runs before it
and beside it spent. The composition root decides where the files live (see ``tasks/workspace.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import IO

Clock = Callable[[], float]
"""Seconds from an arbitrary origin that never go backwards (``time.monotonic``)."""
Sleep = Callable[[float], Awaitable[None]]
"""Waits the given seconds (``asyncio.sleep``); tests pass one that advances a fake clock."""

HALO_LIMIT = 300
HALO_WINDOW_S = 300.0


class SharedWindow:
    """One tenant's request starts, in a file shared by every process on the machine.

    Starts are wall-clock seconds (``time.time``): the file outlives processes and
    reboots, which a monotonic clock does not. A start in the future (the clock was
    set back) is dropped rather than trusted. An unreadable file counts as empty:
    the budget is a courtesy to Halo, and Halo's own 429 remains the backstop.
    """

    def __init__(self, directory: Path, tenant_url: str, *, clock: Clock = time.time) -> None:
        self.tenant_url = tenant_url.rstrip("/").lower()
        digest = hashlib.sha256(self.tenant_url.encode()).hexdigest()[:24]
        self.path = directory / f"rate-{digest}.json"
        self._clock = clock

    def __repr__(self) -> str:
        return f"SharedWindow({str(self.path)!r}, {self.tenant_url!r})"

    def take(self, limit: int, window_s: float) -> float:
        """Count one request now if it fits (0.0), else the seconds until one would.

        A start stays counted a little longer than the window (``margin``): Halo
        counts a request when it arrives, a moment after it started here."""
        window_s += margin(window_s)
        with self._locked() as stream:
            now = self._clock()
            starts = [t for t in _read(stream) if now - window_s < t <= now + 1]
            if len(starts) >= limit:  # wait for enough of them (another limit?) to leave
                return max(sorted(starts)[len(starts) - limit] + window_s - now, 0.001)
            starts.append(now)
            stream.seek(0)
            stream.truncate()
            stream.write(json.dumps({"tenant": self.tenant_url, "starts": starts}))
            stream.flush()
            return 0.0

    @contextlib.contextmanager
    def _locked(self) -> Iterator[IO[str]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as stream:
            fcntl.flock(stream, fcntl.LOCK_EX)  # held for one read-modify-write, no await
            try:
                yield stream
            finally:
                fcntl.flock(stream, fcntl.LOCK_UN)


def margin(window_s: float) -> float:
    """Slack for the time a request takes to reach Halo: 5% of the window, at most 2 s."""
    return min(window_s * 0.05, 2.0)


def _read(stream: IO[str]) -> list[float]:
    try:
        starts = json.loads(stream.read() or "{}").get("starts", [])
        return [float(t) for t in starts]
    except (ValueError, TypeError, AttributeError):
        return []


class RateLimiter:
    """At most ``limit`` acquisitions in any ``window_s`` seconds, first come first served.

    One limiter per tenant: share it between clients that talk to the same tenant.
    With ``shared``, the window is the tenant's ``SharedWindow``, counted across every
    process on the machine; without, this limiter's own.
    """

    def __init__(
        self,
        limit: int = HALO_LIMIT,
        window_s: float = HALO_WINDOW_S,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        shared: SharedWindow | None = None,
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window_s > 0")
        self.limit, self.window_s = limit, window_s
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.shared = shared

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self.limit}, window_s={self.window_s})"

    async def acquire(self) -> None:
        """Return when one more request fits in the window, and count it."""
        async with self._lock:  # FIFO: waiters queue on the lock, not on a race
            while (wait := self._take()) > 0:
                await self._sleep(wait)

    def _take(self) -> float:
        """Count one request if it fits (0.0), else the seconds to wait first."""
        if self.shared is not None:
            try:
                return self.shared.take(self.limit, self.window_s)
            except OSError:  # an unwritable state directory: keep this process's count
                self.shared = None
        wait = self._wait()
        if wait == 0:
            self._starts.append(self._clock())
        return wait

    def _wait(self) -> float:
        """Seconds until the oldest counted request leaves the window (0 if room now)."""
        now = self._clock()
        while self._starts and self._starts[0] <= now - self.window_s:
            self._starts.popleft()
        if len(self._starts) < self.limit:
            return 0.0
        return self._starts[0] + self.window_s - now
