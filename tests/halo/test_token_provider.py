"""Token discovery, reuse, expiry and renewal against a scripted tenant."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qs

import httpx
import pytest

from haloform.errors import AuthError, ResponseError, TransportError
from haloform.halo import Credentials, HaloClient
from haloform.halo.auth import TokenProvider
from haloform.halo.session import Session
from tests.halo.conftest import (
    AUTH,
    INSTANCE,
    SECRET,
    TOKEN_PREFIX,
    FakeClock,
    FakeTenant,
    MakeClient,
    fast_retry,
)

MakeProvider = Callable[..., TokenProvider]


@pytest.fixture
async def make_provider(
    tenant: FakeTenant, credentials: Credentials
) -> AsyncIterator[MakeProvider]:
    http = httpx.AsyncClient(transport=tenant.transport())

    def make(creds: Credentials | None = None, **options: object) -> TokenProvider:
        session = Session(http, retry=fast_retry())
        return TokenProvider(creds or credentials, session, **options)  # type: ignore[arg-type]

    yield make
    await http.aclose()


def token_requests(tenant: FakeTenant) -> list[httpx.Request]:
    return [r for r in tenant.requests if r.url.path.endswith("/token")]


def creds(**fields: str) -> Credentials:
    return Credentials.model_validate(
        {"url": INSTANCE, "client_id": "haloform-ci", "client_secret": SECRET, **fields}
    )


# --- where the token comes from ---------------------------------------------------------


async def test_authinfo_names_the_auth_server_and_the_tenant(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on(
        "GET",
        "/api/authinfo",
        httpx.Response(200, json={"auth_url": AUTH, "tenant_id": "acme", "extra": 1}),
    )
    provider = make_provider()
    assert await provider.bearer() == f"{TOKEN_PREFIX}-1"
    (request,) = token_requests(tenant)
    assert str(request.url) == f"{AUTH}/token?tenant=acme"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["haloform-ci"],
        "client_secret": [SECRET],
        "scope": ["all"],
    }


async def test_a_configured_tenant_overrides_authinfo(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on(
        "GET", "/api/authinfo", httpx.Response(200, json={"auth_url": AUTH, "tenant_id": "other"})
    )
    await make_provider(creds(tenant="acme", scope="admin")).bearer()
    (request,) = token_requests(tenant)
    assert request.url.params["tenant"] == "acme"
    assert parse_qs(request.content.decode())["scope"] == ["admin"]


async def test_an_explicit_auth_url_skips_authinfo(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on("POST", "/sso/token", tenant.issue_token)
    await make_provider(creds(auth_url="https://acme.halopsa.com/sso", tenant="acme")).bearer()
    assert [str(r.url) for r in tenant.requests] == [
        "https://acme.halopsa.com/sso/token?tenant=acme"
    ]


async def test_authinfo_may_give_a_relative_auth_url(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on("GET", "/api/authinfo", httpx.Response(200, json={"AuthUrl": "/auth/"}))
    await make_provider().bearer()
    (request,) = token_requests(tenant)
    assert str(request.url) == f"{INSTANCE}/auth/token"


@pytest.mark.parametrize(
    "authinfo",
    [
        httpx.Response(404),
        httpx.Response(500, text="boom"),
        httpx.Response(401, json={"Message": "no"}),
        httpx.Response(200, text="<html><title>Halo</title></html>"),
        httpx.Response(200, text='{"auth_url": '),
        httpx.Response(200, json={"tenant_id": "acme"}),
        httpx.Response(200, json={"auth_url": ""}),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"auth_url": "http://auth.example.com"}),
    ],
    ids=["404", "500", "401", "html", "truncated", "no-auth-url", "blank", "array", "plain-http"],
)
async def test_unusable_authinfo_falls_back_to_the_instance_auth_path(
    tenant: FakeTenant, make_provider: MakeProvider, authinfo: httpx.Response
) -> None:
    tenant.on("GET", "/api/authinfo", authinfo)
    await make_provider().bearer()
    (request,) = token_requests(tenant)
    assert str(request.url) == f"{INSTANCE}/auth/token"


async def test_fallback_still_names_a_configured_tenant(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on("GET", "/api/authinfo", httpx.Response(404))
    await make_provider(creds(tenant="acme")).bearer()
    (request,) = token_requests(tenant)
    assert str(request.url) == f"{INSTANCE}/auth/token?tenant=acme"


async def test_an_unreachable_host_is_reported_not_masked_by_the_fallback(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    dns.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    tenant.on("GET", "/api/authinfo", dns)
    with pytest.raises(TransportError, match=r"could not resolve host acme\.halopsa\.com"):
        await make_provider().bearer()
    assert token_requests(tenant) == []


async def test_discovery_happens_once(tenant: FakeTenant, make_provider: MakeProvider) -> None:
    provider = make_provider()
    await provider.bearer()
    await provider.bearer(rejected=f"{TOKEN_PREFIX}-1")
    assert len(tenant.sent("GET", "/api/authinfo")) == 1
    assert len(token_requests(tenant)) == 2


# --- the token answer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "complaint"),
    [
        (httpx.Response(200, json={"token_type": "Bearer"}), "no access_token"),
        (httpx.Response(200, json={"access_token": ""}), "no access_token"),
        (httpx.Response(200, json=["x"]), "answered a list of 1, not a token"),
        (httpx.Response(200, text="<!DOCTYPE html><html>login</html>"), "an HTML page"),
        (httpx.Response(200, text=""), "empty"),
    ],
)
async def test_a_token_answer_without_a_token_is_a_response_error(
    tenant: FakeTenant, make_provider: MakeProvider, answer: httpx.Response, complaint: str
) -> None:
    tenant.on("POST", "/auth/token", answer)
    with pytest.raises(ResponseError, match=complaint) as caught:
        await make_provider().bearer()
    assert caught.value.path == "/auth/token"


async def test_refused_credentials_are_an_auth_error_in_halos_words(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on(
        "POST",
        "/auth/token",
        httpx.Response(
            400,
            json={"error": "invalid_client", "error_description": "Client authentication failed"},
        ),
    )
    with pytest.raises(AuthError) as caught:
        await make_provider().bearer()
    message = str(caught.value)
    assert "invalid_client: Client authentication failed" in message
    assert "'haloform-ci'" in message
    assert caught.value.status == 400
    assert len(token_requests(tenant)) == 1  # a refusal is not retried


async def test_a_missing_token_endpoint_points_at_the_auth_url_setting(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on("POST", "/auth/token", httpx.Response(404))
    with pytest.raises(AuthError, match=r"no token endpoint at .*/auth/token; set the auth URL"):
        await make_provider().bearer()


async def test_a_failing_token_endpoint_is_retried(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    tenant.on(
        "POST", "/auth/token", httpx.Response(503), httpx.ReadError("reset"), tenant.issue_token
    )
    assert await make_provider().bearer() == f"{TOKEN_PREFIX}-1"
    assert len(token_requests(tenant)) == 3


# --- reuse and expiry ---------------------------------------------------------------------


async def test_a_token_is_reused_until_a_margin_before_expiry(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    clock = FakeClock()
    tenant.expires_in = 600
    provider = make_provider(clock=clock, margin_s=60.0)
    first = await provider.bearer()
    clock.now = 539.9
    assert await provider.bearer() == first
    clock.now = 540.0
    assert await provider.bearer() == f"{TOKEN_PREFIX}-2"


@pytest.mark.parametrize(
    ("expires_in", "renew_at"), [(None, 3540.0), ("1200", 1140.0), ("soon", 3540.0), (-5, 3540.0)]
)
async def test_an_absent_or_odd_lifetime_is_taken_as_an_hour(
    tenant: FakeTenant, make_provider: MakeProvider, expires_in: object, renew_at: float
) -> None:
    clock = FakeClock()
    tenant.expires_in = expires_in
    provider = make_provider(clock=clock)
    await provider.bearer()
    clock.now = renew_at - 0.1
    await provider.bearer()
    clock.now = renew_at
    await provider.bearer()
    assert tenant.tokens_issued == 2


async def test_the_margin_is_capped_for_short_lifetimes(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    clock = FakeClock()
    tenant.expires_in = 10
    provider = make_provider(clock=clock, margin_s=60.0)
    await provider.bearer()
    clock.now = 4.9
    await provider.bearer()
    assert tenant.tokens_issued == 1
    clock.now = 5.0
    await provider.bearer()
    assert tenant.tokens_issued == 2


async def test_concurrent_callers_share_one_token_fetch(
    tenant: FakeTenant, make_provider: MakeProvider
) -> None:
    provider = make_provider()
    tokens = await asyncio.gather(*(provider.bearer() for _ in range(20)))
    assert set(tokens) == {f"{TOKEN_PREFIX}-1"}
    assert len(tenant.sent("GET", "/api/authinfo")) == 1
    assert len(token_requests(tenant)) == 1


# --- through the client -------------------------------------------------------------------


async def test_the_client_sends_the_bearer_token_and_reuses_it(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("GET", "/api/Workflow", httpx.Response(200, json=[]))
    await client.list("/Workflow")
    await client.list("/Workflow")
    assert tenant.tokens_issued == 1
    for request in tenant.sent("GET", "/api/Workflow"):
        assert request.headers["Authorization"] == f"Bearer {TOKEN_PREFIX}-1"


def accept_only(token: str) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == f"Bearer {token}":
            return httpx.Response(200, json=[{"id": 1}])
        return httpx.Response(401, json={"Message": "Authorization has been denied"})

    return answer


async def test_a_401_renews_the_token_once_and_resends(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("GET", "/api/Workflow", accept_only(f"{TOKEN_PREFIX}-2"))
    assert await client.list("/Workflow") == [{"id": 1}]
    assert tenant.tokens_issued == 2
    assert len(tenant.sent("GET", "/api/Workflow")) == 2
    assert client.stats.retries["GET /Workflow"] == 1


async def test_a_post_refused_with_401_is_resent_after_renewal(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on(
        "POST",
        "/api/Workflow",
        httpx.Response(401),
        httpx.Response(200, json={"id": 5, "guid": "g"}),
    )
    assert await client.post("/Workflow", [{"guid": "g"}]) == [{"id": 5, "guid": "g"}]


async def test_a_second_401_is_an_auth_error(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("GET", "/api/Workflow", accept_only("never"))
    with pytest.raises(AuthError, match="refused the access token: Authorization has been denied"):
        await client.list("/Workflow")
    assert tenant.tokens_issued == 2
    assert len(tenant.sent("GET", "/api/Workflow")) == 2


async def test_concurrent_401s_share_one_renewal(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    client = make_client()
    tenant.on("GET", "/api/Agent", httpx.Response(200, json=[]))
    await client.list("/Agent")  # the first token, before anything fails
    tenant.on("GET", "/api/Workflow", accept_only(f"{TOKEN_PREFIX}-2"))
    results = await asyncio.gather(*(client.list("/Workflow") for _ in range(8)))
    assert results == [[{"id": 1}]] * 8
    assert tenant.tokens_issued == 2


async def test_a_403_is_not_cured_by_renewal(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("GET", "/api/Workflow", httpx.Response(403, json={"Message": "No access"}))
    with pytest.raises(AuthError, match=r"forbidden .*: No access"):
        await client.list("/Workflow")
    assert tenant.tokens_issued == 1
