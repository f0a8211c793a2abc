"""Failed exchanges become haloform's typed errors, in Halo's words and plain English."""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpx
import pytest

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
from haloform.halo import Credentials, HaloClient
from haloform.halo.failures import (
    MASK,
    Redactor,
    describe_body,
    error_for_response,
    transport_error,
)
from tests.halo.conftest import SECRET, FakeTenant, MakeClient

URL = "https://acme.halopsa.com/api/Workflow"


def answer(status: int, method: str = "GET", **body: Any) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request(method, URL), **body)


def mapped(response: httpx.Response, *, idempotent: bool = True, attempts: int = 1) -> HaloError:
    return error_for_response(
        response, path="/Workflow", idempotent=idempotent, attempts=attempts, redact=Redactor()
    )


# --- Halo's error bodies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message", "fields"),
    [
        (
            {"json": {"[0].name": "The name field is required.", "[0].steps[1].name": "Too long"}},
            "[0].name: The name field is required.; [0].steps[1].name: Too long",
            {"[0].name": "The name field is required.", "[0].steps[1].name": "Too long"},
        ),
        (
            {
                "json": {
                    "title": "One or more validation errors occurred.",
                    "errors": {"[0].name": ["Required", "Too short"]},
                    "status": 400,
                }
            },
            "One or more validation errors occurred. [0].name: Required; Too short",
            {"[0].name": "Required; Too short"},
        ),
        ({"json": {"resultCode": 2, "errorMessage": "Duplicate guid"}}, "Duplicate guid", {}),
        (
            {"json": {"ClassName": "System.Exception", "Message": "Invalid workflow"}},
            "Invalid workflow",
            {},
        ),
        (
            {"json": {"Message": "The request is invalid.", "ExceptionMessage": "Bad step"}},
            "Bad step",
            {},
        ),
        ({"json": {"message": "lower-case message"}}, "lower-case message", {}),
        ({"json": {"error": "Rate Limit Reached"}}, "Rate Limit Reached", {}),
        ({"json": {"error": {"message": "nested"}}}, "nested", {}),
        (
            {"json": {"error": "invalid_scope", "error_description": "scope all not allowed"}},
            "invalid_scope: scope all not allowed",
            {},
        ),
        ({"json": "just a string"}, "just a string", {}),
        (
            {"json": ["first problem", {"Message": "second problem"}]},
            "first problem; second problem",
            {},
        ),
        ({"text": "Bad Request: name missing\n"}, "Bad Request: name missing", {}),
        (
            {"text": "<html><head><title>400 Bad Request</title></head></html>"},
            "an HTML page titled '400 Bad Request' instead of JSON (is the URL the Halo instance?)",
            {},
        ),
        ({"text": ""}, "", {}),
    ],
    ids=[
        "field-paths",
        "problem-details",
        "resultCode",
        "ClassName",
        "ExceptionMessage",
        "message",
        "error",
        "nested-error",
        "oauth",
        "string",
        "list",
        "text",
        "html",
        "empty",
    ],
)
def test_every_error_body_form_gives_halos_words(
    body: dict[str, Any], message: str, fields: dict[str, str]
) -> None:
    assert describe_body(answer(400, **body)) == (message, fields)


def test_a_long_text_body_is_cut_short() -> None:
    said, _ = describe_body(answer(500, text="stack frame\n" * 1000))
    assert len(said) <= 300
    assert said.endswith("...")


def test_a_400_is_a_validation_error_carrying_the_field_paths() -> None:
    error = mapped(answer(400, "POST", json={"[0].name": "The name field is required."}))
    assert isinstance(error, HaloValidationError)
    assert error.errors == {"[0].name": "The name field is required."}
    assert str(error) == (
        "POST /Workflow -> 400: Halo rejected the request: [0].name: The name field is required."
    )


@pytest.mark.parametrize(
    ("status", "method", "idempotent", "kind", "text"),
    [
        (401, "GET", True, AuthError, "GET /Workflow -> 401: the tenant refused the access token"),
        (403, "GET", True, AuthError, "forbidden (check the API application's permissions"),
        (404, "GET", True, NotFoundError, "GET /Workflow -> 404: not found"),
        (422, "POST", False, HaloValidationError, "Halo rejected the request"),
        (429, "GET", True, RateLimitedError, "rate limited"),
        (500, "GET", True, ServerError, "server error"),
        (503, "DELETE", True, ServerError, "server error"),
        (500, "POST", False, OutcomeUnknownError, "server error on a write; it may or may not"),
        (409, "POST", False, HaloError, "unexpected answer 409"),
    ],
)
def test_statuses_map_to_typed_errors(
    status: int, method: str, idempotent: bool, kind: type[HaloError], text: str
) -> None:
    error = mapped(answer(status, method), idempotent=idempotent)
    assert type(error) is kind
    assert error.status == status
    assert text in str(error)


