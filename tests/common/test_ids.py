"""One guid spelling and one id sentinel, whatever a tenant answers."""

from __future__ import annotations

import pytest

from haloform.common.ids import canonical_guid, known_id, parse_guid, record_id

GUID = "8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11"


@pytest.mark.parametrize("spelling", [GUID, GUID.upper(), "{" + GUID + "}", f"  {GUID} "])
def test_every_spelling_of_a_guid_is_one_guid(spelling: str) -> None:
    assert canonical_guid(spelling) == GUID
    assert str(parse_guid(spelling)) == GUID


def test_a_malformed_guid_still_matches_itself_in_any_case() -> None:
    assert canonical_guid("Not-A-Guid") == canonical_guid("not-a-guid") == "not-a-guid"
    assert parse_guid("Not-A-Guid") is None
    assert canonical_guid(None) == ""


@pytest.mark.parametrize(
    ("row", "expected"),
    [({"id": 7}, 7), ({"id": "12"}, 12), ({"id": True}, None), ({"id": "x"}, None), ({}, None)],
)
def test_record_id_reads_ints_and_digit_strings_only(
    row: dict[str, object], expected: int | None
) -> None:
    assert record_id(row) == expected


def test_known_id_refuses_a_row_the_reader_should_have_refused() -> None:
    assert known_id({"id": 3}) == 3
    with pytest.raises(ValueError, match="without an id"):
        known_id({"guid": GUID})
