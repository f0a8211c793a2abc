"""Turn a failed exchange with Halo into one of haloform's typed errors, in plain words.

Halo reports errors in several body forms (a field-path map on 400, ``resultCode`` /
``errorMessage``, a serialised .NET exception, ``Message``, OAuth's ``error``, plain
text, and HTML pages from proxies); the admin should read Halo's own words whichever
form came back. Every message passes through a ``Redactor`` before it is built into an
exception, so a server that echoes a secret back cannot put it in front of anyone.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

import httpx

from haloform.errors import (
    AuthError,
    HaloError,
    HaloValidationError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerError,
    TransportError,
)

MASK = "**********"
_BRIEF_CHARS = 300
_E = TypeVar("_E", bound=BaseException)
_UNKNOWN = "it may or may not have been saved: re-read by guid before sending it again"
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class Redactor:
    """Scrubs known secrets (the client secret, access tokens) from outgoing text."""

    def __init__(self, *secrets: str) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secrets)"

    def add(self, secret: str) -> None:
        """Also scrub ``secret``, and its URL-encoded forms as a form echo would show it."""
        if secret:
            self._secrets.update({secret, quote_plus(secret), quote(secret, safe="")})

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text


class DeadlineExceeded(httpx.TimeoutException):
    """A request took longer than its whole deadline (connect + send + the full answer)."""


def cause_of(exc: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of ``kind`` in ``exc``'s cause/context chain (itself included)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def brief(text: str, limit: int = _BRIEF_CHARS) -> str:
    """``text`` on one line and at most ``limit`` characters, for a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


MAX_JSON_DEPTH = 64
"""Deeper than any record Halo sends (and than a config file may nest): a body nested
further is refused, before it can exhaust the recursion limit of whatever reads it."""


def load_json(text: str) -> Any:
    """``json.loads``, refusing (``ValueError``) nesting deeper than ``MAX_JSON_DEPTH``."""
    try:
        body = json.loads(text)
    except RecursionError:
        body = None
    else:
        if not _nested_deeper(body, MAX_JSON_DEPTH):
            return body
    raise ValueError(f"it is nested more than {MAX_JSON_DEPTH} levels deep")


def _nested_deeper(value: Any, limit: int) -> bool:
    level: list[Any] = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) and item for item in level)


def looks_like_html(text: str) -> bool:
    """Whether a body is a web page (a proxy, a login page, the wrong URL) and not JSON."""
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype", "<html")) or "<head" in head or "<body" in head


def describe_html(text: str) -> str:
    """A web page summed up by its title, never dumped."""
    match = _TITLE.search(text)
    title = f" titled {brief(match.group(1), 80)!r}" if match and match.group(1).strip() else ""
    return f"an HTML page{title} instead of JSON (is the URL the Halo instance?)"


