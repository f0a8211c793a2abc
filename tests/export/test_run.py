"""Export: file names, merging into files people edited, and byte-stable output
whatever order the tenant answers in. The tenant is ``tests.plan.tenant``'s, as
LiveState, so these run without HTTP; tests/e2e/test_export.py drives the command."""

from __future__ import annotations

import copy
import random
import textwrap
from pathlib import Path
from typing import Any

import pytest

from haloform.diagnostics import ConfigErrors
from haloform.export.files import NewFile as New
from haloform.export.files import file_names, schema_line, slug
from haloform.export.layout import Meaning
from haloform.export.merge import Merger
from haloform.export.run import Export, ExportRequest, FileStatus, build_export, write_export
from haloform.kinds import KINDS, KindSpec
from haloform.kinds.event_rule import EVENT_RULE
from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.kinds.workflow import WORKFLOW
from haloform.load.yamlio import parse_yaml
from haloform.load.yamlwrite import dump_documents
from haloform.snapshot.directory import Directory, Entry
from haloform.snapshot.state import LiveKind, LiveState
from tests.kinds import documents
from tests.plan import tenant

SECRET = "hunter2-webhook-secret"
GUID_A = "aaaaaaaa-1111-4111-8111-111111111111"
GUID_B = "bbbbbbbb-2222-4222-8222-222222222222"


# --- the tenant ---------------------------------------------------------------------


def _records() -> dict[KindSpec, list[dict[str, Any]]]:
    rule = tenant.live_ticket_rule()
    rule["criteria"] += [
        {"fieldname": "summary", "type": 2, "value_string": "outage"},
        {"fieldname": "status_id", "type": 1, "value_int": 1},
    ]
    event = {**tenant.live_event_rule(), "new_client_secret": SECRET}
    event["mappings"].append({"integration_method_value_name": "message", "field_name": "details"})
    return {
        WORKFLOW: [tenant.live_workflow(), tenant.live_problem()],
        TICKET_RULE: [rule],
        EVENT_RULE: [event],
    }


def live_state(seed: int | None = None) -> LiveState:
    """The tenant; with ``seed``, every list it answers comes in another order."""
    kinds = {}
    for spec, records in _records().items():
        if seed is not None:
            records = [_shuffled(record, random.Random(seed)) for record in records]
        rows = [{key: r[key] for key in ("id", "guid", "name")} for r in records]
        kinds[spec.kind] = LiveKind(spec, rows, {r["id"]: r for r in records})
    return LiveState(kinds, tenant.INDEX.directory)


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        return {key: _shuffled(inner, rng) for key, inner in value.items()}
    if isinstance(value, list):
        items = [_shuffled(inner, rng) for inner in value]
        rng.shuffle(items)
        return items
    return value


def export(out: Path, live: LiveState | None = None, **options: Any) -> Export:
    request = ExportRequest(
        out=out, tenant="embedded:test", environment="test", specs=KINDS, **options
    )
    result = build_export(live or live_state(), request)
    write_export(result, out)
    return result


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- file names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("P1 to Network team", "p1-to-network-team"),
        ("  P1 -> Network!!  ", "p1-network"),
        ("Équipe réseau", "equipe-reseau"),
        ("Dave's rules", "daves-rules"),
        ("Incident_Lifecycle v2.1", "incident-lifecycle-v2-1"),
        ("運用", ""),
    ],
)
def test_a_slug_is_lower_case_ascii_words_joined_by_hyphens(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_a_long_slug_is_cut_at_a_word() -> None:
    cut = slug("word " * 30)
    assert len(cut) <= 60 and cut.endswith("word") and not cut.endswith("-")


def test_names_that_slug_alike_all_get_a_short_guid_suffix() -> None:
    resources = [
        New("ticket-rules", "P1: Network", GUID_B, "TicketRule"),
        New("ticket-rules", "p1 network", GUID_A, "TicketRule"),
        New("ticket-rules", "Other", documents.RULE_GUID, "TicketRule"),
        New("workflows", "P1 network", documents.WORKFLOW_GUID, "Workflow"),
    ]
    paths = file_names(resources, taken=())
    assert paths == {
        GUID_A: "ticket-rules/p1-network-aaaaaaaa.yaml",
        GUID_B: "ticket-rules/p1-network-bbbbbbbb.yaml",
        documents.RULE_GUID: "ticket-rules/other.yaml",
        documents.WORKFLOW_GUID: "workflows/p1-network.yaml",
    }
    assert file_names(reversed(resources), taken=()) == paths


def test_a_file_that_exists_is_never_taken_and_a_nameless_resource_is_named_by_kind() -> None:
    resources = [
        New("ticket-rules", "Other", GUID_A, "TicketRule"),
        New("event-rules", "運用", GUID_B, "EventRule"),
    ]
    paths = file_names(resources, taken=["ticket-rules/OTHER.yaml"])
    assert paths == {
        GUID_A: "ticket-rules/other-aaaaaaaa.yaml",
        GUID_B: "event-rules/eventrule.yaml",
    }


def test_the_schema_line_points_at_the_schemas_under_out_only_when_they_exist(
    tmp_path: Path,
) -> None:
    assert schema_line(tmp_path, "workflows/x.yaml", "Workflow") == ""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "workflow.schema.json").write_text("{}")
    expected = "# yaml-language-server: $schema=../schemas/workflow.schema.json\n"
    assert schema_line(tmp_path, "workflows/x.yaml", "Workflow") == expected
    assert schema_line(tmp_path, "workflows/x.yaml", "TicketRule") == ""


