"""config: a tree of documents as typed resources, tombstones and unreadable documents."""

from __future__ import annotations

from pathlib import Path

from haloform.diagnostics import Location
from haloform.kinds.event_rule import EVENT_RULE
from haloform.kinds.ticket_rule import TICKET_RULE, TicketRule
from haloform.kinds.workflow import WORKFLOW, Workflow
from haloform.load.repo import Declared, load_repo
from tests.kinds import documents
from tests.repo_builder import consistent_repo, write_repo

GUID_A = "8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11"
GUID_B = "3f2a9c1e-5b6d-4e7f-8a9b-1c2d3e4f5a6b"


def test_each_document_becomes_its_kinds_model(tmp_path: Path) -> None:
    repo = load_repo(consistent_repo(tmp_path))
    assert [str(d) for d in repo.diagnostics] == []
    by_name = {item.name: item for item in repo.resources}
    assert sorted(by_name) == [
        "Incident Lifecycle",
        "P1 to Network team",
        "Problem Management",
        "RMM disk alerts",
    ]
    incident = by_name["Incident Lifecycle"]
    assert incident.spec is WORKFLOW
    assert isinstance(incident.resource, Workflow)
    assert incident.guid == documents.WORKFLOW_GUID
    assert by_name["P1 to Network team"].spec is TICKET_RULE
    assert isinstance(by_name["P1 to Network team"].resource, TicketRule)
    assert by_name["RMM disk alerts"].spec is EVENT_RULE
    assert repo.tombstones == [] and repo.unreadable == []


def test_of_kind_selects_one_kinds_resources(tmp_path: Path) -> None:
    repo = load_repo(consistent_repo(tmp_path))
    assert sorted(item.name for item in repo.of_kind(WORKFLOW)) == [
        "Incident Lifecycle",
        "Problem Management",
    ]
    assert [item.name for item in repo.of_kind(EVENT_RULE)] == ["RMM disk alerts"]


def test_a_declared_resource_knows_where_it_and_its_fields_are(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "rules.yaml": f"""
                # two rules
                kind: TicketRule
                guid: {GUID_A}
                name: First
                ---
                kind: TicketRule
                guid: {GUID_B}
                precedence: 3
                name: Second
            """
        },
    )
    repo = load_repo(tmp_path)
    first, second = repo.resources
    file = str(tmp_path / "rules.yaml")
    assert first.location == Location(file, 2)
    assert second.location == Location(file, 6)
    assert second.at(("name",)) == Location(file, 9, 1)
    assert second.at(("precedence",)) == Location(file, 8, 1)


def test_guids_are_kept_in_canonical_form(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"a.yaml": f"kind: TicketRule\nguid: '{{{GUID_A.upper()}}}'\nname: A\n"},
    )
    (item,) = load_repo(tmp_path).resources
    assert item.guid == GUID_A


def test_variables_are_substituted_before_the_model_reads_the_document(tmp_path: Path) -> None:
    write_repo(tmp_path, {"a.yaml": f"kind: TicketRule\nguid: {GUID_A}\nname: P1 for ${{who}}\n"})
    (item,) = load_repo(tmp_path, {"who": "Acme"}).resources
    assert item.name == "P1 for Acme"


def test_a_single_file_can_be_loaded(tmp_path: Path) -> None:
    write_repo(tmp_path, {"a.yaml": [documents.ticket_rule()], "b.yaml": [documents.event_rule()]})
    repo = load_repo(tmp_path / "a.yaml")
    assert [item.name for item in repo.resources] == ["P1 to Network team"]


# --- tombstones ------------------------------------------------------------------------------


def test_a_deleted_document_is_a_tombstone_not_a_resource(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "gone.yaml": f"""
                kind: Workflow
                guid: {GUID_B.upper()}
                name: Old Problem Flow
                deleted: true
            """
        },
    )
    repo = load_repo(tmp_path)
    assert repo.resources == [] and [str(d) for d in repo.diagnostics] == []
    (tomb,) = repo.tombstones
    assert (tomb.spec, tomb.guid, tomb.name) == (WORKFLOW, GUID_B, "Old Problem Flow")
    assert tomb.location == Location(str(tmp_path / "gone.yaml"), 1)


def test_a_tombstone_holds_only_its_identity(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "gone.yaml": f"""
                kind: Workflow
                guid: {GUID_B}
                name: Old Problem Flow
                deleted: true
                steps: []
            """
        },
    )
    repo = load_repo(tmp_path)
    assert repo.tombstones == [] and repo.resources == []
    file = tmp_path / "gone.yaml"
    assert [str(d) for d in repo.diagnostics] == [
        f"{file}:5:1: error: steps: unknown field 'steps'"
    ]


