"""``haloform plan`` and ``haloform apply`` from an empty tenant to a converged one:
creates, field-level updates, deletes, unmanaged records, cycles and targets."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from haloform.apply import Applier, ApplyReport, Status
from haloform.emulator import Emulator, Faults
from haloform.errors import ApplyError
from haloform.halo import HaloClient
from haloform.kinds import KINDS
from haloform.plan.model import Action, Plan
from haloform.render.report import render_report
from haloform.tasks.planning import plan_tenant
from tests.conftest import client_for
from tests.e2e.conftest import Haloform, changes_by_name, fields_of, plan_request
from tests.examples import RESOURCE_COUNT

WORKFLOWS = {"Incident Lifecycle", "Problem Management", "Service Request Fulfilment"}
TICKET_RULES = {
    "Database keywords to Dave",
    "Incidents use the incident lifecycle",
    "P1 to Network team",
    "Password resets use the template",
    "Service requests use fulfilment",
}
EVENT_RULES = {"RMM CPU alerts", "RMM disk alerts"}


def names(records: list[dict[str, Any]]) -> set[str]:
    return {str(record["name"]) for record in records}


def test_empty_tenant_to_converged(examples: Haloform) -> None:
    text = examples("plan", ".", "--detailed-exitcode", code=2).stdout
    assert f"Plan: {RESOURCE_COUNT} to create, 0 to update, 0 to delete." in text

    report = examples.plan()
    assert report["summary"] == {
        "create": RESOURCE_COUNT,
        "update": 0,
        "delete": 0,
        "unchanged": 0,
    }
    assert {change["action"] for change in report["changes"]} == {"create"}
    assert report["unmanaged"] == []

    applied = examples.apply().stdout
    assert (
        f"Apply: {RESOURCE_COUNT} created, 0 updated, 0 deleted; 0 failed, 0 not attempted."
        in applied
    )
    assert names(examples.records("Workflow")) == WORKFLOWS
    assert names(examples.records("TicketRules")) == TICKET_RULES
    assert names(examples.records("EventRule")) == EVENT_RULES

    assert examples.assert_converged()["summary"]["unchanged"] == RESOURCE_COUNT


def test_apply_plans_writes_and_verifies_over_one_client(examples: Haloform) -> None:
    """One token and one rate budget for the whole command: ``-v`` reports each
    client's requests when it closes, so one summary line means one client."""
    result = examples("apply", ".", "--auto-approve", "-v")
    summaries = [line for line in result.stderr.splitlines() if line.startswith("haloform made")]
    assert len(summaries) == 1, summaries
    assert summaries[0].endswith("auth: GET /api/authinfo x1, POST /auth/token x1")


def test_edits_plan_as_exactly_those_field_changes(examples: Haloform) -> None:
    examples.apply()
    examples.edit("workflows/incident.yaml", "name: Assigned\n", "name: Assigned to agent\n")
    examples.edit("workflows/incident.yaml", "time_limit_mins: 240", "time_limit_mins: 480")
    examples.edit("ticket-rules/p1-to-network.yaml", "precedence: 10", "precedence: 15")
    examples.edit("ticket-rules/vip-and-keywords.yaml", "string: database", "string: postgres")
    examples.edit(
        "ticket-rules/vip-and-keywords.yaml", "agent: Dave Database", "agent: Alice Admin"
    )

    report = examples.plan()
    assert report["summary"] == {"create": 0, "update": 3, "delete": 0, "unchanged": 7}
    changes = changes_by_name(report)
    assert {change["action"] for change in changes.values()} == {"update"}
    assert fields_of(changes["Incident Lifecycle"]) == {
        'steps["Assigned to agent"].actions["Resolve -> Resolved"].time_limit_mins': (240, 480),
        'steps["Assigned to agent"].name': ("Assigned", "Assigned to agent"),
    }
    assert fields_of(changes["P1 to Network team"]) == {"precedence": (10, 15)}
    criterion = {
        "fieldname": "symptom",
        "tablename": "faults",
        "type": 2,
        "value_type": "string",
    }
    assert fields_of(changes["Database keywords to Dave"]) == {
        "criteria[-]": ({**criterion, "value_string": "database"}, None),
        "criteria[+]": (None, {**criterion, "value_string": "postgres"}),
        "new_agent_id": ({"agent": "Dave Database"}, {"agent": "Alice Admin"}),
    }

    applied = examples.apply().stdout
    assert "Apply: 0 created, 3 updated, 0 deleted; 0 failed, 0 not attempted." in applied
    examples.assert_converged()
    [rule] = [r for r in examples.records("TicketRules") if r["name"] == "P1 to Network team"]
    assert rule["precedence"] == 15


