"""/TicketRules: defaults, companions, criteria, list flags and reference checks."""

from __future__ import annotations

import httpx
import pytest

from haloform.emulator import Emulator

from .conftest import get, lookup_id, post

DETAIL_ONLY = {"criteria_groups", "database_lookups", "events", "access_control"}


async def test_create_fills_defaults_and_companions(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    flow = await post(client, "/api/Workflow", {"name": "Incident Lifecycle"})
    rule = await post(
        client,
        "/api/TicketRules",
        {
            "name": "P1 to Network",
            "stopmatching": True,
            "criteria": [{"fieldname": "priority_id", "type": 0, "value_int": 1}],
            "new_team": "network",
            "new_agent_id": lookup_id(emu, "Agent", "Carol Network"),
            "new_status_id": lookup_id(emu, "Status", "In Progress"),
            "new_priority_id": 1,
            "new_sla_id": lookup_id(emu, "SLA", "Platinum"),
            "new_template_id": lookup_id(emu, "Template", "Server Down"),
            "new_workflow_id": flow["id"],
        },
    )
    assert (rule["precedence"], rule["active"]) == (50, True)
    assert rule["new_agent_name"] == "Carol Network"
    assert rule["newstatus_guid"] == "ac5293e7-a7e2-4854-8178-d83435866f60"
    assert rule["new_sla_guid"] == "d398d404-8868-4ab9-bcda-f8f2305253b6"
    assert (rule["new_template_name"], rule["newtemplate_guid"]) == (
        "Server Down",
        "350226db-cab2-4f89-ac53-11859c67c794",
    )
    assert (rule["new_workflow_name"], rule["newworkflow_guid"]) == (
        "Incident Lifecycle",
        flow["guid"],
    )
    criterion = rule["criteria"][0]
    assert criterion["id"] > 0 and criterion["rule_id"] == rule["id"]
    assert criterion["value_display"] == "P1 Critical"


async def test_given_precedence_is_kept(client: httpx.AsyncClient) -> None:
    assert (await post(client, "/api/TicketRules", {"name": "R", "precedence": 10}))[
        "precedence"
    ] == 10


async def test_companions_are_joined_on_read_not_taken_from_the_client(
    client: httpx.AsyncClient,
) -> None:
    flow = await post(client, "/api/Workflow", {"name": "Before"})
    rule = await post(
        client,
        "/api/TicketRules",
        {
            "name": "R",
            "new_workflow_id": flow["id"],
            "new_workflow_name": "Stale",
            "new_agent_name": "Nobody",
        },
    )
    assert rule["new_workflow_name"] == "Before"
    assert "new_agent_name" not in rule
    await post(client, "/api/Workflow", {"id": flow["id"], "name": "After"})
    assert (await get(client, f"/api/TicketRules/{rule['id']}"))["new_workflow_name"] == "After"


async def test_list_carries_criteria_only_with_includecriteriainfo(
    client: httpx.AsyncClient,
) -> None:
    criteria = [{"fieldname": "summary", "type": 2, "value_string": "disk"}]
    groups = [{"criteria": [{"fieldname": "summary", "value_string": "cpu"}]}]
    await post(
        client,
        "/api/TicketRules",
        {
            "name": "R",
            "criteria": criteria,
            "criteria_groups": groups,
            "events": [{}],
            "access_control": [{}],
        },
    )
    plain = (await get(client, "/api/TicketRules"))[0]
    assert "criteria" not in plain and not DETAIL_ONLY & plain.keys()
    info = (await get(client, "/api/TicketRules", includecriteriainfo=True, isconfig=True))[0]
    assert info["criteria"][0]["value_display"] == "disk"
    assert not DETAIL_ONLY & info.keys()


async def test_details_only_with_includedetails(client: httpx.AsyncClient) -> None:
    groups = [{"criteria": [{"fieldname": "summary", "value_string": "cpu"}]}]
    rule = await post(client, "/api/TicketRules", {"name": "R", "criteria_groups": groups})
    assert "criteria_groups" not in await get(client, f"/api/TicketRules/{rule['id']}")
    detailed = await get(client, f"/api/TicketRules/{rule['id']}", includedetails=True)
    group = detailed["criteria_groups"][0]
    assert group["id"] > 0 and group["criteria"][0]["id"] > 0


async def test_rule_use_filters_by_use(client: httpx.AsyncClient) -> None:
    await post(
        client, "/api/TicketRules", {"name": "New only", "use": 1}, {"name": "Manual", "use": 3}
    )
    assert [r["name"] for r in await get(client, "/api/TicketRules", rule_use=3)] == ["Manual"]
    assert len(await get(client, "/api/TicketRules", access_control_level=0)) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("new_agent_id", 999),
        ("new_team", "Nobody's team"),
        ("new_status_id", 999),
        ("new_priority_id", 99),
        ("new_sla_id", 999),
        ("new_template_id", 999),
        ("new_workflow_id", 999),
        ("flowdetail_id", 999),
    ],
)
async def test_references_must_exist(client: httpx.AsyncClient, field: str, value: object) -> None:
    response = await client.post("/api/TicketRules", json=[{"name": "R", field: value}])
    assert response.status_code == 400
    assert "does not exist" in response.json()[f"[0].{field}"]


@pytest.mark.parametrize("unset", [0, None, ""])
async def test_zero_null_and_empty_mean_no_reference(
    client: httpx.AsyncClient, unset: object
) -> None:
    field = "new_team" if isinstance(unset, str) else "new_agent_id"
    await post(client, "/api/TicketRules", {"name": "R", field: unset})


async def test_priority_references_use_priorityid_not_the_guid_id(
    client: httpx.AsyncClient,
) -> None:
    priorities = await get(client, "/api/Priority")
    p2 = next(p for p in priorities if p["name"] == "P2 High")
    rule = await post(
        client, "/api/TicketRules", {"name": "R", "new_priority_id": p2["priorityid"]}
    )
    assert rule["new_priority_id"] == p2["priorityid"]


async def test_delete_answers_the_rule_then_it_is_gone(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    rule = await post(client, "/api/TicketRules", {"name": "R"})
    response = await client.delete(f"/api/TicketRules/{rule['id']}")
    assert (response.status_code, response.json()["name"]) == (200, "R")
    assert emu.count("TicketRules") == 0
    assert (await client.delete(f"/api/TicketRules/{rule['id']}")).status_code == 404


async def test_a_rule_posted_with_a_steps_fdid_becomes_that_steps_rule(
    client: httpx.AsyncClient,
) -> None:
    flow = await post(
        client, "/api/Workflow", {"name": "W", "steps": [{"step_id": 1, "name": "S"}]}
    )
    fdid = flow["steps"][0]["fdid"]
    rule = await post(client, "/api/TicketRules", {"name": "Joins the step", "flowdetail_id": fdid})
    detailed = await get(client, f"/api/Workflow/{flow['id']}", includedetails=True)
    assert [r["id"] for r in detailed["steps"][0]["rules"]] == [rule["id"]]
