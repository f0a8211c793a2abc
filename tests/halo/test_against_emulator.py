"""The client against the in-process emulator: real auth, real shapes, real faults.

The emulator is built from the published Halo facts alone, independently of this client,
so these tests catch a client that only agrees with its own mocks.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from haloform.errors import (
    AuthError,
    HaloValidationError,
    NotFoundError,
    OutcomeUnknownError,
    TransportError,
)
from haloform.halo import Credentials, HaloClient, RateLimiter
from tests.halo.conftest import MakeClient, fast_retry

emulator = pytest.importorskip("haloform.emulator", reason="the emulator is not built yet")

BASE = "http://127.0.0.1"


def emulator_credentials(**overrides: str) -> Credentials:
    fields = {"url": BASE, "client_id": "haloform-emulator", "client_secret": "emulator-secret"}
    return Credentials.model_validate({**fields, **overrides})


def guid() -> str:
    return str(uuid.uuid4())


class TenantClock:
    """The emulator's clock: real time plus a jump, so a test can age tokens at once."""

    def __init__(self) -> None:
        self.jump = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.jump


@pytest.fixture
def tenant_clock() -> TenantClock:
    return TenantClock()


@pytest.fixture
def emu(tenant_clock: TenantClock) -> Iterator[Any]:
    instance = emulator.Emulator(emulator.EmulatorConfig(), clock=tenant_clock)
    yield instance
    instance.close()


@pytest.fixture
async def make_client(emu: Any) -> AsyncIterator[MakeClient]:
    made: list[HaloClient] = []

    def make(creds: Credentials | None = None, **options: Any) -> HaloClient:
        options.setdefault("retry", fast_retry())
        client = HaloClient(
            creds or emulator_credentials(), transport=emulator.emulator_transport(emu), **options
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def halo(make_client: MakeClient) -> HaloClient:
    return make_client()


# --- auth -------------------------------------------------------------------------------


async def test_discovery_through_authinfo_names_the_emulated_tenant(halo: HaloClient) -> None:
    assert isinstance(await halo.list("/Workflow"), list)
    assert halo.stats.auth == {"GET /api/authinfo": 1, "POST /auth/token": 1}


async def test_an_explicit_auth_url_and_tenant_work_too(make_client: MakeClient) -> None:
    creds = emulator_credentials(auth_url=f"{BASE}/auth", tenant="emulator")
    client = make_client(creds)
    await client.list("/Agent")
    assert "GET /api/authinfo" not in client.stats.auth


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [({"client_secret": "wrong-secret"}, "invalid_client"), ({"tenant": "acme"}, "unknown tenant")],
)
async def test_the_emulator_refuses_wrong_credentials(
    make_client: MakeClient, overrides: dict[str, str], complaint: str
) -> None:
    with pytest.raises(AuthError, match=complaint) as caught:
        await make_client(emulator_credentials(**overrides)).list("/Workflow")
    assert "wrong-secret" not in str(caught.value)


async def test_a_token_the_tenant_expired_early_is_renewed(
    halo: HaloClient, tenant_clock: TenantClock
) -> None:
    await halo.list("/Workflow")
    tenant_clock.jump += 4000  # the tenant now considers the client's token expired
    await halo.list("/Workflow")
    assert halo.stats.auth["POST /auth/token"] == 2
    assert halo.stats.retries["GET /Workflow"] == 1


# --- records ----------------------------------------------------------------------------


async def test_a_workflow_round_trip_keeps_its_guid(halo: HaloClient) -> None:
    wanted = guid()
    (saved,) = await halo.post("/Workflow", [{"guid": wanted, "name": "Incident Lifecycle"}])
    assert saved["guid"] == wanted
    assert isinstance(saved["id"], int)
    listed = await halo.list("/Workflow", {"includeinactive": True})
    assert wanted in {record["guid"] for record in listed}
    detail = await halo.get_object(f"/Workflow/{saved['id']}", {"includedetails": True})
    assert detail["name"] == "Incident Lifecycle"
    await halo.delete("/Workflow", saved["id"])
    with pytest.raises(NotFoundError):
        await halo.get_object(f"/Workflow/{saved['id']}")


@pytest.mark.parametrize("answer", ["array", "first"])
async def test_a_batched_post_answers_some_or_all_records(
    emu: Any, halo: HaloClient, answer: str
) -> None:
    emu.config.post_many_response = answer
    sent = [{"guid": guid(), "name": f"Rule {n}"} for n in range(3)]
    saved = await halo.post("/TicketRules", sent)
    assert len(saved) == (3 if answer == "array" else 1)
    assert {record["guid"] for record in saved} <= {record["guid"] for record in sent}