# --- a fresh export -------------------------------------------------------------------


def test_each_resource_gets_a_file_in_portable_terms_kind_first(tmp_path: Path) -> None:
    result = export(tmp_path)
    assert [(file.path, file.status) for file in result.files] == [
        ("event-rules/rmm-disk-alerts.yaml", FileStatus.CREATED),
        ("ticket-rules/p1-to-network-team.yaml", FileStatus.CREATED),
        ("workflows/incident-lifecycle.yaml", FileStatus.CREATED),
        ("workflows/problem-management.yaml", FileStatus.CREATED),
    ]
    assert (tmp_path / "workflows/problem-management.yaml").read_text() == textwrap.dedent(
        f"""\
        kind: Workflow
        guid: {documents.PROBLEM_GUID}
        name: Problem Management
        active: true
        steps:
          - step_id: 1
            name: Investigate
            isstart: true
            actions:
              - {{action_id: {{outcome: Resolve}}, end_step: 2}}
          - {{step_id: 2, name: Closed, isend: true}}
        """
    )
    rule = (tmp_path / "ticket-rules/p1-to-network-team.yaml").read_text()
    assert rule.startswith(f"kind: TicketRule\nguid: {documents.RULE_GUID}\nname: P1 to Network")
    assert "new_workflow_id: {workflow: Incident Lifecycle}" in rule
    assert "new_agent_id: {agent: Carol Network}" in rule
    assert "matched_rule_count" not in rule and "value_display" not in rule


def test_a_secret_is_never_exported(tmp_path: Path) -> None:
    export(tmp_path)
    text = (tmp_path / "event-rules/rmm-disk-alerts.yaml").read_text()
    assert SECRET not in text and "new_client_secret" not in text


def test_an_id_the_tenant_cannot_name_is_bound_to_its_environment(tmp_path: Path) -> None:
    """Issue 20: written as ``{tenant_ids: {test: 41}}``, so a plan for another
    environment stops there instead of sending this tenant's 41 to that one."""
    result = export(tmp_path)
    workflow = (tmp_path / "workflows/incident-lifecycle.yaml").read_text()
    bound = "  - {tenant_ids: {test: 41}}"
    assert f"always_allow_actions:\n  - {{outcome: Add Note}}\n{bound}\n" in workflow
    line = workflow.splitlines().index(bound) + 1
    assert (
        f"{tmp_path}/workflows/incident-lifecycle.yaml:{line}:5: warning[tenant-id]: "
        "always_allow_actions[1]: {tenant_ids: {test: 41}}: a tenant's own id, which no "
        "name carries to another tenant; a plan for an environment other than test stops "
        "here until its id is added"
    ) in result.warnings
    assert "time_limit_action_id: 7" not in workflow  # Chase is a known outcome
    assert not any("p1-to-network" in warning for warning in result.warnings)


def test_a_name_two_lookup_rows_share_is_reported(tmp_path: Path) -> None:
    live = live_state()
    agents = (*live.directory.all("agent"), Entry(6, "Carol Network"))
    live.directory = Directory({**live.directory.entries, "agent": agents})
    result = export(tmp_path, live)
    assert any(
        "new_agent_id: 2 agents are named 'Carol Network' in embedded:test" in warning
        for warning in result.warnings
    )


