"""OAuth2 client credentials, as Halo's /auth/token does it, and the bearer check."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from haloform.emulator import Emulator, EmulatorConfig

from .conftest import CREDENTIALS, FakeClock, client_for, fetch_token


async def test_authinfo_is_open_and_points_at_the_auth_server(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/authinfo")
    assert response.status_code == 200
    assert response.json() == {"auth_url": "http://halo.test/auth", "tenant_id": "emulator"}


async def test_token_answers_a_bearer_token_with_its_lifetime(anon: httpx.AsyncClient) -> None:
    response = await anon.post("/auth/token", params={"tenant": "emulator"}, data=CREDENTIALS)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert len(body["access_token"]) >= 32


@pytest.mark.parametrize(
    ("params", "form", "error"),
    [
        ({"tenant": "someone-else"}, {}, "invalid_request"),
        ({}, {"client_secret": "wrong"}, "invalid_client"),
        ({}, {"client_id": "intruder"}, "invalid_client"),
        ({}, {"grant_type": "password"}, "unsupported_grant_type"),
    ],
)
async def test_token_refuses_wrong_tenant_credentials_or_grant(
    anon: httpx.AsyncClient, params: dict[str, str], form: dict[str, str], error: str
) -> None:
    response = await anon.post("/auth/token", params=params, data={**CREDENTIALS, **form})
    assert response.status_code == 400
    assert response.json()["error"] == error


@pytest.mark.parametrize("config", [EmulatorConfig(client_id="ci", client_secret="s3cret")])
async def test_configured_credentials_replace_the_defaults(anon: httpx.AsyncClient) -> None:
    assert (await anon.post("/auth/token", data=CREDENTIALS)).status_code == 400
    assert await fetch_token(anon, client_id="ci", client_secret="s3cret")


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer not-a-token", "Basic aGFsbzpoYWxv"]
)
async def test_api_calls_without_a_valid_bearer_token_are_401(
    anon: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await anon.get("/api/Workflow", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_token_scheme_is_case_insensitive(anon: httpx.AsyncClient) -> None:
    token = await fetch_token(anon)
    response = await anon.get("/api/Team", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


async def test_tokens_expire_after_their_lifetime(
    anon: httpx.AsyncClient, emu: Emulator, clock: FakeClock
) -> None:
    emu.config.token_ttl_s = 60
    headers = {"Authorization": f"Bearer {await fetch_token(anon)}"}
    clock.advance(59)
    assert (await anon.get("/api/Team", headers=headers)).status_code == 200
    clock.advance(1)
    assert (await anon.get("/api/Team", headers=headers)).status_code == 401
    headers = {"Authorization": f"Bearer {await fetch_token(anon)}"}
    assert (await anon.get("/api/Team", headers=headers)).status_code == 200


async def test_tokens_do_not_survive_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    config = EmulatorConfig(db_path=f"{tmp_path}/tenant.db")
    with Emulator(config, clock=clock) as first:
        async with client_for(first) as client:
            token = await fetch_token(client)
    with Emulator(config, clock=clock) as second:
        async with client_for(second) as client:
            headers = {"Authorization": f"Bearer {token}"}
            assert (await client.get("/api/Team", headers=headers)).status_code == 401
