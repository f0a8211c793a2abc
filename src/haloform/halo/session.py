"""The one road every request to a tenant takes: bounded, paced, retried, counted.

API calls and token requests alike pass through ``Session.send``, so the concurrency
bound, the rate limiter, the retry contract (see ``haloform.halo.retry``) and the request
accounting hold for all of them, and no caller can forget one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from haloform.errors import RateLimitedError, ResponseError
from haloform.halo.accounting import RequestRecord, RequestStats, route_of
from haloform.halo.failures import DeadlineExceeded, Redactor, error_for_response, transport_error
from haloform.halo.ratelimit import HALO_LIMIT, HALO_WINDOW_S, RateLimiter
from haloform.halo.retry import (
    IDEMPOTENT_METHODS,
    RATE_LIMITED,
    Failure,
    RetryPolicy,
    classify,
)
from haloform.halo.shapes import ShapeError
from haloform.halo.waits import WaitHook, announce, rate_limit_sleep

log = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 64 * 2**20
"""Far above any answer Halo sends for one list or record, far below what hurts."""
_ENCODED = frozenset({"content-encoding", "content-length", "transfer-encoding"})
"""Headers that describe the body as it came over the wire, not as it was read."""

RequestHook = Callable[[RequestRecord], None]
"""Called after every attempt, e.g. to print requests under ``--verbose``."""


class Session:
    """Sends requests for one tenant; owns no credentials, only the plumbing."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 8,
        timeout_s: float = 30.0,
        redact: Redactor | None = None,
        on_request: RequestHook | None = None,
        on_wait: WaitHook | None = None,
        max_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._http = http
        self._limiter = limiter or RateLimiter(
            sleep=rate_limit_sleep(on_wait, HALO_LIMIT, HALO_WINDOW_S, asyncio.sleep)
        )
        self._on_wait = on_wait
        self._max_bytes = max_bytes
        self._retry = retry or RetryPolicy()
        self._slots = asyncio.Semaphore(max_concurrency)
        self._timeout_s = timeout_s
        self.redact = redact or Redactor()
        self._on_request = on_request
        self.stats = RequestStats()

    async def send(
        self,
        method: str,
        url: str,
        *,
        path: str,
        idempotent: bool | None = None,
        accept: Collection[int] = (),
        auth: bool = False,
        resend: bool = False,
        **request: Any,
    ) -> httpx.Response:
        """Send until the retry policy is satisfied; return a 2xx or ``accept``-ed answer.

        ``path`` is what errors and counts name (``/TicketRules/12``); ``request`` holds
        httpx's ``params``/``json``/``data``/``headers``. Other answers raise the typed
        error; ``resend`` marks the first attempt as a repeat (after a 401).
        """
        idempotent = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        outgoing = self._http.build_request(method, url, **request)
        attempts, limited_s = 0, 0.0
        while True:
            attempts += 1
            limited, hint = False, None
            try:
                response = await self._attempt(
                    outgoing, path, retry=resend or attempts > 1, auth=auth
                )
            except httpx.TransportError as exc:
                final = attempts > self._retry.retries_allowed(rate_limited=False)
                self._give_up_on_failure(exc, outgoing, path, idempotent, attempts, final=final)
                reason = type(exc).__name__
            else:
                if response.is_success or response.status_code in accept:
                    return response
                status, hint = response.status_code, response.headers.get("Retry-After")
                limited = status == RATE_LIMITED
                final = attempts > self._retry.retries_allowed(rate_limited=limited)
                patient = self._retry.outlasts(status, limited_s, hint)
                self._give_up_on_answer(
                    response, path, idempotent, attempts, final=final and not patient
                )
                reason = str(status)
            delay = self._retry.delay(attempts, hint, rate_limited=limited)
            if limited:
                limited_s += delay
                reason = (
                    "429, the tenant's shared rate budget is spent: waiting for its 5-minute "
                    f"window to free up ({limited_s:.0f} of up to "
                    f"{self._retry.rate_limit_patience_s:.0f} s)"
                )
            text = f"retrying {method} {route_of(path)} in {delay:.0f} s after {reason}"
            log.info("%s", text)
            announce(self._on_wait, delay, text)
            await self._retry.sleep(delay)

    def _give_up_on_answer(
        self,
        response: httpx.Response,
        path: str,
        idempotent: bool,
        attempts: int,
        *,
        final: bool,
    ) -> None:
        """Raise the typed error for a failed answer unless the retry policy sends again."""
        asked = self._retry.too_long(response.headers.get("Retry-After"))
        if response.status_code == RATE_LIMITED and asked is not None:
            raise RateLimitedError(
                f"rate limited: the tenant asks to wait {asked:.0f} s (Retry-After), more "
                f"than one rate window ({self._retry.max_retry_after_s:g} s); stopping "
                "here rather than waiting: run again later",
                method=response.request.method,
                path=path,
                status=response.status_code,
            )
        if final or not self._retry.retries_status(response.status_code, idempotent=idempotent):
            raise error_for_response(
                response, path=path, idempotent=idempotent, attempts=attempts, redact=self.redact
            )

    def _give_up_on_failure(
        self,
        exc: httpx.TransportError,
        request: httpx.Request,
        path: str,
        idempotent: bool,
        attempts: int,
        *,
        final: bool,
    ) -> None:
        """Raise the typed error for a transport failure unless the retry policy sends again."""
        failure = classify(exc)
        if final or not self._retry.retries_failure(failure, idempotent=idempotent):
            unknown = failure in (Failure.UNKNOWN, Failure.TOO_SLOW) and not idempotent
            raise transport_error(
                exc,
                request,
                path=path,
                timeout_s=self._timeout_s,
                outcome_unknown=unknown,
                redact=self.redact,
                attempts=attempts,
            ) from exc

    async def _attempt(
        self, request: httpx.Request, path: str, *, retry: bool, auth: bool
    ) -> httpx.Response:
        """One exchange, inside a concurrency slot and the rate limit, always counted."""
        status: int | None = None
        async with self._slots:
            await self._limiter.acquire()  # inside the slot: the count is taken at send time
            started = time.perf_counter()
            try:
                response = await self._exchange(request, path)
                status = response.status_code
            finally:
                elapsed_ms = (time.perf_counter() - started) * 1000
                self._note(
                    RequestRecord(
                        request.method, route_of(path), status, elapsed_ms, retry=retry, auth=auth
                    )
                )
        return response

    async def _exchange(self, request: httpx.Request, path: str) -> httpx.Response:
        """Send and read the whole answer within the deadline and the size cap.

        httpx's timeout is per read: a tenant that trickles a byte a second would never
        trip it. The deadline covers connect, send and the full body; the cap counts
        bytes after decompression, so a gzip bomb is refused like a huge answer.
        """
        try:
            async with asyncio.timeout(self._timeout_s):
                streamed = await self._http.send(request, stream=True)
                try:
                    body = await self._read_capped(streamed, path)
                finally:
                    await streamed.aclose()
        except TimeoutError:
            raise DeadlineExceeded("deadline exceeded", request=request) from None
        plain = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in _ENCODED]
        return httpx.Response(streamed.status_code, headers=plain, content=body, request=request)

    async def _read_capped(self, response: httpx.Response, path: str) -> bytes:
        """The decoded body, refused (``ResponseError``) once it passes ``max_bytes``."""
        declared = response.headers.get("Content-Length", "")
        size = int(declared) if declared.isdigit() else 0
        chunks: list[bytes] = []
        async for chunk in response.aiter_bytes():
            size = max(size, sum(map(len, chunks)) + len(chunk))
            if size > self._max_bytes:
                break
            chunks.append(chunk)
        if size > self._max_bytes:
            raise ResponseError(
                f"the answer is larger than {self._max_bytes / 2**20:g} MiB (decompressed); "
                "haloform refuses answers that large (is this endpoint paged, or the URL "
                "the Halo instance?)",
                method=response.request.method,
                path=path,
                status=response.status_code,
            )
        return b"".join(chunks)

    def _note(self, record: RequestRecord) -> None:
        self.stats.record(record)
        log.debug("%s", record)
        if self._on_request is not None:
            self._on_request(record)

    @contextmanager
    def reading(self, response: httpx.Response, path: str) -> Iterator[None]:
        """Turn a body that is not what Halo sends into a ``ResponseError`` for this request."""
        try:
            yield
        except ShapeError as exc:
            raise ResponseError(
                self.redact(str(exc)),
                method=response.request.method,
                path=path,
                status=response.status_code,
            ) from None
