"""Halo's runtime records, read by time window: timestamps, durations, and paging to
the newest rows.

docs/halo-api.md: /Automation lists oldest first and ``count=N`` answers the OLDEST N rows, so
the newest are on the last page. A window is read from the last page backwards, and
reading stops at the first page that reaches back past the window's start: at 300 requests per five
minutes, a tenant's whole automation history is not read to find today's failures.
Timestamps come without a zone (taken as UTC) and with 0 to 3 fraction digits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from haloform.errors import ConfigError
from haloform.halo import HaloClient, Record
from haloform.halo.shapes import page

PAGE_SIZE = 100
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)", re.IGNORECASE)
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_duration(text: str) -> timedelta:
    """``24h``, ``30m``, ``90s``, ``2d``, ``1h30m``; a bare number is seconds."""
    spoken = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", spoken):
        return timedelta(seconds=float(spoken))
    parts = _DURATION.findall(spoken)
    if not spoken or _DURATION.sub("", spoken).strip():
        raise ConfigError(f"{text!r} is not a duration: write e.g. 24h, 30m, 90s or 2d")
    return timedelta(seconds=sum(float(n) * _UNITS[unit.lower()] for n, unit in parts))


def parse_timestamp(value: object) -> datetime | None:
    """A Halo timestamp as an aware UTC datetime; None when absent or unreadable.

    ``2026-10-03T06:03:44.38``, ``...44.967``, ``...44`` (no zone: UTC), and the
    zoned or longer-fraction variants a proxy or a later version might send."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _FRACTION.sub(r"\1", value.strip().replace(" ", "T", 1))
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


Stamp = Callable[[Mapping[str, Any]], datetime | None]


async def read_window(
    client: HaloClient, path: str, since: datetime, stamp: Stamp, page_size: int = PAGE_SIZE
) -> list[Record]:
    """The rows of a paged runtime list stamped at or after ``since``, oldest first."""
    params = {"pageinate": True, "page_size": page_size}
    first = page(await client.get(path, {**params, "page_no": 1}), path)
    if first.total is None:
        rows = await _forwards(client, path, params, first.records)
    else:
        rows = list(first.records)
        last = max(1, math.ceil(first.total / page_size))
        for number in range(last, 1, -1):
            newer = page(await client.get(path, {**params, "page_no": number}), path).records
            rows.extend(newer)
            if not newer or any(_before(row, since, stamp) for row in newer):
                break
    seen: set[object] = set()
    found = []
    for row in rows:
        key = row.get("id", id(row))
        when = stamp(row)
        if key not in seen and when is not None and when >= since:
            seen.add(key)
            found.append(row)
    return sorted(found, key=lambda row: (stamp(row) or since, str(row.get("id"))))


async def _forwards(
    client: HaloClient, path: str, params: Mapping[str, Any], rows: list[Record]
) -> list[Record]:
    """No ``record_count``: page on until a page is short, empty or holds nothing new
    (an endpoint that ignores paging answers everything every time)."""
    found, number = list(rows), 1
    seen = {str(row.get("id")) for row in rows}
    size = int(params["page_size"])
    while len(rows) >= size:
        number += 1
        rows = page(await client.get(path, {**params, "page_no": number}), path).records
        rows = [row for row in rows if str(row.get("id")) not in seen]
        seen.update(str(row.get("id")) for row in rows)
        found.extend(rows)
    return found


def _before(row: Mapping[str, Any], since: datetime, stamp: Stamp) -> bool:
    when = stamp(row)
    return when is not None and when < since