TOMBSTONE = """
    kind: TicketRule
    guid: 12672e35-d17c-4d99-8ccf-821139b44e10
    name: Password resets use the template
    deleted: true
"""


def _tombstone_password_resets(examples: Haloform) -> None:
    path = examples.root / "ticket-rules" / "vip-and-keywords.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\n---\n") + 1], encoding="utf-8")
    examples.write({"ticket-rules/retired.yaml": TOMBSTONE})


def test_a_tombstone_deletes_only_when_allowed(examples: Haloform) -> None:
    examples.apply()
    _tombstone_password_resets(examples)

    report = examples.plan()
    [change] = report["changes"]
    assert (change["action"], change["name"]) == ("delete", "Password resets use the template")
    assert change["source"] == "ticket-rules/retired.yaml:1"

    refused = examples.apply(code=1)
    assert "--allow-delete was not given: nothing was applied" in refused.stderr
    assert "Password resets use the template" in names(examples.records("TicketRules"))

    too_many = examples.apply(".", "--allow-delete", "--max-deletes", "0", code=1)
    assert "more than --max-deletes 0 allows" in too_many.stderr
    assert len(examples.records("TicketRules")) == 5

    deleted = examples.apply(".", "--allow-delete", "--max-deletes", "1").stdout
    assert "Apply: 0 created, 0 updated, 1 deleted; 0 failed, 0 not attempted." in deleted
    assert names(examples.records("TicketRules")) == TICKET_RULES - {
        "Password resets use the template"
    }
    converged = examples.assert_converged()
    assert any("already absent from the tenant" in w for w in converged["warnings"])


def test_unmanaged_records_are_left_alone_unless_a_prune_scope_covers_them(
    examples: Haloform,
) -> None:
    examples.apply()
    scratch = examples.create_in_tenant("/TicketRules", name="tmp-scratch", precedence=90)
    manual = examples.create_in_tenant("/TicketRules", name="Manual routing", precedence=91)

    report = examples.plan(code=0)
    assert report["changes"] == []
    assert [(u["name"], u["guid"]) for u in report["unmanaged"]] == [
        ("Manual routing", manual["guid"]),
        ("tmp-scratch", scratch["guid"]),
    ]
    examples.apply()
    assert {"Manual routing", "tmp-scratch"} <= names(examples.records("TicketRules"))

    project = examples.root / "haloform.yaml"
    scope = '\nprune:\n  - {kind: TicketRule, name: "tmp-*"}\n'
    project.write_text(project.read_text(encoding="utf-8") + scope, encoding="utf-8")
    pruning = examples.plan()
    [change] = pruning["changes"]
    assert (change["action"], change["guid"]) == ("delete", scratch["guid"])
    assert change["source"] == "prune scope in haloform.yaml"
    assert [u["name"] for u in pruning["unmanaged"]] == ["Manual routing"]

    examples.apply(code=1)
    assert "tmp-scratch" in names(examples.records("TicketRules"))
    examples.apply(".", "--allow-delete")
    left = names(examples.records("TicketRules"))
    assert "tmp-scratch" not in left
    assert "Manual routing" in left
    assert [u["name"] for u in examples.assert_converged()["unmanaged"]] == ["Manual routing"]


CYCLE = """
    kind: Workflow
    guid: aaaaaaaa-0000-4000-8000-000000000001
    name: Ping
    steps:
      - step_id: 1
        name: Start
        isstart: true
        actions:
          - {action_id: {outcome: Escalate}, end_step: 2, seq: 1}
      - {step_id: 2, name: To Pong, new_flow_id: {workflow: Pong}}
    ---
    kind: Workflow
    guid: aaaaaaaa-0000-4000-8000-000000000002
    name: Pong
    steps:
      - step_id: 1
        name: Start
        isstart: true
        actions:
          - {action_id: {outcome: Escalate}, end_step: 2, seq: 1}
      - step_id: 2
        name: To Ping
        new_flow_id: {workflow: {guid: aaaaaaaa-0000-4000-8000-000000000001}}
"""


