"""When a failed request is sent again, and how long to wait first.

The contract, which the rest of haloform relies on:

* **429** is retried for every method, POST included: Halo refused the request before
  doing anything with it. Without ``Retry-After`` (Halo is not known to send one) it
  is waited out until at least ``rate_limit_patience_s`` (330 s, more than Halo's whole
  5-minute window) has been spent waiting, however many retries that takes, with a
  capped exponential backoff with jitter (5 s doubling to 60 s by default, the figures
  of a published Halo module). A ``Retry-After`` (seconds or an HTTP date, capped) is
  honoured, ``max_retries`` times.
* **5xx** and **broken connections** (read/write errors, protocol errors, read and
  write timeouts) are retried only for idempotent requests (GET, DELETE, and the token
  request, which changes nothing): sending them twice does no harm.
* **Faults** (anything but a 429) get a short budget: at most ``fault_retries`` retries
  with waits of at most ``fault_max_delay_s``, so a refused connection or a tenant that
  answers 500 to everything is reported within seconds, not after minutes of backoff.
* A request that overran its **deadline** (connect, send and the whole answer) is not
  retried: a tenant that slow will not be faster a second later.
* A ``Retry-After`` beyond ``max_retry_after_s`` (one rate window) is not waited out:
  the run stops with a ``RateLimitedError`` saying what the tenant asked for.
* A **POST whose outcome is unknown** (a 5xx answer, or a connection that broke after
  the request went out) is NEVER sent again: the caller gets ``OutcomeUnknownError``,
  re-reads the records by guid, and decides. Re-sending could create a duplicate.
* A request that **could not have been sent** (connect error, connect timeout, no free
  connection in the pool) is retried for every method.
* Failures that waiting cannot fix are never retried: an unknown host, a TLS
  certificate that does not verify, a URL scheme httpx cannot speak.
"""

from __future__ import annotations

import asyncio
import enum
import random
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from haloform.halo.failures import DeadlineExceeded, cause_of
from haloform.halo.ratelimit import Sleep

RATE_LIMITED = 429
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class Failure(enum.Enum):
    """What a transport exception says about whether the tenant saw the request."""

    NOT_SENT = "not sent"
    """The connection never opened: sending again cannot duplicate anything."""
    UNKNOWN = "outcome unknown"
    """The request may have reached the tenant; only idempotent requests may be re-sent."""
    PERMANENT = "permanent"
    """Retrying cannot help (unknown host, bad certificate, unsupported URL)."""
    TOO_SLOW = "too slow"
    """The request overran its deadline; it may have reached the tenant; never retried."""


def classify(exc: httpx.TransportError) -> Failure:
    """Sort a transport exception by what it says about the request's fate."""
    if isinstance(exc, DeadlineExceeded):
        return Failure.TOO_SLOW
    if isinstance(exc, httpx.UnsupportedProtocol) or cause_of(exc, ssl.SSLCertVerificationError):
        return Failure.PERMANENT
    gai = cause_of(exc, socket.gaierror)
    if gai is not None and gai.errno != socket.EAI_AGAIN:
        return Failure.PERMANENT
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.NOT_SENT
    return Failure.UNKNOWN


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date).

    ``None`` when absent or unreadable, so the caller falls back to backoff.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request is retried; see the module docstring."""

    max_retries: int = 6
    """Retries after the first attempt; the defaults wait about three minutes in all."""
    base_delay_s: float = 5.0
    max_delay_s: float = 60.0
    jitter: float = 0.25
    """Share of each backoff removed at random, so concurrent requests spread out."""
    max_retry_after_s: float = 300.0
    """Cap on a server's ``Retry-After``: one rolling window is the most Halo could need."""
    fault_retries: int = 3
    """Retries after a fault (5xx, refused or broken connection): seconds, not minutes."""
    fault_max_delay_s: float = 2.0
    rate_limit_patience_s: float = 330.0
    """However many retries that takes, 429s are waited out until this many seconds
    have been spent waiting: the budget is the tenant's, shared with every other
    integration, so a 429 storm can last a whole 5-minute window however carefully
    this process paces itself (a published module gave up inside it)."""
    retry_statuses: frozenset[int] = frozenset({RATE_LIMITED, 500, 502, 503, 504})
    sleep: Sleep = field(default=asyncio.sleep, repr=False, compare=False)
    rand: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def retries_status(self, status: int, *, idempotent: bool) -> bool:
        """Whether an answer with ``status`` is worth another attempt."""
        if status not in self.retry_statuses:
            return False
        return status == RATE_LIMITED or idempotent

    def retries_failure(self, failure: Failure, *, idempotent: bool) -> bool:
        """Whether a transport failure of this kind is worth another attempt."""
        return failure is Failure.NOT_SENT or (failure is Failure.UNKNOWN and idempotent)

    def retries_allowed(self, *, rate_limited: bool) -> int:
        """How many retries a request gets: many for a 429, a few for a fault."""
        return self.max_retries if rate_limited else min(self.max_retries, self.fault_retries)

    def too_long(self, retry_after: str | None) -> float | None:
        """The ``Retry-After`` seconds when they exceed the cap (not to be waited out)."""
        hinted = parse_retry_after(retry_after)
        return hinted if hinted is not None and hinted > self.max_retry_after_s else None

    def outlasts(self, status: int, waited_s: float, retry_after: str | None = None) -> bool:
        """Whether a 429 is still worth waiting out after ``waited_s`` spent on 429s,
        whatever ``max_retries`` says. Not when the server says when to come back
        (``Retry-After``): that is believed, ``max_retries`` times."""
        hinted = parse_retry_after(retry_after) is not None
        return status == RATE_LIMITED and not hinted and waited_s < self.rate_limit_patience_s

    def delay(
        self, retry: int, retry_after: str | None = None, *, rate_limited: bool = True
    ) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        hinted = parse_retry_after(retry_after)
        if hinted is not None:
            return min(hinted, self.max_retry_after_s)
        ceiling = (
            self.max_delay_s if rate_limited else min(self.max_delay_s, self.fault_max_delay_s)
        )
        backoff = min(ceiling, self.base_delay_s * 2.0 ** min(retry - 1, 32))
        return backoff * (1.0 - self.jitter * self.rand())
