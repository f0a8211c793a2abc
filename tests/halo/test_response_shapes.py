"""Every answer shape Halo is known, or plausibly able, to send."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from haloform.errors import ResponseError
from haloform.halo import HaloClient
from haloform.halo.shapes import Page, ShapeError, decode, deleted, kind_of, page, saved, single
from tests.halo.conftest import FakeTenant

RECORDS = [{"id": 1, "guid": "a", "name": "One", "new_field_2030": {"x": [1]}}, {"id": 2}]

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
records = st.lists(st.dictionaries(st.text(max_size=8), json_scalars, max_size=4), max_size=5)


# --- decoding -----------------------------------------------------------------------------


def test_decode_keeps_every_field() -> None:
    assert decode(json.dumps(RECORDS)) == RECORDS


def test_decode_tolerates_a_byte_order_mark() -> None:
    assert decode("\ufeff[]") == []


def test_an_empty_body_is_an_error_only_where_json_is_required() -> None:
    assert decode("  ", required=False) is None
    with pytest.raises(ShapeError, match="empty where Halo sends JSON"):
        decode("")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (
            "<!DOCTYPE html><html><head><title>Sign in</title></head></html>",
            "an HTML page titled 'Sign in' instead of JSON",
        ),
        ("<html><body>Server Error</body></html>", "an HTML page instead of JSON"),
        ('[{"id": 1}, {"id": ', "ends early \\(truncated\\?\\) at character 19 of 19"),
        ("{'id': 1}", "not valid JSON: Expecting property name"),
        ("OK", "not valid JSON"),
    ],
)
def test_bodies_that_are_not_json_are_named_not_dumped(text: str, complaint: str) -> None:
    with pytest.raises(ShapeError, match=complaint) as caught:
        decode(text)
    assert "Server Error" not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            {"resultCode": 1, "errorMessage": "Workflow name is required"},
            "Workflow name is required",
        ),
        (
            {"ClassName": "System.NullReferenceException", "Message": "Object reference not set"},
            "Object reference not set",
        ),
    ],
)
def test_a_success_status_carrying_an_error_object_is_an_error(
    body: dict[str, Any], said: str
) -> None:
    with pytest.raises(ShapeError, match=f"error with a success status: {said}"):
        decode(json.dumps(body))


@pytest.mark.parametrize(
    "body",
    [
        {"resultCode": 0, "errorMessage": ""},
        {"id": 4, "errorMessage": "last run failed"},
        {"Message": "saved"},
    ],
)
def test_records_and_empty_results_are_not_mistaken_for_errors(body: dict[str, Any]) -> None:
    assert decode(json.dumps(body)) == body


# --- lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "resource"),
    [
        (RECORDS, "/Workflow"),
        ({"results": RECORDS}, "/Agent"),
        ({"stdrequests": RECORDS}, "/Template"),
        ({"record_count": 2, "page_no": 1, "page_size": 50, "automations": RECORDS}, "/Automation"),
        ({"record_count": 2, "eventrules": RECORDS, "columns": ["id"]}, "/EventRule"),
        ({"record_count": 2, "columns": ["id"], "results": RECORDS}, "/Whatever"),
        ({"count": 2, "anything": RECORDS}, "/Whatever"),
    ],
    ids=[
        "bare",
        "results",
        "stdrequests",
        "paginated",
        "plural-among-lists",
        "results-among-lists",
        "one-list-field",
    ],
)
def test_list_shapes_all_give_the_records_untouched(body: Any, resource: str) -> None:
    assert page(body, resource).records == RECORDS


def test_a_page_reports_the_record_count() -> None:
    assert page({"record_count": 7, "results": RECORDS}) == Page(RECORDS, 7)
    assert page({"record_count": "7", "results": RECORDS}).total is None


def test_an_empty_page_may_leave_its_list_out() -> None:
    assert page({"record_count": 0, "page_no": 1, "page_size": 50}) == Page([], 0)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"id": 3, "name": "x", "steps": []}, "expected a list of records, got an object"),
        ({"message": "hello"}, "expected a list of records, got an object with fields message"),
        ({"a": [], "b": []}, r"cannot tell which field holds the records among \['a', 'b'\]"),
        ([{"id": 1}, "two"], "item 1 is a string"),
        ([[1]], "item 0 is a list of 1"),
        (3, "got a number"),
        (None, "got null"),
    ],
)
def test_list_answers_that_are_not_lists_of_records(body: Any, complaint: str) -> None:
    with pytest.raises(ShapeError, match=complaint):
        page(body, "/Workflow")


@given(records)
def test_any_list_of_records_survives_every_wrapping(items: list[dict[str, Any]]) -> None:
    assert page(items).records == items
    assert page({"results": items}).records == items
    paged = {"record_count": len(items), "page_no": 1, "page_size": 50, "workflows": items}
    assert page(paged, "/Workflow") == Page(items, len(items))


# --- writes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": 1, "steps": [{"x": 1}]}, [{"id": 1, "steps": [{"x": 1}]}]),
        (RECORDS, RECORDS),
        (RECORDS[:1], RECORDS[:1]),
        ([], []),
    ],
    ids=["single-object", "array", "fewer-than-sent", "empty-array"],
)
def test_post_answers_become_a_list(body: Any, expected: list[dict[str, Any]]) -> None:
    assert saved(body) == expected


@pytest.mark.parametrize("body", ["saved", 1, None, [1, 2]])
def test_post_answers_that_hold_no_records_are_errors(body: Any) -> None:
    with pytest.raises(ShapeError, match="expected"):
        saved(body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": 1}, {"id": 1}),
        ([{"id": 1}], {"id": 1}),
        (None, None),
        (True, None),
        ([], None),
        ("Deleted", None),
        ([{"id": 1}, {"id": 2}], None),
    ],
)
def test_delete_answers_an_object_or_nothing(body: Any, expected: dict[str, Any] | None) -> None:
    assert deleted(body) == expected


def test_a_detail_is_one_object_even_in_an_array() -> None:
    assert single({"id": 1}) == {"id": 1}
    assert single([{"id": 1}]) == {"id": 1}
    with pytest.raises(ShapeError, match="expected one record, got a list of 2"):
        single(RECORDS)


def test_kind_of_describes_without_dumping() -> None:
    described = kind_of({"token": "x" * 1000, **{f"f{n}": n for n in range(20)}})
    assert "xxx" not in described
    assert len(described) < 120


# --- through the client -------------------------------------------------------------------


async def test_a_malformed_answer_names_the_request(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("GET", "/api/Workflow", httpx.Response(200, text='[{"id": 1}, {"na'))
    with pytest.raises(ResponseError) as caught:
        await client.list("/Workflow")
    assert str(caught.value).startswith("GET /Workflow -> 200: the answer is not valid JSON")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_a_huge_error_body_is_not_dumped(tenant: FakeTenant, client: HaloClient) -> None:
    tenant.on("POST", "/api/Workflow", httpx.Response(200, json={"errorMessage": "bad " * 5000}))
    with pytest.raises(ResponseError) as caught:
        await client.post("/Workflow", [{"guid": "g"}])
    assert len(str(caught.value)) < 400
