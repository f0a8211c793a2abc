"""The one seam through which the client says it is about to wait.

A run that goes quiet for a minute looks hung, and an admin who cannot tell a rate-limit
pause from a dead tenant presses Ctrl-C at the worst moment. So every wait longer than
``ANNOUNCE_AFTER_S`` (a retry's backoff, a rate-limit pause) is handed to a ``WaitHook``
first, saying what, how long and why; the CLI prints it on stderr, a library caller may
log it or ignore it. The client never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from haloform.halo.ratelimit import Sleep

ANNOUNCE_AFTER_S = 2.0
"""Waits up to this long pass unannounced: they are shorter than a reader notices."""


@dataclass(frozen=True)
class Wait:
    """A pause the client is about to take."""

    seconds: float
    text: str
    """The whole sentence, e.g. ``waiting 41 s for the rate limit (300 requests per 300 s)``."""

    def __str__(self) -> str:
        return self.text


WaitHook = Callable[[Wait], None]


def announce(hook: WaitHook | None, seconds: float, text: str) -> None:
    """Tell ``hook`` about a wait of ``seconds`` when it is long enough to notice."""
    if hook is not None and seconds > ANNOUNCE_AFTER_S:
        hook(Wait(seconds, text))


def rate_limit_sleep(hook: WaitHook | None, limit: int, window_s: float, sleep: Sleep) -> Sleep:
    """``sleep`` for a ``RateLimiter`` that announces its pauses first."""

    async def pause(seconds: float) -> None:
        announce(
            hook,
            seconds,
            f"waiting {seconds:.0f} s for the rate limit ({limit} requests per {window_s:g} s)",
        )
        await sleep(seconds)

    return pause
