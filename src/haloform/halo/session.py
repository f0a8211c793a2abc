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

from haloform.errors import ResponseError
from haloform.halo.accounting import RequestRecord, RequestStats, route_of
from haloform.halo.failures import Redactor, error_for_response, transport_error
from haloform.halo.ratelimit import RateLimiter
from haloform.halo.retry import IDEMPOTENT_METHODS, Failure, RetryPolicy, classify
from haloform.halo.shapes import ShapeError

log = logging.getLogger(__name__)

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
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._http = http
        self._limiter = limiter or RateLimiter()
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
            final = attempts > self._retry.max_retries
            try:
                response = await self._attempt(
                    outgoing, path, retry=resend or attempts > 1, auth=auth
                )
            except httpx.TransportError as exc:
                self._give_up_on_failure(exc, outgoing, path, idempotent, final=final)
                reason, hint, limited = type(exc).__name__, None, False
            else:
                if response.is_success or response.status_code in accept:
                    return response
                status, hint = response.status_code, response.headers.get("Retry-After")
                limited = self._retry.outlasts(status, limited_s, hint)
                final = final and not limited
                self._give_up_on_answer(response, path, idempotent, attempts, final=final)
                reason = str(status)
            delay = self._retry.delay(attempts, hint)
            if limited:
                limited_s += delay
                reason = (
                    "429, the tenant's shared rate budget is spent: waiting for its 5-minute "
                    f"window to free up ({limited_s:.0f} of up to "
                    f"{self._retry.rate_limit_patience_s:.0f} s)"
                )
            log.info("%s %s: %s, retrying in %.1f s", method, route_of(path), reason, delay)
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
        *,
        final: bool,
    ) -> None:
        """Raise the typed error for a transport failure unless the retry policy sends again."""
        failure = classify(exc)
        if final or not self._retry.retries_failure(failure, idempotent=idempotent):
            unknown = failure is Failure.UNKNOWN and not idempotent
            raise transport_error(
                exc,
                request,
                path=path,
                timeout_s=self._timeout_s,
                outcome_unknown=unknown,
                redact=self.redact,
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
                response = await self._http.send(request)
                status = response.status_code
            finally:
                elapsed_ms = (time.perf_counter() - started) * 1000
                self._note(
                    RequestRecord(
                        request.method, route_of(path), status, elapsed_ms, retry=retry, auth=auth
                    )
                )
        return response

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