def describe_body(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """Halo's error message and its field-path errors (``{"[0].name": "..."}``)."""
    text = response.text
    if not text.strip():
        return "", {}
    if looks_like_html(text):
        return describe_html(text), {}
    try:
        body = load_json(text)
    except ValueError:
        return brief(text), {}
    return describe_json(body)


def describe_json(body: Any) -> tuple[str, dict[str, str]]:
    """Halo's message and field errors from a decoded error body, whatever its form."""
    if isinstance(body, str):
        return brief(body), {}
    if isinstance(body, list):
        parts = [describe_json(item)[0] for item in body]
        return brief("; ".join(part for part in parts if part)), {}
    if not isinstance(body, dict):
        return brief(json.dumps(body)), {}
    keys = {key.lower(): key for key in body}
    if isinstance(body.get(keys.get("errors", "")), dict):  # ASP.NET problem details
        fields = _field_errors(body[keys["errors"]])
        title = body.get(keys.get("title", ""))
        return _join(str(title) if title else "", fields), fields
    for key in ("errormessage", "exceptionmessage", "message", "error_description", "title"):
        if key in keys and body[keys[key]]:
            return _with_oauth_code(body, keys, describe_json(body[keys[key]])[0]), {}
    if "error" in keys and body[keys["error"]]:
        return describe_json(body[keys["error"]])
    fields = _field_errors(body)
    return (_join("", fields), fields) if fields else (brief(json.dumps(body)), {})


def _with_oauth_code(body: Mapping[str, Any], keys: Mapping[str, str], message: str) -> str:
    """Prefix OAuth's machine code (``invalid_client``) to its human description."""
    code = body.get(keys.get("error", ""))
    return f"{code}: {message}" if isinstance(code, str) and code else message


def _field_errors(body: Mapping[str, Any]) -> dict[str, str]:
    """Field path -> message, for values that are text or lists of text."""
    fields: dict[str, str] = {}
    for key, value in body.items():
        if isinstance(value, str):
            fields[str(key)] = brief(value)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            fields[str(key)] = brief("; ".join(value))
    return fields


def _join(title: str, fields: Mapping[str, str]) -> str:
    listed = "; ".join(f"{path}: {message}" for path, message in fields.items())
    return brief(" ".join(part for part in (title, listed) if part), 2 * _BRIEF_CHARS)


def error_for_response(
    response: httpx.Response,
    *,
    path: str,
    idempotent: bool,
    attempts: int,
    redact: Callable[[str], str],
) -> HaloError:
    """The typed error for a non-2xx answer that the retries could not get past."""
    status = response.status_code
    where: dict[str, Any] = {"method": response.request.method, "path": path, "status": status}
    if 300 <= status < 400:
        target = redact(_without_query(response.headers.get("Location", "")))
        return HaloError(
            f"redirected to {target or 'another page'}; is the URL the Halo instance "
            "itself (e.g. https://acme.halopsa.com)?",
            **where,
        )
    said, fields = describe_body(response)
    said = redact(said)
    if status in (400, 422):
        errors = {key: redact(value) for key, value in fields.items()}
        text = _say("Halo rejected the request", said)
        return HaloValidationError(text, errors=errors, **where)
    if status >= 500 and not idempotent:
        return OutcomeUnknownError(f"{_say('server error on a write', said)}; {_UNKNOWN}", **where)
    kind: type[HaloError]
    if status >= 500:
        kind, text = ServerError, "server error"
    else:
        kind, text = _STATUS_ERRORS.get(status, (HaloError, f"unexpected answer {status}"))
    if attempts > 1:
        text += f" (after {attempts} attempts)"
    return kind(_say(text, said), **where)


_STATUS_ERRORS: dict[int, tuple[type[HaloError], str]] = {
    401: (AuthError, "the tenant refused the access token"),
    403: (AuthError, "forbidden (check the API application's permissions and scope)"),
    404: (NotFoundError, "not found"),
    429: (RateLimitedError, "rate limited"),
}


def _say(text: str, said: str) -> str:
    """Our summary, then Halo's own words when it sent any."""
    return f"{text}: {said}" if said else text


def transport_error(
    exc: httpx.TransportError,
    request: httpx.Request,
    *,
    path: str,
    timeout_s: float,
    outcome_unknown: bool,
    redact: Callable[[str], str],
    attempts: int = 1,
) -> TransportError:
    """The typed error for a request that got no answer, saying why in plain words."""
    reason = _transport_reason(exc, request.url, timeout_s)
    if attempts > 1:
        reason += f" (after {attempts} attempts)"
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout) and "resolve" not in reason:
        reason += f"; tried {_without_query(str(request.url))}: {_CHECK_REACHABLE}"
    reason = redact(reason)
    kind = OutcomeUnknownError if outcome_unknown else TransportError
    message = f"{reason}; {_UNKNOWN}" if outcome_unknown else reason
    return kind(message, method=request.method, path=path)


_CHECK_REACHABLE = (
    "check that the URL (haloform.yaml's url, or HALO_URL) is the Halo instance, "
    "that it is up, and that no firewall or proxy blocks this machine"
)


def _transport_reason(exc: httpx.TransportError, url: httpx.URL, timeout_s: float) -> str:
    host, after = url.host, f"after {timeout_s:g} s"
    if isinstance(exc, DeadlineExceeded):
        return (
            f"no complete answer from {host} within {timeout_s:g} s (the deadline covers "
            "connecting, sending and the whole answer); the tenant is slow or stuck: "
            "try again later, or raise the environment's timeout_s"
        )
    if (cert := cause_of(exc, ssl.SSLCertVerificationError)) is not None:
        return (
            f"TLS certificate verification failed for {host}: "
            f"{_ssl_reason(cert)}; if the tenant uses a private CA, "
            "trust its CA bundle (an environment's ca_bundle in haloform.yaml)"
        )
    if (tls := cause_of(exc, ssl.SSLError)) is not None:
        return f"TLS handshake with {host} failed: {_ssl_reason(tls)}"
    if (gai := cause_of(exc, socket.gaierror)) is not None:
        temporary = " (temporary DNS failure)" if gai.errno == socket.EAI_AGAIN else ""
        return f"could not resolve host {host}{temporary}"
    if cause_of(exc, ConnectionRefusedError) is not None:
        return f"connection refused by {host}:{url.port or _default_port(url)}"
    timeouts: dict[type[httpx.TimeoutException], str] = {
        httpx.ConnectTimeout: f"timed out {after} connecting to {host}",
        httpx.ReadTimeout: f"timed out {after} waiting for {host} to answer",
        httpx.WriteTimeout: f"timed out {after} sending the request to {host}",
        httpx.PoolTimeout: f"timed out {after} waiting for a free connection to {host}",
    }
    for kind, text in timeouts.items():
        if isinstance(exc, kind):
            return text
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {host}: {detail}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"cannot send to {url.scheme}:// URLs ({detail})"
    return f"the connection to {host} broke before the answer arrived: {detail}"


def _ssl_reason(exc: ssl.SSLError) -> str:
    """OpenSSL's short reason (``self-signed certificate``) when it gave one."""
    reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None)
    return str(reason or exc)


def _without_query(location: str) -> str:
    try:
        return str(httpx.URL(location).copy_with(query=None, fragment=None))
    except httpx.InvalidURL:
        return ""


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80
