"""The tenant directory, read from the emulator and from odd rows a tenant may send."""

from __future__ import annotations

from typing import Any

from haloform.emulator import Emulator, EmulatorConfig
from haloform.fetch.lookups import entry_from_row, fetch_directory
from haloform.halo import HaloClient
from haloform.kinds.lookups import RESOLVABLE, Lookup
from haloform.snapshot.directory import Entry
from tests.conftest import client_for


async def test_every_lookup_kind_is_read_once(halo: HaloClient) -> None:
    directory = await fetch_directory(halo)
    assert {spec.word for spec in RESOLVABLE} == set(directory.entries)
    assert all(directory.all(spec.word) for spec in RESOLVABLE), "the default seed has rows"
    assert sum(halo.stats.api.values()) == len(RESOLVABLE)


async def test_priority_is_numbered_by_priorityid_and_outcome_named_by_button(
    halo: HaloClient,
) -> None:
    directory = await fetch_directory(halo, ["priority", "outcome"])
    rows = await halo.list("/Priority")
    p1 = next(row for row in rows if row["name"] == "P1 Critical")
    (entry,) = directory.by_name("priority", "p1 critical")
    assert entry.id == p1["priorityid"]
    assert directory.by_name("outcome", "Resolve")


async def test_names_stay_and_ids_move_between_tenants() -> None:
    offset = Emulator(EmulatorConfig(id_offset=5000))
    plain = Emulator(EmulatorConfig())
    try:
        async with client_for(offset) as a, client_for(plain) as b:
            one, two = await fetch_directory(a), await fetch_directory(b)
        agent_one = one.by_name("agent", "Alice Admin")[0]
        agent_two = two.by_name("agent", "Alice Admin")[0]
        assert agent_one.id != agent_two.id
        assert two.by_id("agent", agent_two.id) == agent_two
    finally:
        offset.close()
        plain.close()


def test_rows_without_usable_id_or_name_are_skipped() -> None:
    spec = Lookup("team", "/Team")
    rows: list[dict[str, Any]] = [
        {"id": 3, "name": "Network", "guid": "g-1"},
        {"id": "7", "name": "Desk"},
        {"id": True, "name": "flag"},
        {"id": None, "name": "none"},
        {"id": "abc", "name": "text"},
        {"id": 9, "name": ""},
    ]
    parsed = [entry_from_row(spec, row) for row in rows]
    assert parsed == [Entry(3, "Network", "g-1"), Entry(7, "Desk"), None, None, None, None]
