"""Real Halo rows survive export, plan and promotion (issue 20).

Tenant ``a`` is seeded, through the API, with the corpus in ``tests/fixtures/halo``
(Halo-shipped runbook rows recorded from a trial tenant, and rows shaped as a trial
tenant's rules and workflows are: see its README). Exported, the files validate, plan
as no changes where they came from, and promote into an empty tenant ``b`` whose ids
all differ: ``b`` then holds every non-empty field ``a`` holds (tenant ids aside), and
no nested row carries one of ``a``'s ids. Everything runs against both ways a tenant
may answer: rows with only their set fields, and zero-filled rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from haloform.load import schemas
from haloform.load.located import to_plain
from haloform.load.yamlio import read_yaml
from tests.e2e.conftest import Haloform, without_progress
from tests.load.test_schemas import GENERATED

CORPUS = Path(__file__).parents[1] / "fixtures" / "halo"
PROJECT = """\
version: 1
default_environment: a
environments:
  a: {{emulator: true{variant}}}
  b: {{emulator: true, id_offset: 50000{variant}}}
"""
OFFSET = 50000
"""``b``'s seeded lookups are ``a``'s, each id shifted by this (the emulator's seed rule)."""

SERVER_SIDE = frozenset(
    {"id", "fdid", "flow_id", "chatprofile_id", "in_use", "flow_seq"}
    | {"value_display", "alt_value_display"}
    | {"action_name", "action_outcome", "action_colour", "pipeline_stage_name"}
    | {"time_limit_action_name", "automation_action_name", "automation_runbook_name"}
    | {"todo_group_name", "rule_id", "new_agent_name", "new_workflow_name"}
)
"""What Halo fills in itself (docs/halo-api.md: companions, child ids, links to the owner)."""
ROW_IDS = frozenset({"id", "guid", "step_id", "step_seq", "step_name", "rule_id"})
"""A nested pass-through row's own identity and its link to the step holding it."""
HALO_DEFAULTS = {"new_flow_id": -1, "iteration_batch_size": 1, "value_type_id": -1}
"""Halo's "not set" where it is not a zero (docs/halo-api.md)."""
SHIFTED = frozenset(
    {"new_teamid", "new_status_id", "outcome_id", "group_id", "script_id", "role_id"}
)
"""Ids the corpus sets (lookups by name; bound ids given ``b``'s by ``_add_ids_for_b``):
in ``b`` they are ``b``'s ids of the same things."""
LOOKUP_FIELDS = frozenset({"priority_id", "status_id", "agent_id", "team_id"})
"""Criteria fieldnames whose ``value_int`` is a lookup id."""
PASSTHROUGH = frozenset(
    {"runbook_variable_mappings", "output_variables", "input_values", "access_control"}
)
NESTED_KEYS = frozenset({"steps", "actions", "stages", "criteria", "step_conditions"})


def corpus() -> dict[str, list[dict[str, Any]]]:
    runbooks = json.loads((CORPUS / "runbook_rows.json").read_text(encoding="utf-8"))
    shaped = json.loads((CORPUS / "shaped_rows.json").read_text(encoding="utf-8"))
    return {
        "Workflow": [*runbooks["workflows"], *shaped["workflows"]],
        "TicketRules": shaped["ticket_rules"],
    }


@pytest.fixture(params=["plain", "zero_filled"])
def hf(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Haloform:
    """Tenant ``a`` holding the corpus; ``b`` empty; both answering as ``param`` says."""
    root = tmp_path / "repo"
    root.mkdir()
    variant = ", variant: {zero_filled: true}" if request.param == "zero_filled" else ""
    (root / "haloform.yaml").write_text(PROJECT.format(variant=variant), encoding="utf-8")
    monkeypatch.chdir(root)
    haloform = Haloform(root)
    rows = corpus()

    async def seed(client: Any) -> None:
        for path, records in rows.items():
            await client.post(f"/{path}", records)

    haloform.through_api(seed, "a")
    return haloform


def test_the_corpus_exports_validates_and_plans_as_no_changes(hf: Haloform) -> None:
    result = hf("export", "--env", "a", "--out", "exported")
    warnings = without_progress(result.stderr)
    # none about Halo's own codes (negative action ids, new_flow_id -1, end_step -98):
    # one for each tenant id nothing makes portable, bound to the environment it is of
    assert sorted(_warning_field(line) for line in warnings) == [
        "access_control[0].role_id",
        "group_id",
        "script_id",
    ], warnings
    assert all("warning[tenant-id]" in line and "{tenant_ids: {a: " in line for line in warnings)
    validated = hf("validate", "exported").stdout
    assert validated.splitlines()[-1].startswith("0 errors"), validated
    # a Halo-shipped runbook has an action leading to a step it does not have
    assert "warning[dangling-step]" in validated
    plan = hf("plan", "exported", "--env", "a", "--detailed-exitcode").stdout
    assert "No changes" in plan
    # the JSON Schemas editors use accept what validate accepts
    for path in sorted((hf.root / "exported").rglob("*.yaml")):
        for document in read_yaml(path).documents:
            data = to_plain(document.data)
            schema = json.loads(GENERATED[schemas.file_name(data["kind"])])
            found = [e.message for e in Draft202012Validator(schema).iter_errors(data)]
            assert found == [], f"{path.name}: {found[:3]}"


def test_the_corpus_promotes_without_loss_and_without_a_tenant_id(hf: Haloform) -> None:
    hf("export", "--env", "a", "--out", "exported")
    refused = hf("plan", "exported", "--env", "b", code=1)
    # a's own ids are never sent to b: each stops the plan where it is written
    stopped = re.findall(r"(\S+\.yaml:\d+:\d+): error: (\S+): \{tenant_ids", refused.stderr)
    assert sorted(field for _, field in stopped) == [
        "access_control[0].role_id",
        "group_id",
        "script_id",
    ], refused.stderr
    _add_ids_for_b(hf.root / "exported")
    hf("apply", "exported", "--env", "b", "--auto-approve")
    assert "No changes" in hf("plan", "exported", "--env", "b", "--detailed-exitcode").stdout

    a_ids: set[int] = set()
    for path in ("Workflow", "TicketRules"):
        a_rows = _by_guid(hf.records(path, "a"))
        b_rows = _by_guid(hf.records(path, "b"))
        assert a_rows.keys() == b_rows.keys()
        for guid, record in a_rows.items():
            lost = list(_missing(record, b_rows[guid], record.get("name", guid)))
            assert lost == [], f"{path} {record.get('name')}: {lost[:10]}"
            a_ids.update(_row_ids(record))
            assert set(_row_ids(b_rows[guid])) == set(), "a nested row carries an id to b"
    assert len(a_ids) > 50, "the corpus holds nested rows with a's ids"


def _warning_field(line: str) -> str:
    return line.split(": ")[2]


def _add_ids_for_b(root: Path) -> None:
    """What an admin does when the plan stops: give ``b``'s id beside ``a``'s."""
    for path in root.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        edited = re.sub(r"\{a: (\d+)\}", lambda m: f"{{a: {m[1]}, b: {int(m[1]) + OFFSET}}}", text)
        path.write_text(edited, encoding="utf-8")


def _by_guid(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(row["guid"]).casefold(): row for row in rows}


def _missing(a: Any, b: Any, where: str, shifted: bool = False) -> Iterator[str]:
    """Each non-empty value of ``a`` that ``b`` does not hold, by where it is;
    ``shifted``: ``a`` is a lookup id, which ``b`` holds as its own id of that row."""
    if isinstance(a, dict):
        for name, value in a.items():
            if name in SERVER_SIDE or _empty(name, value):
                continue
            if name == "auto_action_type" and a.get("auto_action_type_guid"):
                continue  # a tenant id: b finds its own by the guid beside it
            inner = b.get(name) if isinstance(b, dict) else None
            if name in PASSTHROUGH:
                value = [{k: v for k, v in row.items() if k not in ROW_IDS} for row in value]
            if name == "always_allow_actions":  # Outcome rows: b's ids of the same outcomes
                value = [{"outcome_id": row["id"]} for row in value]
                inner = [{"outcome_id": row["id"]} for row in inner or []]
            lookup = name == "value_int" and a.get("fieldname") in LOOKUP_FIELDS
            moved = name in SHIFTED or lookup or (name == "action_id" and value > 0)
            yield from _missing(value, inner, f"{where}.{name}", moved)
    elif isinstance(a, list):
        for position, item in enumerate(a):
            if not any(not list(_missing(item, other, "", shifted)) for other in b or []):
                yield f"{where}[{position}]: {str(item)[:120]}"
    elif shifted and b != a + OFFSET:
        yield f"{where}: {a} -> {b}"
    elif not shifted and a != b:
        yield f"{where}: {a!r} -> {b!r}"


def _empty(name: str, value: Any) -> bool:
    if value in (None, "", [], {}, 0, False) and not isinstance(value, float):
        return True
    return HALO_DEFAULTS.get(name, object()) == value


def _row_ids(record: dict[str, Any]) -> Iterator[int]:
    """The ids of rows nested in pass-through lists, at any depth below them."""
    for name, value in record.items():
        if name in PASSTHROUGH and isinstance(value, list):
            for row in value:
                yield from _ids_in(row)
        elif name in NESTED_KEYS and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from _row_ids(item)


def _ids_in(node: Any) -> Iterator[int]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "step_id") and isinstance(value, int) and value > 0:
                yield value
            yield from _ids_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _ids_in(item)


UNKNOWN_PROJECT = """\
version: 1
default_environment: a
environments:
  a: {emulator: true}
  b: {emulator: true, id_offset: 50000}
  c: {emulator: true, id_offset: 60000, variant: {not_kept: {Workflow: [brand_new_knob]}}}
"""
METHOD_GUID = "8d209fa3-ca17-4b85-955b-2d36c8e402d5"
"""An integration method's guid, as a runbook row of the corpus pairs it (with id 10)."""


@pytest.fixture
def unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Haloform:
    """Tenant ``a`` with a workflow carrying fields no model knows (Halo keeps adding
    them), ``b`` and ``c`` empty; ``c`` silently drops one of them."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "haloform.yaml").write_text(UNKNOWN_PROJECT, encoding="utf-8")
    monkeypatch.chdir(root)
    haloform = Haloform(root)
    workflow = {
        "guid": "5b9e0c2a-3d4f-4a56-8b7c-9d0e1f2a3b4c",
        "name": "Knobs",
        "brand_new_knob": 2,
        "steps": [
            {"step_id": 1, "name": "Start", "isstart": True, "ai_new_field": "x",
             "auto_action": 6, "auto_action_type": 10, "auto_action_type_guid": METHOD_GUID},
        ],
    }  # fmt: skip
    haloform.through_api(lambda client: client.post("/Workflow", [workflow]), "a")
    return haloform


def test_a_field_haloform_does_not_model_is_kept_sent_and_verified(unknown: Haloform) -> None:
    result = unknown("export", "--env", "a", "--out", "exported")
    warnings = without_progress(result.stderr)
    assert sorted(line.split(": ")[2] for line in warnings) == [
        "steps[0].unmodelled.ai_new_field",
        "unmodelled.brand_new_knob",
    ]
    assert all("warning[unmodelled-field]" in line for line in warnings)
    text = (unknown.root / "exported/workflows/knobs.yaml").read_text(encoding="utf-8")
    assert "\nunmodelled:\n  brand_new_knob: 2\n" in text
    assert f"auto_action_type_guid: {METHOD_GUID}" in text
    assert "auto_action_type:" not in text  # a's id of the method: the guid names it
    assert "No changes" in unknown("plan", "exported", "--env", "a").stdout

    unknown("apply", "exported", "--env", "b", "--auto-approve")
    [stored] = unknown.records("Workflow", "b")
    assert stored["brand_new_knob"] == 2
    assert stored["steps"][0]["ai_new_field"] == "x"
    # b has no row pairing the method's guid with an id: sent by the guid alone
    assert "auto_action_type" not in stored["steps"][0]
    assert stored["steps"][0]["auto_action_type_guid"] == METHOD_GUID

    # a tenant that drops a kept field fails the read-back, as for any other field
    dropped = unknown("apply", "exported", "--env", "c", "--auto-approve", code=1)
    assert "Halo did not keep unmodelled.brand_new_knob on Workflow" in dropped.stdout


def test_an_integration_method_is_sent_as_each_tenant_numbers_it(unknown: Haloform) -> None:
    """``auto_action_type`` is a tenant's id; b's own rows pair the guid with its id."""
    other = {
        "guid": "6c0f1d3b-4e5a-4b67-9c8d-0e1f2a3b4c5d",
        "name": "Uses the method in b",
        "steps": [{"step_id": 1, "name": "Call", "isstart": True, "auto_action": 6,
                   "auto_action_type": 77, "auto_action_type_guid": METHOD_GUID}],
    }  # fmt: skip
    unknown.through_api(lambda client: client.post("/Workflow", [other]), "b")
    unknown("export", "--env", "a", "--out", "exported")
    plan = unknown("plan", "exported", "--env", "b", "--detailed-exitcode", code=2)
    assert "sent by the guid alone" not in plan.stdout + plan.stderr
    unknown("apply", "exported", "--env", "b", "--auto-approve")
    stored = {row["name"]: row for row in unknown.records("Workflow", "b")}
    assert stored["Knobs"]["steps"][0]["auto_action_type"] == 77
