"""The ``not_kept`` knob: Halo answers 200 and silently keeps the stored value."""

from __future__ import annotations

import uuid

import httpx

from haloform.emulator import Emulator


async def test_a_field_not_kept_is_answered_200_and_not_stored(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    emu.config.not_kept = {"TicketRules": ["stopmatching"]}
    guid = str(uuid.uuid4())
    rule = {"guid": guid, "name": "Dropped", "stopmatching": True, "precedence": 5}
    created = await client.post("/api/TicketRules", json=[rule])
    assert created.status_code == 200
    [stored] = [r for r in emu.records("TicketRules") if r["guid"] == guid]
    assert not stored.get("stopmatching") and stored["precedence"] == 5

    emu.config.not_kept = {}
    await client.post("/api/TicketRules", json=[{**rule, "id": stored["id"]}])
    emu.config.not_kept = {"ticketrules": ["stopmatching"]}  # any case names the resource
    off = {**rule, "id": stored["id"], "stopmatching": False, "precedence": 6}
    assert (await client.post("/api/TicketRules", json=[off])).status_code == 200
    [kept] = [r for r in emu.records("TicketRules") if r["guid"] == guid]
    assert kept["stopmatching"] is True and kept["precedence"] == 6, "the stored value stays"


async def test_add_record_stores_a_runtime_record_with_the_next_id(emu: Emulator) -> None:
    before = max(r["id"] for r in emu.records("Automation"))
    run = emu.add_record("Automation", workflow_id=4, status=1, error="boom")
    assert run["id"] == before + 1
    assert run in emu.records("Automation")
