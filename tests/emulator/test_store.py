"""The tenant's database: persistence across restarts, seeding once, seed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from haloform.emulator import Emulator, EmulatorConfig
from haloform.emulator.seed import SeedError

from .conftest import client_for, fetch_token, post


async def test_a_file_database_survives_a_restart_and_is_seeded_once(tmp_path: Path) -> None:
    config = EmulatorConfig(db_path=str(tmp_path / "tenant.db"))
    with Emulator(config) as first:
        async with client_for(first) as client:
            client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
            flow = await post(client, "/api/Workflow", {"name": "Kept", "steps": [{"step_id": 1}]})
            event = first.records("Event")[0]
            assert (await client.delete(f"/api/Event/{event['id']}")).status_code == 200
    with Emulator(config) as second:
        assert [w["guid"] for w in second.records("Workflow")] == [flow["guid"]]
        assert event["id"] not in {e["id"] for e in second.records("Event")}
        assert second.count("Agent") == 4
        async with client_for(second) as client:
            client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
            again = await post(client, "/api/Workflow", {"name": "Next", "steps": [{"step_id": 1}]})
    assert again["id"] > flow["id"]
    assert again["steps"][0]["fdid"] > flow["steps"][0]["fdid"]


def test_in_memory_emulators_are_independent() -> None:
    with Emulator() as a, Emulator() as b:
        a.tenant.store.delete("agent", 1)
        assert (a.count("Agent"), b.count("Agent")) == (3, 4)


def test_a_seed_file_replaces_the_built_in_directory(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "agent:\n  - {id: 7, name: Zed Zero}\n"
        "priority:\n  - {id: 0b0e2f2c-9c1e-4b8e-a2d4-1f0c9e1b2a3c, priorityid: 5, name: P5}\n"
    )
    with Emulator(EmulatorConfig(seed_path=str(seed), id_offset=100)) as emu:
        assert emu.records("Agent") == [{"id": 107, "name": "Zed Zero"}]
        assert emu.records("Priority")[0]["priorityid"] == 105
        assert emu.count("Team") == 0


@pytest.mark.parametrize(
    "text",
    ["- just a list\n", "agents:\n  - {id: 1, name: Typo}\n", "agent:\n  - {name: No id}\n"],
)
def test_a_malformed_seed_file_is_refused(tmp_path: Path, text: str) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(text)
    with pytest.raises(SeedError):
        Emulator(EmulatorConfig(seed_path=str(seed)))


def test_records_and_count_know_every_resource(emu: Emulator) -> None:
    assert emu.count("workflowstep") == 0
    assert emu.count("OUTCOME") == 5
    with pytest.raises(KeyError):
        emu.count("Tickets")