def test_deleted_must_be_true_and_the_tombstone_needs_its_guid(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "gone.yaml": f"""
                kind: TicketRule
                guid: {GUID_A}
                name: Kept after all
                deleted: false
                ---
                kind: TicketRule
                name: Which one?
                deleted: true
            """
        },
    )
    repo = load_repo(tmp_path)
    assert repo.tombstones == [] and repo.resources == []
    messages = [(d.location.line if d.location else None, d.field) for d in repo.diagnostics]
    assert messages == [(4, "deleted"), (6, "guid")]


# --- documents that fail their model ---------------------------------------------------------


def test_an_unreadable_document_is_remembered_by_what_it_wrote(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "broken.yaml": f"""
                kind: Workflow
                guid: {GUID_A}
                name: Half Written
                steps: not a list
            """
        },
    )
    repo = load_repo(tmp_path)
    assert repo.resources == []
    assert repo.unreadable == [(WORKFLOW, GUID_A, "Half Written")]
    (problem,) = repo.diagnostics
    assert problem.field == "steps"
    assert problem.location == Location(str(tmp_path / "broken.yaml"), 4, 8)


def test_an_unreadable_documents_guid_is_canonical_like_any_other(tmp_path: Path) -> None:
    """A reference by guid matches it however the broken document spells the guid."""
    write_repo(
        tmp_path,
        {"broken.yaml": f"kind: Workflow\nguid: {GUID_A.upper()}\nname: W\nsteps: 1\n"},
    )
    assert load_repo(tmp_path).unreadable == [(WORKFLOW, GUID_A, "W")]


def test_an_unreadable_document_without_identity_is_remembered_as_empty(tmp_path: Path) -> None:
    write_repo(tmp_path, {"broken.yaml": "kind: Workflow\nguid:\nname:\nsteps: 1\n"})
    assert load_repo(tmp_path).unreadable == [(WORKFLOW, "", "")]


def test_a_document_of_an_unknown_kind_is_reported_once_and_skipped(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"a.yaml": f"kind: Flow\nguid: {GUID_A}\nname: X\n---\n", "b.yaml": "[1, 2]\n"},
    )
    repo = load_repo(tmp_path)
    assert repo.resources == [] and repo.unreadable == [] and repo.tombstones == []
    assert [d.message for d in repo.diagnostics] == [
        "unknown kind 'Flow'; did you mean 'Workflow'?",
        "a document must be a mapping of fields starting with 'kind:', got a list",
    ]


def test_good_documents_load_beside_broken_ones(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "a.yaml": [documents.ticket_rule()],
            "b.yaml": "kind: Workflow\nname: [unclosed\n",
        },
    )
    repo = load_repo(tmp_path)
    assert [item.name for item in repo.resources] == ["P1 to Network team"]
    assert all(isinstance(item, Declared) for item in repo.resources)
    (problem,) = repo.diagnostics
    assert problem.location is not None and problem.location.file.endswith("b.yaml")


# --- offline kinds: tests live in the repo, never among its resources --------------------------

RULE_TEST = """
    kind: RuleTest
    name: P1 goes to Network
    ticket: {summary: down, priority_id: {priority: P1 Critical}}
    expect: {rules: [P1 to Network team]}
"""


def test_test_documents_load_beside_the_resources_not_among_them(tmp_path: Path) -> None:
    workflow_test = "kind: WorkflowTest\nname: W\nworkflow: Incident Lifecycle\nexpect_step: 2\n"
    root = consistent_repo(tmp_path)
    write_repo(root, {"tests/rules.yaml": RULE_TEST, "tests/flow.yaml": workflow_test})
    repo = load_repo(root)
    assert [str(d) for d in repo.diagnostics] == []
    assert [(item.spec.kind, item.location.line) for item in repo.offline] == [
        ("WorkflowTest", 1),
        ("RuleTest", 1),
    ]
    assert "RuleTest" not in {item.spec.kind for item in repo.resources}
    assert len(repo.resources) == 4


def test_a_test_document_is_checked_like_any_other(tmp_path: Path) -> None:
    broken = RULE_TEST.replace("expect: {rules:", "expect: {rulez:").replace(
        "P1 Critical}}", "P1 Critical}, x: {prio: 1}}"
    )
    repo = load_repo(write_repo(tmp_path, {"t.yaml": broken}))
    assert repo.offline == []
    assert [str(d).replace(f"{tmp_path}/", "") for d in repo.diagnostics] == [
        "t.yaml:3:66: error: ticket.x: expected a lookup reference such as {status: Resolved} "
        "(agent, team, status, priority, sla, template, tickettype, outcome, category)",
        "t.yaml:4:10: error: expect.rulez: unknown field 'rulez'; did you mean 'rules'?",
    ]
