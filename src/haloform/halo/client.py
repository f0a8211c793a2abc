"""``HaloClient``: the one way haloform talks to a Halo tenant.

Paths are relative to the API base (``"/Workflow"``, ``"/TicketRules/12"``). Answers are
returned as Halo sent them (unknown fields kept) in the few shapes callers need: any
JSON, one record, a list of records, the records a POST saved, the record a DELETE
removed. Failures are haloform's typed errors (``haloform.errors``); a write whose
outcome is unknown raises ``OutcomeUnknownError`` and is never re-sent blindly.

The transport is injectable: unit tests pass an ``httpx.MockTransport``, integration
tests the emulator's in-process transport.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx

from haloform import __version__
from haloform.common.canonical import canonical_json
from haloform.errors import ConfigError
from haloform.halo import shapes
from haloform.halo.accounting import RequestStats
from haloform.halo.auth import TokenProvider
from haloform.halo.credentials import Credentials
from haloform.halo.ratelimit import RateLimiter
from haloform.halo.retry import RetryPolicy
from haloform.halo.session import MAX_ANSWER_BYTES, RequestHook, Session
from haloform.halo.shapes import Page, Record
from haloform.halo.waits import WaitHook

Params = Mapping[str, str | int | float | bool | None]
Records = list[Record]
_UNAUTHORISED = 401
_T = TypeVar("_T")


class HaloClient:
    """An authenticated, rate-limited, retrying client for one Halo tenant.

    Use it as an async context manager, or call ``aclose()``. Share one ``RateLimiter``
    between clients of the same tenant; the default allows Halo's documented 300
    requests per rolling 5 minutes. ``verify`` may name a CA bundle for tenants behind
    a private CA; ``on_request`` sees every attempt (for ``--verbose``), never headers;
    ``on_wait`` hears of every wait longer than a couple of seconds, before it starts.
    ``timeout`` is each request's whole deadline (connect, send, full answer), and
    answers larger than ``max_answer_bytes`` once decompressed are refused.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limit: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        verify: bool | str = True,
        max_concurrency: int = 8,
        on_request: RequestHook | None = None,
        on_wait: WaitHook | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.credentials = credentials
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout * 2,  # a backstop: the session's deadline covers the request
            verify=_tls(verify),
            follow_redirects=False,  # a redirect means a wrong URL; never replay a POST
            headers={"Accept": "application/json", "User-Agent": f"haloform/{__version__}"},
        )
        self._session = Session(
            self._http,
            limiter=rate_limit,
            retry=retry,
            max_concurrency=max_concurrency,
            timeout_s=timeout,
            on_request=on_request,
            on_wait=on_wait,
            max_bytes=max_answer_bytes,
        )
        self._tokens = TokenProvider(credentials, self._session)

    def __repr__(self) -> str:
        return f"HaloClient({self.credentials.url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (and the injected transport)."""
        await self._http.aclose()

    @property
    def stats(self) -> RequestStats:
        """The requests made so far, for a command's report."""
        return self._session.stats

    async def get(self, path: str, params: Params | None = None) -> Any:
        """The decoded JSON answer of ``GET path``."""
        response = await self._call("GET", path, params=params)
        return self._read(response, path, shapes.decode)

    async def get_object(self, path: str, params: Params | None = None) -> Record:
        """One record (``GET /Workflow/12?includedetails=true``)."""
        response = await self._call("GET", path, params=params)
        return self._read(response, path, lambda text: shapes.single(shapes.decode(text)))

    async def list(
        self,
        path: str,
        params: Params | None = None,
        *,
        paginate: bool = False,
        page_size: int = 100,
    ) -> Records:
        """Every record of a list endpoint, bare or wrapped.

        With ``paginate``, pages are requested (``pageinate=true&page_size&page_no``)
        until one comes back short, ``record_count`` is reached, or a page holds nothing
        new: an endpoint that ignores paging answers everything on the first page.
        """
        if not paginate:
            return (await self._page(path, params)).records
        records: Records = []
        seen: set[str] = set()
        page_no = 0
        while True:
            page_no += 1
            paging = {"pageinate": True, "page_size": page_size, "page_no": page_no}
            page = await self._page(path, {**(params or {}), **paging})
            fresh = [record for record in page.records if _identity(record) not in seen]
            seen.update(map(_identity, fresh))
            records.extend(fresh)
            complete = page.total is not None and len(records) >= page.total
            if not fresh or complete or len(page.records) < page_size:
                return records

    async def post(self, path: str, records: Sequence[Mapping[str, Any]]) -> Records:
        """Save ``records`` in one POST; returns what Halo answered, to match by guid.

        Halo may answer fewer records than were sent. A ``ResponseError`` here means the
        write was accepted but its answer unreadable; ``OutcomeUnknownError`` that it may
        or may not have happened: either way, re-read by guid before trying again.
        """
        if not records:
            return []
        # ask for every saved record back: honoured where Halo batch processes (FACTS:
        # HaloAPI's -ReturnAll); where not, the caller re-reads the ones left out
        params = {"returnall": "true"} if len(records) > 1 else None
        response = await self._call(
            "POST", path, params=params, body=[dict(record) for record in records]
        )
        return self._read(response, path, lambda text: shapes.saved(shapes.decode(text)))

    async def delete(self, path: str, id: int | str) -> Record | None:
        """Delete ``{path}/{id}``; returns the deleted record when Halo sends it back.

        DELETE is retried like a read, so a retry after a lost answer can meet a 404
        (``NotFoundError``) for a record that the first attempt did delete.
        """
        target = f"{path.rstrip('/')}/{quote(str(id), safe='')}"
        response = await self._call("DELETE", target)
        return self._read(
            response, target, lambda text: shapes.deleted(shapes.decode(text, required=False))
        )

    async def _page(self, path: str, params: Params | None) -> Page:
        response = await self._call("GET", path, params=params)
        return self._read(response, path, lambda text: shapes.page(shapes.decode(text), path))

    async def _call(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> httpx.Response:
        """Send with a bearer token; on a 401 renew the token once and send again."""
        path = path if path.startswith("/") else f"/{path}"
        url = f"{self.credentials.api_url}{path}"
        extra: dict[str, Any] = {}
        if params:
            extra["params"] = {key: value for key, value in params.items() if value is not None}
        if body is not None:
            extra["json"] = body
        token = await self._tokens.bearer()
        response = await self._session.send(
            method, url, path=path, headers=_bearer(token), accept={_UNAUTHORISED}, **extra
        )
        if response.status_code != _UNAUTHORISED:
            return response
        token = await self._tokens.bearer(rejected=token)
        return await self._session.send(
            method, url, path=path, headers=_bearer(token), resend=True, **extra
        )

    def _read(self, response: httpx.Response, path: str, parse: Callable[[str], _T]) -> _T:
        """``parse`` the body; a body that is not what Halo sends names this request."""
        with self._session.reading(response, path):
            return parse(response.text)


def _bearer(token: str) -> dict[str, str]:
    """The header an API call carries; built per request, never stored or logged."""
    return {"Authorization": f"Bearer {token}"}


def _identity(record: Record) -> str:
    """What makes a record the same record on two pages."""
    key = record["id"] if record.get("id") is not None else record
    return canonical_json(key)


def _tls(verify: bool | str) -> bool | ssl.SSLContext:
    """httpx's ``verify`` from ours: a CA bundle path becomes a context, checked now."""
    if isinstance(verify, bool):
        return verify
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"cannot use the CA bundle {verify}: {exc}") from None