def test_a_reference_cycle_is_applied_in_two_passes(repo: Haloform) -> None:
    repo.write({"workflows/pair.yaml": CYCLE})

    report = repo.plan()
    assert [(c["action"], c["name"]) for c in report["changes"]] == [
        ("create", "Ping"),
        ("create", "Pong"),
    ]
    [warning] = report["warnings"]
    assert warning.startswith("reference cycle Workflow/Ping -> Workflow/Pong -> Workflow/Ping")
    assert "Apply: 2 created" in repo.apply().stdout
    repo.assert_converged()

    flows = {record["name"]: record for record in repo.records("Workflow")}
    assert set(flows) == {"Ping", "Pong"}
    switches = {
        name: [step["new_flow_id"] for step in flow["steps"] if step.get("new_flow_id")]
        for name, flow in flows.items()
    }
    assert switches == {"Ping": [flows["Pong"]["id"]], "Pong": [flows["Ping"]["id"]]}


def test_target_plans_a_resource_and_what_it_depends_on(examples: Haloform) -> None:
    target = ("--target", "TicketRule/P1 to Network team")
    report = examples.plan(*target)
    assert report["targets"] == ["TicketRule/P1 to Network team"]
    assert [(c["action"], c["kind"], c["name"]) for c in report["changes"]] == [
        ("create", "TicketRule", "P1 to Network team"),
        ("create", "Workflow", "Incident Lifecycle"),
        ("create", "Workflow", "Problem Management"),
    ]

    examples("apply", ".", *target, "--auto-approve")
    assert names(examples.records("Workflow")) == {"Incident Lifecycle", "Problem Management"}
    assert names(examples.records("TicketRules")) == {"P1 to Network team"}
    assert examples.plan()["summary"] == {"create": 7, "update": 0, "delete": 0, "unchanged": 3}


def test_a_target_that_names_nothing_is_an_error_with_a_suggestion(examples: Haloform) -> None:
    result = examples("plan", ".", "--target", "TicketRule/P1 to Netwrk team", code=1)
    assert "names no resource in this repo" in result.stderr
    assert "did you mean 'TicketRule/P1 to Network team'?" in result.stderr
    assert examples.records("TicketRules") == []


def test_verbose_counts_requests_and_plan_only_reads(examples: Haloform) -> None:
    planned = examples("plan", ".", "-v")
    [line] = [line for line in planned.stderr.splitlines() if "made " in line]
    assert re.match(r"haloform made \d+ requests: ", line), line
    api, _, auth = line.partition(": ")[2].partition("; auth: ")
    calls = Counter(entry.split(" ", 1)[0] for entry in api.split(", "))
    assert set(calls) == {"GET"}, line
    assert "POST /auth/token" in auth

    applied = examples("-v", "apply", ".", "--auto-approve")
    assert any("made " in line and "POST /Workflow" in line for line in applied.stderr.splitlines())


async def test_plan_sends_nothing_but_gets(emu: Emulator, examples: Haloform) -> None:
    request = plan_request(examples.root)
    async with client_for(emu) as client:
        await plan_tenant(client, request)
        await Applier(client).apply(await plan_tenant(client, request))
        emu.requests.clear()
        await plan_tenant(client, request)
    api = [(method, path) for method, path, _ in emu.requests if path.startswith("/api/")]
    assert api
    assert {method for method, _ in api} == {"GET"}


RESOURCES = tuple(spec.api_path.lstrip("/") for spec in KINDS)
"""The emulator's resource of each managed kind."""
FAULTS = Faults(error_rate=0.4, drop_rate=0.1, commit_then_fail_rate=0.3, seed=10)
"""Chosen so the first apply of examples/ ends with some resources applied, some
failed (with an unknown outcome) and some not attempted; the dice are seeded."""


