"""Routes and request counts, as commands report them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haloform.halo import RequestRecord, RequestStats, route_of


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/Workflow", "/Workflow"),
        ("/TicketRules/12", "/TicketRules/{id}"),
        ("/TicketRules/12?includedetails=true", "/TicketRules/{id}"),
        ("/Priority/8d6c1f3e-1a2b-4c3d-9e8f-2B7C1E0A4F11", "/Priority/{id}"),
        ("/Workflow/-1", "/Workflow/{id}"),
        ("/Automation/7/run", "/Automation/{id}/run"),
        ("/api/authinfo", "/api/authinfo"),
        ("/v2/Team", "/v2/Team"),
    ],
)
def test_routes_generalise_ids(path: str, route: str) -> None:
    assert route_of(path) == route


@given(st.lists(st.text(alphabet="abcXYZ0123456789-", max_size=12), max_size=5))
def test_routing_a_route_changes_nothing(segments: list[str]) -> None:
    route = route_of("/" + "/".join(segments))
    assert route_of(route) == route


def record(key: str, *, retry: bool = False, auth: bool = False) -> RequestRecord:
    method, route = key.split(" ")
    return RequestRecord(method, route, 200, 1.0, retry=retry, auth=auth)


def test_a_fresh_count_says_no_requests() -> None:
    stats = RequestStats()
    assert (stats.total, stats.summary()) == (0, "made no requests")


def test_the_summary_lists_routes_in_order_with_retries_and_auth_apart() -> None:
    stats = RequestStats()
    for entry in [
        record("POST /auth/token", auth=True),
        record("POST /Workflow"),
        record("POST /Workflow", retry=True),
        record("GET /Workflow"),
        record("POST /Workflow", retry=True),
    ]:
        stats.record(entry)
    assert stats.total == 5
    assert stats.summary() == (
        "made 5 requests: GET /Workflow x1, POST /Workflow x3 (2 retries); "
        "auth: POST /auth/token x1"
    )
    assert repr(stats) == "RequestStats(total=5, retries=2)"


def test_a_single_request_reads_naturally() -> None:
    stats = RequestStats()
    stats.record(record("GET /Agent"))
    assert stats.summary() == "made 1 request: GET /Agent x1"


def test_a_record_prints_without_an_answer() -> None:
    assert str(RequestRecord("POST", "/Workflow", None, 30000.4)) == (
        "POST /Workflow -> no answer (30000 ms)"
    )
