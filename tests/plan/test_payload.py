"""Update bodies: identity on every update, and the update that detaches a delete."""

from __future__ import annotations

from typing import Any

from haloform.diff.fields import FieldChange
from haloform.plan.payload import detach_payload, update_payload
from tests.resolve.test_edges import INDEX, PING, PONG, ping, spec


def test_every_update_carries_id_guid_and_name_from_the_live_record() -> None:
    live = {"id": 1, "guid": PING, "name": "Ping", "steps": [{"fdid": 10, "step_id": 1}]}
    body = update_payload(spec("Workflow"), {"steps": [{"step_id": 1, "name": "New"}]}, live)
    assert body == {
        "steps": [{"step_id": 1, "name": "New", "fdid": 10}],
        "id": 1,
        "guid": PING,
        "name": "Ping",
    }


def test_the_file_s_name_wins_over_the_live_one() -> None:
    live = {"id": 1, "guid": PING, "name": "Old"}
    assert update_payload(spec("Workflow"), {"guid": PING, "name": "New"}, live)["name"] == "New"


def test_a_detaching_update_holds_back_only_the_referencing_field() -> None:
    live: dict[str, Any] = ping(2)
    live["steps"][1]["flow_id"] = 1  # server-owned: not sent back
    live["in_use"] = True
    body, fields = detach_payload(spec("Workflow"), live, frozenset({f"Workflow/{PONG}"}), INDEX)
    assert body == {
        "steps": [
            {"fdid": 10, "step_id": 1, "name": "Start", "isstart": True},
            {"fdid": 11, "step_id": 2, "name": "Switch 0", "new_flow_id": 0},
        ],
        "id": 1,
        "guid": PING.upper(),
        "name": "Ping",
    }
    assert fields == (
        FieldChange(path='steps["Switch 0"].new_flow_id', before={"workflow": "Pong"}, after=None),
    )
    assert live["steps"][1]["new_flow_id"] == 2, "the live record is left as read"


def test_a_reference_not_asked_for_is_kept() -> None:
    body, fields = detach_payload(spec("Workflow"), ping(2), frozenset({"Workflow/other"}), INDEX)
    assert fields == () and "steps" not in body
