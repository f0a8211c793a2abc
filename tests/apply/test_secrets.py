"""Secrets: filled in from the environment for the POST itself, and nowhere else."""

from __future__ import annotations

import json

import httpx

from haloform.apply import ApplyEvent, Status
from haloform.emulator import Emulator
from haloform.halo import HaloClient
from tests.apply.conftest import API, Tap
from tests.apply.plans import EVENT_RULE, RULE, apply_plan, create, levels, new_guid, plan_of, rule

SECRET = "SENTINEL-webhook-secret-4f+/="
ENVIRON = {"RMM_SECRET": SECRET}


def _event_rule(name: str, variable: str = "RMM_SECRET") -> dict[str, object]:
    return {
        "guid": new_guid(),
        "name": name,
        "event_key": "rmm",
        "new_client_secret": f"${{env:{variable}}}",
    }


async def test_the_post_carries_the_secret_and_the_report_never_does(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    events: list[ApplyEvent] = []
    plan = plan_of(create(EVENT_RULE, _event_rule("RMM")))

    report = await apply_plan(
        plan, halo, levels=levels(plan), environ=ENVIRON, on_event=events.append
    )

    assert report.ok
    [body] = tap.bodies()
    assert json.loads(body)[0]["new_client_secret"] == SECRET
    seen = [report.model_dump_json(), repr(report), report.summary(), *map(repr, events)]
    assert not [text for text in seen if SECRET in text]
    payload = plan.changes[0].payload
    assert payload is not None
    assert payload["new_client_secret"] == "${env:RMM_SECRET}"  # the plan is never filled in


async def test_a_secret_halo_echoes_in_an_error_is_scrubbed(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    def echo(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.method != "POST" or not request.url.path.startswith(API):
            return response
        sent = json.loads(request.content)[0]["new_client_secret"]
        body = {"[0].new_client_secret": f"{sent!r} is not a valid secret"}
        return httpx.Response(400, json=body, request=request)

    tap.rewrite = echo
    events: list[ApplyEvent] = []
    plan = plan_of(create(EVENT_RULE, _event_rule("RMM")))

    report = await apply_plan(
        plan, halo, levels=levels(plan), environ=ENVIRON, on_event=events.append
    )

    assert report.results[0].status is Status.FAILED
    assert (
        report.results[0].message
        == "Halo refused it: new_client_secret: '**********' is not a valid secret"
    )
    assert SECRET not in report.model_dump_json()
    assert not [event for event in events if SECRET in event.message]


async def test_a_secret_missing_from_the_environment_fails_that_change_unsent(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    plan = plan_of(
        create(EVENT_RULE, _event_rule("Unset", "NOT_SET")),
        create(EVENT_RULE, _event_rule("Set")),
        create(RULE, rule(new_guid(), "Rule")),
    )

    report = await apply_plan(plan, halo, levels=levels(plan), environ=ENVIRON)

    assert [r.status for r in report.results] == [Status.FAILED, Status.APPLIED, Status.APPLIED]
    assert (
        report.results[0].message
        == "EventRule new_client_secret: environment variable NOT_SET is not set"
    )
    assert [row["name"] for row in emu.records("EventRule")] == ["Set"]
