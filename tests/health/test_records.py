"""Reading runtime records by window: Halo's timestamps, durations, and paging from the
newest page back (list order is oldest first; ``count=N`` answers the OLDEST rows)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from haloform.emulator import Emulator
from haloform.errors import ConfigError
from haloform.health import parse_duration, parse_timestamp, read_window
from tests.conftest import client_for

T0 = datetime(2026, 10, 3, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-03T06:03:44.38", datetime(2026, 10, 3, 6, 3, 44, 380000, tzinfo=UTC)),
        ("2026-10-03T06:24:10.967", datetime(2026, 10, 3, 6, 24, 10, 967000, tzinfo=UTC)),
        ("2026-10-02T23:00:00", datetime(2026, 10, 2, 23, tzinfo=UTC)),
        ("2026-10-02T23:00:00.5", datetime(2026, 10, 2, 23, 0, 0, 500000, tzinfo=UTC)),
        ("2026-10-02T23:00:00Z", datetime(2026, 10, 2, 23, tzinfo=UTC)),
        ("2026-10-03T01:00:00+02:00", datetime(2026, 10, 2, 23, tzinfo=UTC)),
        ("2026-10-02 23:00:00.1234567", datetime(2026, 10, 2, 23, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_every_timestamp_halo_sends_parses_as_utc(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("value", [None, "", "yesterday", 12, "2026-13-01T00:00:00"])
def test_what_is_not_a_timestamp_is_none(value: object) -> None:
    assert parse_timestamp(value) is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("24h", 86400), ("30m", 1800), ("90s", 90), ("2d", 172800), ("1h30m", 5400), ("15", 15)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "yesterday", "5 parsecs", "h"])
def test_a_bad_duration_says_what_to_write(text: str) -> None:
    with pytest.raises(ConfigError, match="not a duration"):
        parse_duration(text)


def _stamp(row: Mapping[str, Any]) -> datetime | None:
    return parse_timestamp(row.get("timestamp"))


def _runs(emu: Emulator, count: int) -> None:
    for minute in range(count):
        when = (T0 + timedelta(minutes=minute)).replace(tzinfo=None).isoformat()
        emu.add_record("Automation", workflow_id=1, status=2, timestamp=when)


async def test_a_window_is_read_from_the_newest_page_back(emu: Emulator) -> None:
    _runs(emu, 250)  # after the 3 seeded 2025 runs: pages of 100 are 1..3
    emu.requests.clear()
    async with client_for(emu) as client:
        rows = await read_window(client, "/Automation", T0 + timedelta(minutes=240), _stamp)
    assert [row["timestamp"][11:16] for row in rows][:2] == ["10:00", "10:01"]
    assert len(rows) == 10
    pages = [path for method, path, _ in emu.requests if path == "/api/Automation"]
    assert len(pages) == 2, "page 1 for the count, then the last page, which starts older"


async def test_a_window_spanning_pages_reads_back_until_a_page_is_older(emu: Emulator) -> None:
    _runs(emu, 250)
    emu.requests.clear()
    async with client_for(emu) as client:
        rows = await read_window(client, "/Automation", T0 + timedelta(minutes=120), _stamp)
    assert len(rows) == 130
    assert rows == sorted(rows, key=lambda row: row["timestamp"])
    assert len([p for _, p, _ in emu.requests if p == "/api/Automation"]) == 3


async def test_a_list_without_a_record_count_is_paged_forwards(emu: Emulator) -> None:
    for minute in range(5):
        when = (T0 + timedelta(minutes=minute)).replace(tzinfo=None).isoformat()
        emu.add_record("Event", type=0, last_attempt_date=when)

    def stamp(row: Mapping[str, Any]) -> datetime | None:
        return parse_timestamp(row.get("last_attempt_date"))

    async with client_for(emu) as client:
        rows = await read_window(client, "/Event", T0 + timedelta(minutes=3), stamp, page_size=2)
    assert len(rows) == 2
