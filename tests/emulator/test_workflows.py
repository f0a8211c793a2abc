"""/Workflow and /workflowstep: headers in lists, details on request, server ids for
steps and their children, step rules, and the refusal to delete a workflow in use."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from haloform.emulator import Emulator, EmulatorConfig

from .conftest import get, lookup_id, post

GUID = "8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11"
DETAILS = {
    "steps",
    "stages",
    "targets",
    "always_allow_actions",
    "flow_chart_json",
    "access_control",
}


def incident(emu: Emulator, **fields: Any) -> dict[str, Any]:
    assign, resolve = (lookup_id(emu, "Outcome", n) for n in ("Assign", "Resolve"))
    return {
        "guid": GUID,
        "name": "Incident Lifecycle",
        "note": "Standard incident flow",
        "flow_chart_json": "{}",
        "stages": [{"sequence": 1, "name": "Triage", "outcome_step": 1}],
        "steps": [
            {
                "step_id": 1,
                "name": "Logged",
                "isstart": True,
                "actions": [{"action_id": assign, "end_step": 2, "seq": 1}],
                "step_conditions": [{"fieldname": "status_id", "type": 0, "value_int": 1}],
            },
            {
                "step_id": 2,
                "name": "Assigned",
                "actions": [{"action_id": resolve, "end_step": 3, "seq": 1}],
            },
            {"step_id": 3, "name": "Resolved", "isend": True},
        ],
        **fields,
    }


async def test_create_answers_the_saved_workflow_with_server_ids(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    saved = await post(client, "/api/Workflow", incident(emu))
    assert isinstance(saved, dict)
    assert saved["guid"] == GUID
    assert (saved["active"], saved["notinuse"], saved["in_use"]) == (True, False, False)
    steps = saved["steps"]
    assert [s["step_id"] for s in steps] == [1, 2, 3]
    assert len({s["fdid"] for s in steps}) == 3
    assert {s["flow_id"] for s in steps} == {saved["id"]}
    action = steps[0]["actions"][0]
    assert action["id"] > 0 and action["flow_id"] == saved["id"]
    assert action["start_step"] == 1
    assert (action["action_name"], action["action_guid"]) == (
        "Assign",
        "b2e4bd45-6d61-4b68-88af-f5a4acd3c765",
    )
    assert saved["stages"][0]["id"] > 0 and saved["stages"][0]["flow_id"] == saved["id"]
    assert "id" in steps[0]["step_conditions"][0]
    assert emu.count("Workflow") == 1


async def test_list_carries_headers_only(client: httpx.AsyncClient, emu: Emulator) -> None:
    saved = await post(client, "/api/Workflow", incident(emu))
    listed = await get(client, "/api/Workflow")
    assert listed == [
        {
            "id": saved["id"],
            "guid": GUID,
            "name": "Incident Lifecycle",
            "note": "Standard incident flow",
            "active": True,
            "notinuse": False,
            "in_use": False,
        }
    ]


async def test_list_omits_inactive_workflows_unless_asked(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    await post(client, "/api/Workflow", {"name": "Live"}, {"name": "Retired", "active": False})
    assert [w["name"] for w in await get(client, "/api/Workflow")] == ["Live"]
    everything = await get(client, "/api/Workflow", includeinactive=True)
    assert [w["name"] for w in everything] == ["Live", "Retired"]
    assert await get(client, "/api/Workflow", access_control_level=1) != []


async def test_details_only_with_includedetails(client: httpx.AsyncClient, emu: Emulator) -> None:
    saved = await post(client, "/api/Workflow", incident(emu))
    plain = await get(client, f"/api/Workflow/{saved['id']}")
    assert not DETAILS & plain.keys()
    detailed = await get(client, f"/api/Workflow/{saved['id']}", includedetails=True)
    assert {"steps", "stages", "flow_chart_json"} <= detailed.keys()
    assert detailed == saved


async def test_update_by_id_merges_and_keeps_child_ids(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    saved = await post(client, "/api/Workflow", incident(emu))
    renamed = await post(client, "/api/Workflow", {"id": saved["id"], "note": "Changed"})
    assert (renamed["name"], renamed["note"]) == ("Incident Lifecycle", "Changed")
    assert renamed["steps"] == saved["steps"]
    steps = [{k: v for k, v in s.items() if k not in ("fdid", "flow_id")} for s in saved["steps"]]
    steps.append({"step_id": 4, "name": "Closed", "isend": True})
    again = await post(client, "/api/Workflow", {"id": saved["id"], "steps": steps})
    assert [s["fdid"] for s in again["steps"][:3]] == [s["fdid"] for s in saved["steps"]]
    assert again["steps"][3]["fdid"] not in {s["fdid"] for s in saved["steps"]}
    assert emu.count("Workflow") == 1


async def test_steps_without_step_id_are_numbered(client: httpx.AsyncClient) -> None:
    saved = await post(
        client,
        "/api/Workflow",
        {"name": "W", "steps": [{"step_id": 5, "name": "A"}, {"name": "B"}]},
    )
    assert [s["step_id"] for s in saved["steps"]] == [5, 6]


@pytest.mark.parametrize(
    ("steps", "field", "message"),
    [
        (
            [{"step_id": 1, "actions": [{"action_id": 99999, "end_step": 1}]}],
            "actions[0].action_id",
            "Action",
        ),
        ([{"step_id": 1, "new_flow_id": 424242}], "new_flow_id", "Workflow"),
    ],
)
async def test_step_references_are_checked(
    client: httpx.AsyncClient, steps: list[dict[str, Any]], field: str, message: str
) -> None:
    response = await client.post("/api/Workflow", json=[{"name": "W", "steps": steps}])
    assert response.status_code == 400
    assert message in response.json()[f"[0].steps[0].{field}"]


@pytest.mark.parametrize("end_step", [7, -98])
async def test_actions_leading_to_no_step_are_stored_as_halo_stores_them(
    client: httpx.AsyncClient, end_step: int
) -> None:
    """FACTS: Halo stores ``end_step: -98`` ("next iteration") and, in a runbook it
    ships, an end step the workflow does not have; negative action ids are its codes."""
    steps = [
        {
            "step_id": 1,
            "new_flow_id": -1,
            "actions": [{"action_id": -29, "action_type": 29, "end_step": end_step}],
            "ai_ability_id": "bedd4257-b72f-47c2-bdae-edbb4a2c7d35",
        }
    ]
    saved = await post(client, "/api/Workflow", {"name": "W", "steps": steps})
    [step] = saved["steps"]
    assert step["actions"][0]["end_step"] == end_step
    assert step["actions"][0]["action_id"] == -29
    assert step["ai_ability_id"] == "bedd4257-b72f-47c2-bdae-edbb4a2c7d35"  # unknown: kept
    assert step["new_flow_id"] == -1


async def test_duplicate_step_ids_are_refused(client: httpx.AsyncClient) -> None:
    steps = [{"step_id": 1, "name": "A"}, {"step_id": 1, "name": "B"}]
    response = await client.post("/api/Workflow", json=[{"name": "W", "steps": steps}])
    assert response.status_code == 400
    assert "[0].steps[1].step_id" in response.json()


async def test_step_rules_are_ticket_rules_of_the_step(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    body = incident(emu)
    body["steps"][1]["rules"] = [
        {"name": "Escalate P1", "new_agent_id": lookup_id(emu, "Agent", "Alice Admin")}
    ]
    saved = await post(client, "/api/Workflow", body)
    rule = saved["steps"][1]["rules"][0]
    assert rule["flowdetail_id"] == saved["steps"][1]["fdid"]
    assert rule["new_agent_name"] == "Alice Admin"
    assert [r["id"] for r in await get(client, "/api/TicketRules")] == [rule["id"]]
    assert await get(client, "/api/TicketRules", excludeworkflow=True) == []
    assert "rules" not in emu.records("Workflow")[0]["steps"][1]


async def test_posted_step_rules_replace_the_old_ones_and_go_with_their_step(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    body = incident(emu)
    body["steps"][1]["rules"] = [{"name": "Old"}]
    saved = await post(client, "/api/Workflow", body)
    body["steps"][1]["rules"] = [{"name": "New"}]
    await post(client, "/api/Workflow", {**body, "id": saved["id"]})
    assert [r["name"] for r in emu.records("TicketRules")] == ["New"]
    no_rules_posted = [{k: v for k, v in s.items() if k != "rules"} for s in body["steps"]]
    kept = await post(client, "/api/Workflow", {"id": saved["id"], "steps": no_rules_posted})
    assert [r["name"] for r in kept["steps"][1]["rules"]] == ["New"]
    only_first = [{"step_id": 1, "name": "Logged"}]
    await post(client, "/api/Workflow", {"id": saved["id"], "steps": only_first})
    assert emu.count("TicketRules") == 0


async def test_delete_answers_the_deleted_workflow_and_takes_its_step_rules(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    body = incident(emu)
    body["steps"][0]["rules"] = [{"name": "Step rule"}]
    saved = await post(client, "/api/Workflow", body)
    response = await client.delete(f"/api/Workflow/{saved['id']}")
    assert response.status_code == 200
    assert response.json()["guid"] == GUID
    assert (emu.count("Workflow"), emu.count("TicketRules")) == (0, 0)
    assert (await client.delete(f"/api/Workflow/{saved['id']}")).status_code == 404
    assert (await client.get(f"/api/Workflow/{saved['id']}")).status_code == 404


async def test_a_workflow_in_use_cannot_be_deleted(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    target = await post(client, "/api/Workflow", {"name": "Problem Management"})
    rule = await post(
        client, "/api/TicketRules", {"name": "To problem", "new_workflow_id": target["id"]}
    )
    switcher = await post(
        client,
        "/api/Workflow",
        {
            "name": "Incident",
            "steps": [{"step_id": 1, "name": "Escalate", "new_flow_id": target["id"]}],
        },
    )
    assert (await get(client, f"/api/Workflow/{target['id']}"))["in_use"] is True
    response = await client.delete(f"/api/Workflow/{target['id']}")
    assert response.status_code == 400
    message = response.json()["Message"]
    assert "'To problem'" in message and "'Incident'" in message
    await client.delete(f"/api/TicketRules/{rule['id']}")
    await client.delete(f"/api/Workflow/{switcher['id']}")
    assert (await client.delete(f"/api/Workflow/{target['id']}")).status_code == 200


async def test_a_workflow_that_only_refers_to_itself_can_be_deleted(
    client: httpx.AsyncClient,
) -> None:
    saved = await post(client, "/api/Workflow", {"name": "Loop", "steps": [{"step_id": 1}]})
    steps = [
        {
            "step_id": 1,
            "new_flow_id": saved["id"],
            "rules": [{"name": "R", "new_workflow_id": saved["id"]}],
        }
    ]
    await post(client, "/api/Workflow", {"id": saved["id"], "steps": steps})
    assert (await client.delete(f"/api/Workflow/{saved['id']}")).status_code == 200


async def test_workflowstep_lists_every_step_of_every_workflow(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    first = await post(client, "/api/Workflow", incident(emu))
    second = await post(
        client, "/api/Workflow", {"name": "Other", "active": False, "steps": [{"step_id": 1}]}
    )
    steps = await get(client, "/api/workflowstep")
    assert [(s["flow_id"], s["step_id"]) for s in steps] == [
        (first["id"], 1),
        (first["id"], 2),
        (first["id"], 3),
        (second["id"], 1),
    ]
    assert not any({"rules", "step_conditions"} & s.keys() for s in steps)
    assert steps[0]["actions"][0]["action_name"] == "Assign"
    with_criteria = await get(client, "/api/WorkflowStep", includecriteriainfo=True)
    assert with_criteria[0]["step_conditions"][0]["value_display"] == "New"


@pytest.mark.parametrize("config", [EmulatorConfig(workflowstep_actions=False)])
async def test_workflowstep_rows_without_actions_when_switched_off(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    await post(client, "/api/Workflow", incident(emu))
    steps = await get(client, "/api/workflowstep")
    assert steps and not any("actions" in step for step in steps)


@pytest.mark.parametrize("config", [EmulatorConfig(list_children=True)])
async def test_workflowstep_carries_actions_and_rules_with_list_children(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    body = incident(emu)
    body["steps"][0]["rules"] = [{"name": "Step rule"}]
    await post(client, "/api/Workflow", body)
    steps = await get(client, "/api/workflowstep")
    assert steps[0]["actions"][0]["action_name"] == "Assign"
    assert steps[0]["rules"][0]["name"] == "Step rule"
    assert "step_conditions" not in steps[0]


async def test_a_workflow_in_use_is_deleted_when_the_tenant_allows_it(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    emu.config.delete_in_use = "allow"
    target = await post(client, "/api/Workflow", {"name": "Problem Management"})
    await post(client, "/api/TicketRules", {"name": "To problem", "new_workflow_id": target["id"]})
    assert (await client.delete(f"/api/Workflow/{target['id']}")).status_code == 200
    assert (await client.get(f"/api/Workflow/{target['id']}")).status_code == 404


async def test_an_update_without_name_is_refused_when_every_save_needs_one(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    saved = await post(client, "/api/Workflow", {"name": "Incident"})
    partial = {"id": saved["id"], "note": "no name"}
    await post(client, "/api/Workflow", partial)  # the default: the stored name stands

    emu.config.require_name_on_update = True
    response = await client.post("/api/Workflow", json=[partial])
    assert response.status_code == 400
    assert response.json() == {"[0].name": "Name is required"}
    await post(client, "/api/Workflow", {**partial, "name": "Incident"})