def _no_duplicates(emu: Emulator) -> None:
    for resource in RESOURCES:
        rows = emu.records(resource)
        for key in ("guid", "name"):
            counts = Counter(str(row[key]).casefold() for row in rows)
            assert [value for value, n in counts.items() if n > 1] == [], (resource, key)


async def _apply(client: HaloClient, plan: Plan) -> ApplyReport:
    try:
        return await Applier(client).apply(plan)
    except ApplyError as error:  # a run that had to stop still reports what it did
        assert isinstance(error.report, ApplyReport)
        return error.report


async def test_a_failed_apply_converges_when_run_again(emu: Emulator, examples: Haloform) -> None:
    request = plan_request(examples.root)
    async with client_for(emu) as client:
        first = await plan_tenant(client, request)
        emu.config.faults = FAULTS
        report = await _apply(client, first)
        emu.config.faults = Faults()

        statuses = Counter(result.status for result in report.results)
        assert statuses[Status.APPLIED] > 0
        assert statuses[Status.FAILED] + statuses[Status.UNKNOWN] > 0
        assert statuses[Status.SKIPPED] > 0
        assert not report.ok
        listed = render_report(report)
        assert re.search(r"^ok +created ", listed, re.MULTILINE)
        assert re.search(r"^(FAILED|UNKNOWN) ", listed, re.MULTILINE)
        assert re.search(r"^-- +skipped create of .*: depends on ", listed, re.MULTILINE)
        assert re.search(r"\d+ failed.*, \d+ not attempted\.", listed)
        _no_duplicates(emu)

        stored = {
            str(row["guid"]).casefold() for resource in RESOURCES for row in emu.records(resource)
        }
        missing = {
            result.key
            for result in report.results
            if result.status is not Status.APPLIED and result.guid.casefold() not in stored
        }
        second = await plan_tenant(client, request)
        assert {change.action for change in second.changes} == {Action.CREATE}
        assert {change.key for change in second.changes} == missing

        assert (await Applier(client).apply(second)).ok
        assert not (await plan_tenant(client, request)).has_changes
    _no_duplicates(emu)
    assert sum(emu.count(resource) for resource in RESOURCES) == len(first.changes)


def test_deleting_a_workflow_in_use_is_warned_about(examples: Haloform) -> None:
    examples.apply()
    flows = {row["name"]: row for row in examples.records("Workflow")}
    problem = flows["Problem Management"]
    examples.create_in_tenant(
        "/TicketRules", name="Admin's own rule", new_workflow_id=problem["id"]
    )
    # Incident no longer switches to Problem Management, which the repo now deletes.
    examples.edit(
        "workflows/incident.yaml",
        "    new_flow_id: {workflow: Problem Management}   # switches the ticket's workflow\n",
        "",
    )
    (examples.root / "workflows" / "problem.yaml").write_text(
        f"kind: Workflow\nguid: {problem['guid']}\nname: Problem Management\ndeleted: true\n",
        encoding="utf-8",
    )
    warnings = examples.plan()["warnings"]
    assert [w for w in warnings if "is in use" in w] == [
        "workflows/problem.yaml:1: Workflow 'Problem Management' is in use (in_use is true "
        "in Halo): Halo may refuse the delete, or the tickets, rules and workflows that use "
        "it break; move them off it first"
    ]


def test_value_display_is_never_sent_nor_diffed(examples: Haloform) -> None:
    """Halo derives ``value_display`` when it lists rules: a payload never carries it,
    and a tenant that shows other text there is no change."""
    examples.apply()
    examples.edit("ticket-rules/p1-to-network.yaml", "precedence: 10", "precedence: 11")
    with examples.tenant() as emu:
        for row in emu.records("TicketRules"):
            for criterion in row.get("criteria") or []:
                criterion["value_display"] = "text Halo derived"
            emu.tenant.store.put("ticketrules", row["id"], row)

    async def plan(client: HaloClient) -> Plan:
        return await plan_tenant(client, plan_request(examples.root))

    made = examples.through_api(plan)
    assert [(c.name, [f.path for f in c.fields]) for c in made.changes] == [
        ("P1 to Network team", ["precedence"])
    ]
    assert "value_display" not in json.dumps([c.payload for c in made.changes])
    assert "value_display" in json.dumps(examples.records("TicketRules"))
