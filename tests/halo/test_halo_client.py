"""The client's calls: lists, pages, writes, deletes, accounting, limits and secrets."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import ssl
import subprocess
from pathlib import Path

import certifi
import httpx
import pytest

from haloform.errors import ConfigError, HaloError, ResponseError, TransportError
from haloform.halo import Credentials, HaloClient, RequestRecord
from tests.halo.conftest import SECRET, TOKEN_PREFIX, FakeTenant, MakeClient

RULES = [{"id": 11, "guid": "a", "name": "P1"}, {"id": 12, "guid": "b", "name": "P2"}]


# --- reading ------------------------------------------------------------------------------


async def test_list_sends_the_params_and_returns_records(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("GET", "/api/TicketRules", httpx.Response(200, json=RULES))
    got = await client.list("/TicketRules", {"excludeworkflow": True, "rule_use": None, "n": 2})
    assert got == RULES
    (request,) = tenant.sent("GET", "/api/TicketRules")
    assert str(request.url.params) == "excludeworkflow=true&n=2"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("haloform/")


async def test_list_unwraps_wrapped_answers(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("GET", "/api/Template", httpx.Response(200, json={"stdrequests": RULES}))
    assert await client.list("Template") == RULES


async def test_get_returns_any_json_and_get_object_one_record(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("GET", "/api/Workflow/3", httpx.Response(200, json=[{"id": 3, "steps": []}]))
    assert await client.get("/Workflow/3", {"includedetails": True}) == [{"id": 3, "steps": []}]
    assert await client.get_object("/Workflow/3") == {"id": 3, "steps": []}
    assert tenant.sent("GET", "/api/Workflow/3")[0].url.params["includedetails"] == "true"


def pages(*batches: list[dict[str, int]], total: int | None = None) -> httpx.MockTransport:
    """An /Automation endpoint serving ``batches`` by page_no."""

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page_no"])
        batch = batches[number - 1] if number <= len(batches) else []
        body = {
            "page_no": number,
            "page_size": int(request.url.params["page_size"]),
            "automations": batch,
        }
        if total is not None:
            body["record_count"] = total
        return httpx.Response(200, json=body)

    return answer  # type: ignore[return-value]


async def test_pagination_walks_pages_until_record_count(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on(
        "GET",
        "/api/Automation",
        pages([{"id": 1}, {"id": 2}], [{"id": 3}, {"id": 4}], [{"id": 5}, {"id": 6}], total=4),
    )
    got = await client.list("/Automation", {"status": 1}, paginate=True, page_size=2)
    assert got == [{"id": n} for n in range(1, 5)]
    sent = tenant.sent("GET", "/api/Automation")
    assert [dict(r.url.params) for r in sent] == [
        {"status": "1", "pageinate": "true", "page_size": "2", "page_no": str(n)} for n in (1, 2)
    ]


async def test_pagination_stops_at_a_short_page(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("GET", "/api/Automation", pages([{"id": 1}, {"id": 2}], [{"id": 3}]))
    assert len(await client.list("/Automation", paginate=True, page_size=2)) == 3
    assert len(tenant.sent("GET", "/api/Automation")) == 2


async def test_pagination_stops_when_an_empty_page_leaves_its_list_out(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on(
        "GET",
        "/api/Event",
        httpx.Response(200, json={"record_count": 2, "events": [{"id": 1}, {"id": 2}]}),
        httpx.Response(200, json={"page_no": 2}),
    )
    assert await client.list("/Event", paginate=True, page_size=2) == [{"id": 1}, {"id": 2}]


async def test_an_endpoint_that_ignores_paging_is_read_once(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("GET", "/api/Agent", httpx.Response(200, json=RULES))
    assert await client.list("/Agent", paginate=True, page_size=2) == RULES
    assert len(tenant.sent("GET", "/api/Agent")) == 2  # page 2 brought nothing new


# --- writing ------------------------------------------------------------------------------


async def test_post_sends_a_json_array_and_accepts_a_single_object_answer(
    tenant: FakeTenant, client: HaloClient
) -> None:
    saved = {"id": 40, "guid": "a", "name": "P1", "_warning": None, "brand_new_field": [1]}
    tenant.on("POST", "/api/TicketRules", httpx.Response(201, json=saved))
    assert await client.post("/TicketRules", [{"guid": "a", "name": "P1"}]) == [saved]
    (request,) = tenant.sent("POST", "/api/TicketRules")
    assert json.loads(request.content) == [{"guid": "a", "name": "P1"}]
    assert request.headers["content-type"] == "application/json"


async def test_post_may_answer_fewer_records_than_were_sent(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("POST", "/api/TicketRules", httpx.Response(200, json=RULES[:1]))
    assert await client.post("/TicketRules", RULES) == RULES[:1]


async def test_posting_nothing_sends_nothing(tenant: FakeTenant, client: HaloClient) -> None:
    assert await client.post("/TicketRules", []) == []
    assert tenant.requests == []


async def test_an_empty_answer_to_a_post_is_a_response_error(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("POST", "/api/TicketRules", httpx.Response(200))
    with pytest.raises(ResponseError, match="POST /TicketRules -> 200: the answer is empty"):
        await client.post("/TicketRules", RULES)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(200, json=RULES[0]), RULES[0]),
        (httpx.Response(200), None),
        (httpx.Response(204), None),
        (httpx.Response(200, json=True), None),
    ],
)
async def test_delete_returns_the_deleted_record_or_none(
    tenant: FakeTenant, client: HaloClient, answer: httpx.Response, expected: object
) -> None:
    tenant.on("DELETE", "/api/TicketRules/11", answer)
    assert await client.delete("/TicketRules/", 11) == expected


async def test_delete_quotes_string_ids(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("DELETE", "/api/Priority/a b", httpx.Response(200))
    await client.delete("/Priority", "a b")
    assert tenant.requests[-1].url.raw_path == b"/api/Priority/a%20b"


# --- accounting and logging ---------------------------------------------------------------


async def test_requests_are_counted_by_route_with_retries_and_auth_apart(
    tenant: FakeTenant, client: HaloClient
) -> None:
    tenant.on("GET", "/api/Workflow", httpx.Response(503), httpx.Response(200, json=[]))
    for number in (11, 12):
        tenant.on("GET", f"/api/TicketRules/{number}", httpx.Response(200, json={"id": number}))
        await client.get_object(f"/TicketRules/{number}", {"includedetails": True})
    await client.list("/Workflow")
    assert client.stats.summary() == (
        "made 6 requests: GET /TicketRules/{id} x2, GET /Workflow x2 (1 retry); "
        "auth: GET /api/authinfo x1, POST /auth/token x1"
    )


async def test_every_attempt_reaches_the_hook_without_headers(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    seen: list[RequestRecord] = []
    tenant.on("GET", "/api/Workflow", httpx.ReadError("reset"), httpx.Response(200, json=[]))
    await make_client(on_request=seen.append).list("/Workflow")
    assert [(r.key, r.status, r.retry, r.auth) for r in seen] == [
        ("GET /api/authinfo", 200, False, True),
        ("POST /auth/token", 200, False, True),
        ("GET /Workflow", None, False, False),
        ("GET /Workflow", 200, True, False),
    ]
    assert all(r.elapsed_ms >= 0 for r in seen)
    assert str(seen[-1]).startswith("GET /Workflow -> 200 (")
    assert str(seen[-1]).endswith(" ms) retry")


# --- limits and transport settings --------------------------------------------------------


async def test_concurrency_is_bounded(tenant: FakeTenant, make_client: MakeClient) -> None:
    in_flight, peak = 0, 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.005)
        in_flight -= 1
        return httpx.Response(200, json=[])

    tenant.on("GET", "/api/Workflow", slow)
    client = make_client(max_concurrency=3)
    await asyncio.gather(*(client.list("/Workflow") for _ in range(12)))
    assert peak == 3


def test_max_concurrency_must_allow_a_request(make_client: MakeClient) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        make_client(max_concurrency=0)


def test_a_ca_bundle_path_is_accepted_and_a_missing_one_refused(
    make_client: MakeClient, tmp_path: Path
) -> None:
    make_client(verify=certifi.where(), transport=None)
    with pytest.raises(ConfigError, match=r"cannot use the CA bundle .*missing\.pem"):
        make_client(verify=str(tmp_path / "missing.pem"), transport=None)


async def test_a_read_timeout_is_retried_then_explained(
    tenant: FakeTenant, make_client: MakeClient
) -> None:
    tenant.on("GET", "/api/Workflow", httpx.ReadTimeout("timed out"))
    client = make_client(timeout=12.0)
    with pytest.raises(
        TransportError, match=r"timed out after 12 s waiting for acme\.halopsa\.com"
    ):
        await client.list("/Workflow")
    assert len(tenant.sent("GET", "/api/Workflow")) == 4


async def test_a_real_untrusted_certificate_is_reported(
    make_client: MakeClient, tmp_path: Path
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = await asyncio.start_server(lambda _r, w: w.close(), "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    creds = Credentials(url=f"https://localhost:{port}", client_id="ci", client_secret=SECRET)
    try:
        with pytest.raises(
            TransportError,
            match=r"TLS certificate verification failed for "
            "localhost: self-signed certificate",
        ):
            await make_client(creds, transport=None).list("/Workflow")
    finally:
        server.close()


# --- secrets ------------------------------------------------------------------------------


def echo(request: httpx.Request) -> str:
    """Everything a careless server could say back: the body and the Authorization header."""
    return f"{request.content.decode()} {request.headers.get('Authorization', '')}"


async def test_no_secret_reaches_a_message_a_log_a_repr_or_a_record(
    tenant: FakeTenant, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    records: list[RequestRecord] = []
    client = make_client(on_request=records.append)
    tenant.on("GET", "/api/Workflow", lambda r: httpx.Response(500, text=echo(r)))
    tenant.on("GET", "/api/Team", lambda r: httpx.Response(400, json={"[0].x": echo(r)}))
    tenant.on("GET", "/api/Agent", lambda r: httpx.Response(200, json={"errorMessage": echo(r)}))
    tenant.on("GET", "/api/SLA", lambda r: httpx.Response(307, headers={"Location": echo(r)}))
    errors: list[HaloError] = []
    for path in ("/Workflow", "/Team", "/Agent", "/SLA"):
        with pytest.raises(HaloError) as caught:
            await client.list(path)
        errors.append(caught.value)
    tenant.on("POST", "/auth/token", lambda r: httpx.Response(401, text=echo(r)))
    with pytest.raises(HaloError) as refused:
        await make_client().list("/Workflow")
    errors.append(refused.value)

    said = [str(e) for e in errors] + [repr(e) for e in errors] + [repr(e.args) for e in errors]
    said += [str(getattr(e, "errors", "")) for e in errors]
    said += [caplog.text, *map(str, records), repr(records), repr(client), client.stats.summary()]
    said += [repr(client.credentials), client.credentials.model_dump_json()]
    echoed = " ".join(echo(request) for request in tenant.requests)
    assert TOKEN_PREFIX in echoed and "7Qx%2B%2F%3D" in echoed  # the server did echo both...
    assert "GET /Workflow -> 500" in caplog.text  # ...and requests were logged
    for text in said:
        assert SECRET not in text  # ...but nothing we show carries it
        assert TOKEN_PREFIX not in text
        assert "7Qx%2B%2F%3D" not in text