def test_the_attempt_count_is_reported_after_retries() -> None:
    error = mapped(answer(429, text="Rate Limit Reached"), attempts=7)
    assert str(error) == "GET /Workflow -> 429: rate limited (after 7 attempts): Rate Limit Reached"


def test_a_redirect_is_explained_without_its_query() -> None:
    error = mapped(answer(302, headers={"Location": "https://login.example.com/sso?state=xyz"}))
    assert type(error) is HaloError
    assert "redirected to https://login.example.com/sso; is the URL the Halo instance" in str(error)
    assert "xyz" not in str(error)


async def test_the_client_does_not_follow_redirects(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("POST", "/api/Workflow", httpx.Response(307, headers={"Location": "/elsewhere"}))
    with pytest.raises(HaloError, match="redirected to /elsewhere"):
        await client.post("/Workflow", [{"guid": "g"}])
    assert [r.url.path for r in tenant.requests if r.method == "POST"][-1] == "/api/Workflow"


# --- transport failures ------------------------------------------------------------------


def failure(exc: httpx.TransportError, cause: BaseException | None = None) -> httpx.TransportError:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (
            failure(httpx.ConnectError("x"), socket.gaierror(socket.EAI_NONAME, "not known")),
            "could not resolve host acme.halopsa.com",
        ),
        (
            failure(httpx.ConnectError("x"), socket.gaierror(socket.EAI_AGAIN, "again")),
            "could not resolve host acme.halopsa.com (temporary DNS failure)",
        ),
        (
            failure(httpx.ConnectError("x"), ssl.SSLCertVerificationError(1, "verify failed")),
            "TLS certificate verification failed for acme.halopsa.com",
        ),
        (
            failure(httpx.ConnectError("x"), ssl.SSLError(1, "wrong version")),
            "TLS handshake with acme.halopsa.com failed",
        ),
        (
            failure(httpx.ConnectError("x"), ConnectionRefusedError(111, "refused")),
            "connection refused by acme.halopsa.com:443",
        ),
        (
            failure(httpx.ConnectError("All connection attempts failed")),
            "could not connect to acme.halopsa.com: All connection attempts failed",
        ),
        (failure(httpx.ConnectTimeout("")), "timed out after 30 s connecting to acme.halopsa.com"),
        (
            failure(httpx.ReadTimeout("")),
            "timed out after 30 s waiting for acme.halopsa.com to answer",
        ),
        (failure(httpx.WriteTimeout("")), "timed out after 30 s sending the request"),
        (failure(httpx.PoolTimeout("")), "timed out after 30 s waiting for a free connection"),
        (
            failure(httpx.RemoteProtocolError("Server disconnected")),
            "the connection to acme.halopsa.com broke before the answer arrived: Server disc",
        ),
        (failure(httpx.UnsupportedProtocol("no")), "cannot send to https:// URLs"),
    ],
)
def test_transport_failures_are_explained_in_plain_words(
    exc: httpx.TransportError, message: str
) -> None:
    error = transport_error(
        exc,
        httpx.Request("GET", URL),
        path="/Workflow",
        timeout_s=30.0,
        outcome_unknown=False,
        redact=Redactor(),
    )
    assert type(error) is TransportError
    assert str(error).startswith(f"GET /Workflow: {message}")


def test_a_lost_write_answer_says_what_to_do() -> None:
    error = transport_error(
        failure(httpx.ReadError("reset")),
        httpx.Request("POST", URL),
        path="/Workflow",
        timeout_s=30.0,
        outcome_unknown=True,
        redact=Redactor(),
    )
    assert isinstance(error, OutcomeUnknownError)
    assert str(error).endswith("re-read by guid before sending it again")


async def test_a_real_refused_connection(make_client: MakeClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    creds = Credentials(url=f"http://127.0.0.1:{port}", client_id="ci", client_secret=SECRET)
    client = make_client(creds, transport=None)
    with pytest.raises(TransportError, match=f"connection refused by 127.0.0.1:{port}"):
        await client.list("/Workflow")


def test_timeouts_in_messages_use_the_configured_value() -> None:
    error = transport_error(
        failure(httpx.ReadTimeout("")),
        httpx.Request("GET", URL),
        path="/Workflow",
        timeout_s=2.5,
        outcome_unknown=False,
        redact=Redactor(),
    )
    assert "timed out after 2.5 s" in str(error)


# --- redaction ----------------------------------------------------------------------------


def test_the_redactor_masks_secrets_and_their_url_encodings() -> None:
    redact = Redactor("a+b/c=d")
    assert redact("x a+b/c=d y a%2Bb%2Fc%3Dd z") == f"x {MASK} y {MASK} z"
    assert Redactor("")("nothing to hide") == "nothing to hide"
    assert "a+b" not in repr(redact)
