"""The bearer token: where to get it, when to reuse it, when to renew it.

Halo signs API applications in with OAuth2 client credentials. Hosted tenants publish
their authorisation server at ``GET {url}/api/authinfo`` (``auth_url``, ``tenant_id``);
self-hosted ones serve it at ``{url}/auth``. An explicit ``auth_url`` wins, authinfo is
asked next, and ``{url}/auth/token`` is the fallback when authinfo is missing or says
nothing usable. A token is reused until shortly before it expires; a 401 from the API
forces one renewal (``TokenProvider.bearer(rejected=...)``), shared by every request that
saw the same stale token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from haloform.errors import AuthError, ConfigError, HaloError, TransportError
from haloform.halo.credentials import Credentials, check_url
from haloform.halo.failures import describe_body
from haloform.halo.ratelimit import Clock
from haloform.halo.session import Session
from haloform.halo.shapes import ShapeError, decode, kind_of

log = logging.getLogger(__name__)

DEFAULT_LIFETIME_S = 3600.0
"""Assumed when the token answer has no ``expires_in``; Halo's examples show 3600."""
_REFUSALS = frozenset({400, 401, 403, 404})


@dataclass(frozen=True)
class TokenEndpoint:
    """Where tokens come from, and the tenant named there."""

    url: str
    tenant: str | None = None

    @property
    def params(self) -> dict[str, str]:
        return {"tenant": self.tenant} if self.tenant else {}

    @property
    def path(self) -> str:
        return httpx.URL(self.url).path


@dataclass(frozen=True)
class Token:
    """An access token and the clock reading after which it is not reused."""

    value: str = field(repr=False)
    renew_at: float


class TokenProvider:
    """Hands out a valid bearer token, fetching one at a time however many ask at once."""

    def __init__(
        self,
        credentials: Credentials,
        session: Session,
        *,
        clock: Clock = time.monotonic,
        margin_s: float = 60.0,
    ) -> None:
        self._credentials = credentials
        self._session = session
        self._clock = clock
        self._margin_s = margin_s
        self._token: Token | None = None
        self._endpoint: TokenEndpoint | None = None
        self._lock = asyncio.Lock()
        session.redact.add(credentials.client_secret.get_secret_value())

    def __repr__(self) -> str:
        return f"TokenProvider({self._credentials.url!r}, token={self._token is not None})"

    async def bearer(self, *, rejected: str | None = None) -> str:
        """A token to send; ``rejected`` is one the tenant just refused, never handed out again."""
        if (token := self._usable(rejected)) is not None:
            return token
        async with self._lock:
            if (token := self._usable(rejected)) is None:
                fetched = await self._fetch()
                self._token, token = fetched, fetched.value
            return token

    def _usable(self, rejected: str | None) -> str | None:
        token = self._token
        if token is None or token.value == rejected or self._clock() >= token.renew_at:
            return None
        return token.value

    async def endpoint(self) -> TokenEndpoint:
        """The token endpoint, discovered once."""
        if self._endpoint is None:
            self._endpoint = await self._discover()
            log.debug("token endpoint %s (tenant %s)", self._endpoint.url, self._endpoint.tenant)
        return self._endpoint

    async def _discover(self) -> TokenEndpoint:
        creds = self._credentials
        if creds.auth_url:
            return TokenEndpoint(f"{creds.auth_url}/token", creds.tenant)
        info = await self._authinfo()
        if info is not None:
            auth_url, tenant_id = info
            return TokenEndpoint(f"{auth_url}/token", creds.tenant or tenant_id)
        return TokenEndpoint(f"{creds.url}/auth/token", creds.tenant)

    async def _authinfo(self) -> tuple[str, str | None] | None:
        """``auth_url`` and ``tenant_id`` from ``/api/authinfo``, or None when unusable."""
        url = f"{self._credentials.api_url}/authinfo"
        try:
            response = await self._session.send("GET", url, path="/api/authinfo", auth=True)
            body = decode(response.text)
        except TransportError:
            raise  # the host is unreachable: a fallback URL on it would fail the same way
        except (HaloError, ShapeError) as exc:
            log.debug("no usable /api/authinfo (%s); falling back to /auth/token", exc)
            return None
        found = _field(body, "auth_url")
        if not isinstance(found, str) or not found.strip():
            return None
        try:
            base = httpx.URL(f"{self._credentials.url}/").join(found.strip())
            auth_url = check_url(str(base), "the auth_url from /api/authinfo", drop_suffix="/token")
        except (ConfigError, httpx.InvalidURL) as exc:
            log.warning("ignoring /api/authinfo: %s", exc)
            return None
        tenant = _field(body, "tenant_id")
        return auth_url, str(tenant) if tenant not in (None, "") else None

    async def _fetch(self) -> Token:
        endpoint = await self.endpoint()
        creds = self._credentials
        form = {
            "grant_type": "client_credentials",
            "client_id": creds.client_id,
            "client_secret": creds.client_secret.get_secret_value(),
            "scope": creds.scope,
        }
        response = await self._session.send(
            "POST",
            endpoint.url,
            path=endpoint.path,
            params=endpoint.params,
            data=form,
            idempotent=True,
            accept=_REFUSALS,
            auth=True,
        )
        if response.status_code in _REFUSALS:
            raise self._refused(response, endpoint)
        token = self._read_token(response, endpoint)
        self._session.redact.add(token.value)
        return token

    def _refused(self, response: httpx.Response, endpoint: TokenEndpoint) -> AuthError:
        status = response.status_code
        where: dict[str, Any] = {"method": "POST", "path": endpoint.path, "status": status}
        if status == 404:
            return AuthError(
                f"no token endpoint at {endpoint.url}; set the auth URL (HALO_AUTH_URL) "
                "to the tenant's authorisation server",
                **where,
            )
        message, _ = describe_body(response)
        return AuthError(
            f"the token endpoint refused client id {self._credentials.client_id!r}: "
            f"{self._session.redact(message)} (check the client id and secret, the tenant "
            f"and the scope {self._credentials.scope!r})",
            **where,
        )

    def _read_token(self, response: httpx.Response, endpoint: TokenEndpoint) -> Token:
        with self._session.reading(response, endpoint.path):
            body = decode(response.text)
            if not isinstance(body, dict):
                raise ShapeError(f"the token endpoint answered {kind_of(body)}, not a token")
            value = body.get("access_token")
            if not isinstance(value, str) or not value.strip():
                raise ShapeError(f"the token answer has no access_token: {kind_of(body)}")
        lifetime = _seconds(body.get("expires_in"))
        if lifetime is None:
            log.debug("token answer has no usable expires_in; assuming %.0f s", DEFAULT_LIFETIME_S)
            lifetime = DEFAULT_LIFETIME_S
        return Token(value, self._clock() + lifetime - min(self._margin_s, lifetime / 2))


def _field(body: Any, name: str) -> Any:
    """``body[name]``, matching the key's case loosely (``AuthUrl``, ``auth_url``)."""
    if not isinstance(body, dict):
        return None
    wanted = name.replace("_", "").lower()
    return next((v for k, v in body.items() if k.replace("_", "").lower() == wanted), None)


def _seconds(value: Any) -> float | None:
    """A non-negative number of seconds from a JSON number or numeric string."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None