def test_a_workflow_name_two_workflows_share_is_referenced_by_guid(tmp_path: Path) -> None:
    live = live_state()
    problem = live.kinds["Workflow"].details[tenant.PROBLEM_ID]
    problem["name"] = "Incident Lifecycle"
    live.kinds["Workflow"].rows[1]["name"] = "Incident Lifecycle"
    result = export(tmp_path, live)
    rule = (tmp_path / "ticket-rules/p1-to-network-team.yaml").read_text()
    assert f"new_workflow_id: {{workflow: {{guid: {documents.WORKFLOW_GUID}}}}}" in rule
    assert any("2 Workflows share the name 'Incident Lifecycle'" in w for w in result.warnings)


# --- determinism ----------------------------------------------------------------------


def test_exporting_twice_changes_no_byte(tmp_path: Path) -> None:
    export(tmp_path)
    first = snapshot(tmp_path)
    again = export(tmp_path)
    assert {file.status for file in again.files} == {FileStatus.UNCHANGED}
    assert snapshot(tmp_path) == first


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_tenant_answering_in_another_order_gives_the_same_files(
    tmp_path: Path, seed: int
) -> None:
    export(tmp_path / "a")
    export(tmp_path / "b", live_state(seed))
    assert snapshot(tmp_path / "b") == snapshot(tmp_path / "a")
    again = export(tmp_path / "a", live_state(seed))
    assert {file.status for file in again.files} == {FileStatus.UNCHANGED}


# --- merging into files people edited -------------------------------------------------

EDITED = f"""\
# yaml-language-server: $schema=../../schemas/ticketrule.schema.json
# Network owns P1s.
kind: TicketRule
guid: {documents.RULE_GUID.upper()}
name: P1 to Network team
precedence: 15    # agreed with the CAB
# stop here: nothing below may reassign a P1
stopmatching: true
criteria:
  - fieldname: priority_id
    tablename: faults
    type: 0
    value_int: {{priority: p1 critical}}
  # outages too
  - {{fieldname: summary, type: 2, value_string: outage}}
popupmsg: "remove me"
# who gets it
new_team: ${{team}}
new_agent_id: {{agent: Carol Network}}
new_sla_id: {{sla: Platinum}}
new_status_id: {{status: Closed}}
new_workflow_id: {{workflow: {{guid: {documents.WORKFLOW_GUID}}}}}
---
kind: TicketRule
guid: {GUID_A}
name: Hand-written, not in the tenant
"""


