"""The retry contract: what is re-sent, what never is, and how long to wait."""

from __future__ import annotations

import socket
import ssl
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from haloform.errors import OutcomeUnknownError, RateLimitedError, ServerError, TransportError
from haloform.halo import HaloClient, RetryPolicy
from haloform.halo.retry import Failure, classify, parse_retry_after
from tests.halo.conftest import FakeClock, FakeTenant, MakeClient, fast_retry

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
REQUEST = httpx.Request("GET", "https://acme.halopsa.com/api/Workflow")


def caused_by(exc: httpx.TransportError, cause: BaseException) -> httpx.TransportError:
    exc.__cause__ = cause
    return exc


# --- the policy on its own ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 0.25 ", 0.25),
        ("0", 0.0),
        ("-3", 0.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        (format_datetime(NOW - timedelta(seconds=30), usegmt=True), 0.0),
        ("Sun, 01 Jun 2025 12:00:45", 45.0),  # no zone: read as GMT
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_backoff_doubles_up_to_the_cap_without_jitter() -> None:
    policy = RetryPolicy(jitter=0.0)
    assert [policy.delay(n) for n in range(1, 8)] == [5, 10, 20, 40, 60, 60, 60]


def test_backoff_survives_absurd_retry_numbers() -> None:
    assert RetryPolicy(jitter=0.0).delay(10_000) == 60.0


@pytest.mark.parametrize(("draw", "delay"), [(0.0, 20.0), (1.0, 15.0), (0.5, 17.5)])
def test_jitter_only_shortens_the_backoff(draw: float, delay: float) -> None:
    assert RetryPolicy(jitter=0.25, rand=lambda: draw).delay(3) == delay


def test_retry_after_wins_over_backoff_and_is_capped() -> None:
    policy = RetryPolicy(max_retry_after_s=120.0)
    assert policy.delay(1, "2") == 2.0
    assert policy.delay(5, "3600") == 120.0
    assert policy.delay(1, "garbage") <= 5.0


@pytest.mark.parametrize(
    ("status", "idempotent", "retried"),
    [
        (429, True, True),
        (429, False, True),
        (500, True, True),
        (502, True, True),
        (503, True, True),
        (504, True, True),
        (500, False, False),
        (503, False, False),
        (501, True, False),
        (400, True, False),
        (401, True, False),
        (404, True, False),
    ],
)
def test_which_statuses_are_retried(status: int, idempotent: bool, retried: bool) -> None:
    assert RetryPolicy().retries_status(status, idempotent=idempotent) is retried


@pytest.mark.parametrize(
    ("exc", "failure"),
    [
        (httpx.ConnectError("refused"), Failure.NOT_SENT),
        (httpx.ConnectTimeout("slow"), Failure.NOT_SENT),
        (httpx.PoolTimeout("busy"), Failure.NOT_SENT),
        (httpx.ReadError("reset"), Failure.UNKNOWN),
        (httpx.WriteError("reset"), Failure.UNKNOWN),
        (httpx.RemoteProtocolError("closed"), Failure.UNKNOWN),
        (httpx.ReadTimeout("slow"), Failure.UNKNOWN),
        (httpx.WriteTimeout("slow"), Failure.UNKNOWN),
        (httpx.UnsupportedProtocol("ftp"), Failure.PERMANENT),
        (
            caused_by(httpx.ConnectError("dns"), socket.gaierror(socket.EAI_NONAME, "unknown")),
            Failure.PERMANENT,
        ),
        (
            caused_by(httpx.ConnectError("dns"), socket.gaierror(socket.EAI_AGAIN, "try again")),
            Failure.NOT_SENT,
        ),
        (
            caused_by(httpx.ConnectError("tls"), ssl.SSLCertVerificationError(1, "bad cert")),
            Failure.PERMANENT,
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_transport_failures_are_sorted_by_what_they_say(
    exc: httpx.TransportError, failure: Failure
) -> None:
    assert classify(exc) is failure


@pytest.mark.parametrize(
    ("failure", "idempotent", "retried"),
    [
        (Failure.NOT_SENT, False, True),
        (Failure.NOT_SENT, True, True),
        (Failure.UNKNOWN, True, True),
        (Failure.UNKNOWN, False, False),
        (Failure.PERMANENT, True, False),
        (Failure.PERMANENT, False, False),
    ],
)
def test_which_failures_are_retried(failure: Failure, idempotent: bool, retried: bool) -> None:
    assert RetryPolicy().retries_failure(failure, idempotent=idempotent) is retried


# --- through the client -------------------------------------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        httpx.Response(503),
        httpx.Response(500),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("closed early"),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
    ],
    ids=["503", "500", "read-error", "protocol-error", "connect-error", "read-timeout"],
)
async def test_a_get_is_retried_after_a_server_or_transport_failure(
    tenant: FakeTenant, client: HaloClient, first: httpx.Response | Exception
) -> None:
    tenant.on("GET", "/api/Workflow", first, httpx.Response(200, json=[{"id": 1}]))
    assert await client.list("/Workflow") == [{"id": 1}]
    assert len(tenant.sent("GET", "/api/Workflow")) == 2
    assert client.stats.retries["GET /Workflow"] == 1


async def test_a_delete_is_retried_like_a_read(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("DELETE", "/api/TicketRules/9", httpx.Response(502), httpx.Response(200))
    assert await client.delete("/TicketRules", 9) is None
    assert len(tenant.sent("DELETE", "/api/TicketRules/9")) == 2


async def test_a_get_gives_up_with_a_server_error(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("GET", "/api/Workflow", httpx.Response(500, json={"Message": "db down"}))
    with pytest.raises(ServerError, match=r"server error \(after 4 attempts\): db down") as caught:
        await client.list("/Workflow")
    assert caught.value.status == 500
    assert len(tenant.sent("GET", "/api/Workflow")) == 4


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500),
        httpx.Response(503, text="Service Unavailable"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("closed"),
        httpx.ReadTimeout("slow"),
        httpx.WriteError("broken pipe"),
    ],
    ids=["500", "503", "read-error", "protocol-error", "read-timeout", "write-error"],
)
async def test_a_post_with_an_unknown_outcome_is_never_resent(
    tenant: FakeTenant, client: HaloClient, failure: httpx.Response | Exception
) -> None:
    tenant.on("POST", "/api/Workflow", failure, httpx.Response(200, json={"id": 1}))
    with pytest.raises(OutcomeUnknownError, match="re-read by guid") as caught:
        await client.post("/Workflow", [{"guid": "g", "name": "Incident"}])
    assert caught.value.method == "POST"
    assert caught.value.path == "/Workflow"
    assert len(tenant.sent("POST", "/api/Workflow")) == 1


@pytest.mark.parametrize(
    "first",
    [
        httpx.Response(429, json={"Message": "Rate Limit Reached"}),
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.PoolTimeout("busy"),
    ],
    ids=["429", "connect-error", "connect-timeout", "pool-timeout"],
)
async def test_a_post_that_was_not_processed_is_resent(
    tenant: FakeTenant, client: HaloClient, first: httpx.Response | Exception
) -> None:
    tenant.on("POST", "/api/Workflow", first, httpx.Response(200, json={"id": 1, "guid": "g"}))
    assert await client.post("/Workflow", [{"guid": "g"}]) == [{"id": 1, "guid": "g"}]
    assert len(tenant.sent("POST", "/api/Workflow")) == 2


async def test_a_post_that_never_connects_is_a_transport_error_not_an_unknown_outcome(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("POST", "/api/Workflow", httpx.ConnectError("refused"))
    with pytest.raises(TransportError) as caught:
        await client.post("/Workflow", [{"guid": "g"}])
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert len(tenant.sent("POST", "/api/Workflow")) == 4


async def test_endless_429s_become_a_rate_limited_error_in_halos_words(
    tenant: FakeTenant, client: HaloClient
) -> None:
    text = "Rate Limit Reached - 300 Requests per rolling 5 minute window"
    tenant.on("GET", "/api/Workflow", httpx.Response(429, text=text))
    with pytest.raises(RateLimitedError, match=rf"after 4 attempts\): {text}"):
        await client.list("/Workflow")


async def test_retry_after_is_honoured_and_backoff_is_used_without_it(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    tenant.on(
        "GET",
        "/api/Workflow",
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(429),
        httpx.Response(503, headers={"Retry-After": "3"}),
        httpx.Response(200, json=[]),
    )
    client = make_client(retry=fast_retry(base_delay_s=1.0, max_delay_s=8.0, sleep=record))
    await client.list("/Workflow")
    assert waits == [7.0, 2.0, 3.0]  # hint, backoff (2nd retry), hint


async def test_an_unknown_host_is_not_retried(tenant: FakeTenant, client: HaloClient) -> None:
    dns = caused_by(httpx.ConnectError("[Errno -2]"), socket.gaierror(socket.EAI_NONAME, "x"))
    tenant.on("GET", "/api/authinfo", dns)
    with pytest.raises(TransportError, match=r"could not resolve host acme\.halopsa\.com"):
        await client.list("/Workflow")
    assert len(tenant.requests) == 1


async def test_a_429_storm_of_a_whole_window_is_waited_out(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    """Another integration spent the tenant's budget: 429s for 300 s (on a fake clock),
    then Halo answers. The default policy outlasts it, however many retries it takes."""
    clock = FakeClock()

    def answer(request: httpx.Request) -> httpx.Response:
        if clock.now < 300:
            return httpx.Response(429, json={"Message": "Rate Limit Reached"})
        return httpx.Response(200, json=[{"id": 1}])

    tenant.on("GET", "/api/Workflow", answer)
    client = make_client(retry=RetryPolicy(sleep=clock.sleep))
    assert await client.list("/Workflow") == [{"id": 1}]
    assert clock.now >= 300
    assert len(tenant.sent("GET", "/api/Workflow")) > RetryPolicy().max_retries + 1


async def test_429s_beyond_the_patience_become_a_rate_limited_error(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    clock = FakeClock()
    tenant.on("GET", "/api/Workflow", httpx.Response(429, text="Rate Limit Reached"))
    client = make_client(retry=RetryPolicy(sleep=clock.sleep, jitter=0.0))
    with pytest.raises(RateLimitedError):
        await client.list("/Workflow")
    assert 330 <= clock.now < 330 + 60