@pytest.mark.parametrize("answer", ["object", "empty"])
async def test_delete_answers_either_way(emu: Any, halo: HaloClient, answer: str) -> None:
    emu.config.delete_response = answer
    (saved,) = await halo.post("/TicketRules", [{"guid": guid(), "name": "Doomed"}])
    gone = await halo.delete("/TicketRules", saved["id"])
    assert (gone is None) == (answer == "empty")


@pytest.mark.parametrize("shape", ["bare", "wrapped"])
async def test_event_rules_list_bare_or_wrapped(emu: Any, halo: HaloClient, shape: str) -> None:
    emu.config.eventrule_list = shape
    await halo.post("/EventRule", [{"guid": guid(), "name": "RMM disk alerts"}])
    assert [record["name"] for record in await halo.list("/EventRule")] == ["RMM disk alerts"]


async def test_a_rejected_post_carries_halos_field_paths(halo: HaloClient) -> None:
    with pytest.raises(HaloValidationError) as caught:
        await halo.post("/TicketRules", [{"guid": guid(), "name": "ok"}, {"guid": guid()}])
    assert caught.value.errors == {"[1].name": "Name is required"}


async def test_lookups_read_the_same_paginated_or_not(halo: HaloClient) -> None:
    whole = await halo.list("/Agent")
    paged = await halo.list("/Agent", paginate=True, page_size=3)
    assert paged == whole
    assert len(whole) > 3


# --- faults -----------------------------------------------------------------------------


async def test_the_client_limiter_keeps_the_tenant_from_saying_429(
    emu: Any, make_client: MakeClient
) -> None:
    emu.config.faults.rate_limit, emu.config.faults.rate_window_s = 3, 0.02
    client = make_client(rate_limit=RateLimiter(3, 0.05))  # slack for in-process latency
    for _ in range(6):
        await client.list("/Team")
    assert sum(client.stats.retries.values()) == 0


async def test_429s_are_waited_out(emu: Any, make_client: MakeClient) -> None:
    emu.config.faults.rate_limit, emu.config.faults.rate_window_s = 2, 0.03
    emu.config.faults.retry_after = True  # says 1 s; the test's sleep shortens it

    async def brief(seconds: float) -> None:
        await asyncio.sleep(min(seconds, 0.01))

    client = make_client(retry=fast_retry(max_retries=20, sleep=brief))
    for _ in range(5):
        await client.list("/Status")
    assert client.stats.retries["GET /Status"] > 0


async def test_reads_survive_random_server_errors_and_drops(
    emu: Any, make_client: MakeClient
) -> None:
    emu.config.faults.error_rate, emu.config.faults.drop_rate, emu.config.faults.seed = 0.3, 0.2, 7
    client = make_client(retry=fast_retry(max_retries=12))
    for _ in range(10):
        await client.list("/Priority")
    assert sum(client.stats.retries.values()) > 0


async def test_a_write_whose_answer_is_lost_is_reported_and_can_be_re_read(
    emu: Any, halo: HaloClient
) -> None:
    emu.config.faults.commit_then_fail_rate = 1.0
    wanted = guid()
    with pytest.raises(OutcomeUnknownError):
        await halo.post("/TicketRules", [{"guid": wanted, "name": "Lost answer"}])
    emu.config.faults.commit_then_fail_rate = 0.0
    assert wanted in {record["guid"] for record in await halo.list("/TicketRules")}
    assert halo.stats.api["POST /TicketRules"] == 1


async def test_a_dropped_write_is_never_resent(emu: Any, halo: HaloClient) -> None:
    await halo.list("/Workflow")  # authenticate before the faults start
    emu.config.faults.drop_rate = 1.0
    with pytest.raises(OutcomeUnknownError):
        await halo.post("/Workflow", [{"guid": guid(), "name": "Dropped"}])
    with pytest.raises(TransportError):
        await halo.list("/Workflow")
    assert halo.stats.api["POST /Workflow"] == 1
    assert halo.stats.api["GET /Workflow"] == 1 + 4


# --- over a real socket -------------------------------------------------------------------


async def test_over_tcp_a_lost_write_and_a_slow_read_are_told_apart(emu: Any) -> None:
    with emulator.running_server(emu) as base:
        creds = emulator_credentials(url=base)
        async with HaloClient(creds, retry=fast_retry(max_retries=0), timeout=0.1) as client:
            assert await client.list("/Team", {"pageinate": True}) != []
            emu.config.faults.drop_rate = 1.0
            with pytest.raises(OutcomeUnknownError, match="re-read by guid"):
                await client.post("/Workflow", [{"guid": guid(), "name": "Dropped"}])
            emu.config.faults.drop_rate, emu.config.faults.latency_ms = 0.0, 150.0
            with pytest.raises(TransportError, match=r"no complete answer from .* within 0\.1 s"):
                await client.list("/Workflow")
            assert client.stats.api["POST /Workflow"] == 1
            assert client.stats.api["GET /Workflow"] == 1