def test_a_document_found_by_guid_is_updated_in_place_keeping_comments(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(EDITED)
    result = export(tmp_path, variables={"team": "Network"})
    assert not (tmp_path / "ticket-rules").exists()
    assert {file.path: file.status for file in result.files}["rules.yaml"] is FileStatus.UPDATED
    first, second = path.read_text().split("---\n")
    assert first == textwrap.dedent(
        f"""\
        # yaml-language-server: $schema=../../schemas/ticketrule.schema.json
        # Network owns P1s.
        kind: TicketRule
        guid: {documents.RULE_GUID.upper()}
        name: P1 to Network team
        precedence: 10    # agreed with the CAB
        # stop here: nothing below may reassign a P1
        stopmatching: true
        criteria:
          - fieldname: priority_id
            tablename: faults
            type: 0
            value_int: {{priority: p1 critical}}
          - {{fieldname: status_id, type: 1, value_int: {{status: New}}}}
          # outages too
          - {{fieldname: summary, type: 2, value_string: outage}}
        # who gets it
        new_team: ${{team}}
        new_agent_id: {{agent: Carol Network}}
        new_sla_id: {{sla: Platinum}}
        new_status_id: {{status: Closed}}
        new_workflow_id: {{workflow: {{guid: {documents.WORKFLOW_GUID}}}}}
        """
    )
    assert second == EDITED.split("---\n")[1]
    assert [(gone.path, gone.name, gone.pruned) for gone in result.absent] == [
        ("rules.yaml", "Hand-written, not in the tenant", False)
    ]


def test_a_variable_that_no_longer_expands_to_the_live_value_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(EDITED)
    export(tmp_path, variables={"team": "Service Desk"})
    assert "\nnew_team: Network\n" in (tmp_path / "rules.yaml").read_text()


def test_prune_files_removes_documents_the_tenant_no_longer_has(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(EDITED)
    gone = tmp_path / "event-rules" / "old.yaml"
    gone.parent.mkdir()
    gone.write_text(f"kind: EventRule\nguid: {GUID_B}\nname: Old\n")
    result = export(tmp_path, prune_files=True, variables={"team": "Network"})
    assert {(g.path, g.pruned) for g in result.absent} == {
        ("rules.yaml", True),
        ("event-rules/old.yaml", True),
    }
    assert not gone.exists()
    assert "Hand-written" not in (tmp_path / "rules.yaml").read_text()
    statuses = {file.path: file.status for file in result.files}
    assert statuses["event-rules/old.yaml"] is FileStatus.DELETED


def test_a_tombstone_of_a_live_resource_is_left_alone(tmp_path: Path) -> None:
    text = f"kind: TicketRule\nguid: {documents.RULE_GUID}\nname: P1\ndeleted: true\n"
    (tmp_path / "gone.yaml").write_text(text)
    result = export(tmp_path)
    assert (tmp_path / "gone.yaml").read_text() == text
    assert not (tmp_path / "ticket-rules").exists()
    assert any("tombstone is left as is" in warning for warning in result.warnings)


def test_a_file_export_cannot_read_stops_it_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("kind: [unclosed\n")
    with pytest.raises(ConfigErrors, match=r"broken\.yaml"):
        export(tmp_path)
    assert [path.name for path in tmp_path.rglob("*")] == ["broken.yaml"]


# --- the merge itself -------------------------------------------------------------------


def merged(text: str, new: dict[str, Any], spec: KindSpec = WORKFLOW) -> str:
    parsed = parse_yaml(textwrap.dedent(text), "f.yaml", for_writing=True)
    meaning = Meaning(spec.keyed_lists, spec.unordered_lists, lambda kind, guid: None)
    Merger(meaning, keep=spec.write_only, defaults=spec.defaults).document(
        parsed.documents[0].data, new
    )
    return dump_documents(parsed.documents)


WORKFLOW_TEXT = """\
kind: Workflow
guid: g
name: W
# about the note
note: old
# about the steps
steps:
  - step_id: 1
    name: One   # first
    # about actions
    actions:
      - {action_id: {outcome: Assign}, end_step: 2}
  - step_id: 2
    name: Two
# about notinuse
notinuse: true
access_control: []
"""


def test_a_removed_key_takes_its_comments_and_leaves_the_next_keys() -> None:
    new = {"kind": "Workflow", "guid": "g", "name": "W", "steps": [], "notinuse": True}
    new["steps"] = [
        {
            "step_id": 1,
            "name": "One",
            "actions": [{"action_id": {"outcome": "Assign"}, "end_step": 2}],
        },
        {"step_id": 2, "name": "Two"},
    ]
    assert merged(WORKFLOW_TEXT, new) == WORKFLOW_TEXT.replace("# about the note\nnote: old\n", "")


def test_list_items_are_matched_by_key_changed_in_place_added_and_removed() -> None:
    new = {
        "kind": "Workflow",
        "guid": "g",
        "name": "W",
        "note": "new",
        "steps": [
            {
                "step_id": 1,
                "name": "One!",
                "actions": [
                    {"action_id": {"outcome": "Assign"}, "end_step": 2, "seq": 1},
                    {"action_id": {"outcome": "Close"}, "end_step": 3},
                ],
            },
            {"step_id": 3, "name": "Three", "isend": True},
        ],
        "notinuse": False,
        "active": True,
    }
    assert merged(WORKFLOW_TEXT, new) == textwrap.dedent(
        """\
        kind: Workflow
        guid: g
        name: W
        # about the note
        note: new
        # about the steps
        steps:
          - step_id: 1
            name: One!  # first
            # about actions
            actions:
              - {action_id: {outcome: Assign}, end_step: 2, seq: 1}
              - {action_id: {outcome: Close}, end_step: 3}
          - {step_id: 3, name: Three, isend: true}
        # about notinuse
        notinuse: false
        access_control: []
        """
    )


def test_a_new_key_lands_after_its_predecessor_above_the_next_keys_comment() -> None:
    new: dict[str, Any] = {"kind": "Workflow", "guid": "g", "name": "W", "note": "old"}
    new["active"] = False
    new["steps"] = copy.deepcopy(
        [
            {
                "step_id": 1,
                "name": "One",
                "actions": [{"action_id": {"outcome": "Assign"}, "end_step": 2}],
            },
            {"step_id": 2, "name": "Two"},
        ]
    )
    new["notinuse"] = True
    assert merged(WORKFLOW_TEXT, new) == WORKFLOW_TEXT.replace(
        "note: old\n", "note: old\nactive: false\n"
    )


def test_a_secret_reference_in_a_file_is_kept() -> None:
    text = """\
    kind: EventRule
    guid: g
    name: E
    new_client_secret: ${env:RMM_SECRET}
    """
    new = {"kind": "EventRule", "guid": "g", "name": "E"}
    assert merged(text, new, EVENT_RULE) == textwrap.dedent(text)
