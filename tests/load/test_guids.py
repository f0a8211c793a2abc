"""add_guids: a guid written once into each resource lacking one, and nothing else touched."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from haloform.diagnostics import Location
from haloform.kinds import KINDS
from haloform.load.guids import Assigned, add_guids
from haloform.load.repo import load_repo
from tests.examples import RESOURCE_COUNT
from tests.repo_builder import write_repo

EXAMPLES = Path(__file__).parents[2] / "examples"
ALL_KINDS = [spec.kind for spec in KINDS]


def counter() -> Callable[[], str]:
    """Deterministic guids: ...0001, ...0002, ..."""
    numbers: Iterator[int] = iter(range(1, 1000))
    return lambda: f"00000000-0000-4000-8000-{next(numbers):012d}"


def guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def run(root: Path, *, dry_run: bool = False) -> list[Assigned]:
    assigned, problems = add_guids(root, ALL_KINDS, new_guid=counter(), dry_run=dry_run)
    assert [str(d) for d in problems] == []
    return assigned


def test_the_guid_goes_right_after_kind_and_nothing_else_changes(tmp_path: Path) -> None:
    original = (
        "# yaml-language-server: $schema=../schemas/workflow.schema.json\n"
        "kind: Workflow   # the kind\n"
        "name: Incident Lifecycle  # shown in Halo\n"
        "note: 'single quoted'\n"
        "steps:\n"
        "  - step_id: 1\n"
        "    isstart: true\n"
        "    actions:\n"
        "      - {action_id: {outcome: Assign}, end_step: 2, seq: 1}\n"
        "\n"
        "  # the end\n"
        '  - {step_id: 2, name: "Resolved"}\n'
    )
    path = tmp_path / "wf.yaml"
    path.write_text(original)
    assigned = run(tmp_path)
    assert assigned == [Assigned(Location(str(path), 2), "Workflow", "Incident Lifecycle", guid(1))]
    lines = original.splitlines(keepends=True)
    assert path.read_text() == "".join([*lines[:2], f"guid: {guid(1)}\n", *lines[2:]])


def test_comment_lines_below_kind_stay_with_the_key_they_describe(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("kind: TicketRule\n\n# what it is called\nname: R\n")
    run(tmp_path)
    assert (
        path.read_text() == f"kind: TicketRule\nguid: {guid(1)}\n\n# what it is called\nname: R\n"
    )


def test_the_guid_follows_kind_wherever_kind_is(tmp_path: Path) -> None:
    """A document's keys may come in any order; the guid still lands after ``kind``."""
    path = tmp_path / "r.yaml"
    path.write_text("name: R\nprecedence: 3\nkind: TicketRule\n")
    run(tmp_path)
    assert path.read_text() == f"name: R\nprecedence: 3\nkind: TicketRule\nguid: {guid(1)}\n"


def test_an_empty_guid_is_filled_where_it_stands(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("kind: TicketRule\nname: R\nguid:   # fill me in\nprecedence: 1\n")
    assigned = run(tmp_path)
    assert [item.guid for item in assigned] == [guid(1)]
    assert path.read_text() == (
        f"kind: TicketRule\nname: R\nguid: {guid(1)} # fill me in\nprecedence: 1\n"
    )


def test_an_empty_string_guid_is_filled_too(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("kind: TicketRule\nguid: ''\nname: R\n")
    run(tmp_path)
    (item,) = load_repo(tmp_path).resources
    assert item.guid == guid(1)
    assert path.read_text().splitlines()[::2] == ["kind: TicketRule", "name: R"]


def test_the_files_indentation_style_is_kept(tmp_path: Path) -> None:
    """Lists written flush with their key stay so in an edited document."""
    text = (
        "kind: Workflow\n"
        "name: W\n"
        "steps:\n"
        "- step_id: 1\n"
        "  isstart: true\n"
        "  actions:\n"
        "  - action_id: {outcome: Close}\n"
        "    end_step: 2\n"
        "- step_id: 2\n"
    )
    path = tmp_path / "w.yaml"
    path.write_text(text)
    run(tmp_path)
    assert path.read_text() == text.replace("name: W", f"guid: {guid(1)}\nname: W")


def test_each_document_of_a_file_gets_its_own_guid(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    kept = (
        "kind: TicketRule\nguid:  5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01   # odd spacing\nname: B\n"
    )
    path.write_text(f"kind: TicketRule\nname: A\n---\n{kept}---\nkind: EventRule\nname: C\n")
    assigned = run(tmp_path)
    assert [(item.location.line, item.kind, item.name, item.guid) for item in assigned] == [
        (1, "TicketRule", "A", guid(1)),
        (8, "EventRule", "C", guid(2)),
    ]
    assert path.read_text() == (
        f"kind: TicketRule\nguid: {guid(1)}\nname: A\n---\n{kept}---\n"
        f"kind: EventRule\nguid: {guid(2)}\nname: C\n"
    )


def test_a_file_with_every_guid_is_left_byte_for_byte(tmp_path: Path) -> None:
    text = "kind: TicketRule\nguid:  5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01\nname:   R   # x\n...\n"
    path = tmp_path / "r.yaml"
    path.write_text(text)
    assert run(tmp_path) == []
    assert path.read_text() == text


def test_only_the_given_kinds_get_a_guid(tmp_path: Path) -> None:
    text = "kind: Dashboard\nname: Not ours\n---\n- a list\n---\nplain text\n"
    path = tmp_path / "other.yaml"
    path.write_text(text)
    workflow = tmp_path / "wf.yaml"
    workflow.write_text("kind: Workflow\nname: W\n")
    assigned, _ = add_guids(tmp_path, ["TicketRule"], new_guid=counter())
    assert assigned == []
    assert path.read_text() == text
    assert workflow.read_text() == "kind: Workflow\nname: W\n"


def test_the_project_file_and_hidden_directories_are_not_touched(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "haloform.yaml": "kind: Workflow\nname: Looks like one\n",
            ".haloform/x.yaml": "kind: Workflow\nname: State\n",
            "wf.yaml": "kind: Workflow\nname: W\n",
        },
    )
    assert [item.name for item in run(tmp_path)] == ["W"]
    assert (tmp_path / "haloform.yaml").read_text() == "kind: Workflow\nname: Looks like one\n"
    assert (tmp_path / ".haloform/x.yaml").read_text() == "kind: Workflow\nname: State\n"


def test_a_single_file_can_be_given(tmp_path: Path) -> None:
    write_repo(
        tmp_path, {"a.yaml": "kind: Workflow\nname: A\n", "b.yaml": "kind: Workflow\nname: B\n"}
    )
    assert [item.name for item in run(tmp_path / "b.yaml")] == ["B"]
    assert (tmp_path / "a.yaml").read_text() == "kind: Workflow\nname: A\n"


def test_dry_run_says_what_would_be_written_and_writes_nothing(tmp_path: Path) -> None:
    text = "kind: Workflow\nname: W\n---\nkind: TicketRule\nguid:\nname: R\n"
    path = tmp_path / "a.yaml"
    path.write_text(text)
    assigned = run(tmp_path, dry_run=True)
    assert [(item.name, item.guid) for item in assigned] == [("W", guid(1)), ("R", guid(2))]
    assert path.read_text() == text


def test_a_file_that_does_not_parse_is_reported_and_left_alone(tmp_path: Path) -> None:
    broken = "kind: Workflow\nname: W\nsteps: [unclosed\n"
    write_repo(tmp_path, {"a.yaml": broken, "b.yaml": "kind: Workflow\nname: B\n"})
    assigned, problems = add_guids(tmp_path, ALL_KINDS, new_guid=counter())
    assert [item.name for item in assigned] == ["B"]
    (problem,) = problems
    assert problem.location is not None
    assert (problem.location.file, problem.location.line) == (str(tmp_path / "a.yaml"), 4)
    assert (tmp_path / "a.yaml").read_text() == broken


def test_a_refused_yaml_construct_leaves_the_whole_file_alone(tmp_path: Path) -> None:
    """The alias is in the second document: the first one is not written either."""
    text = "kind: Workflow\nname: A\n---\nkind: Workflow\nname: &n B\nnote: *n\n"
    path = tmp_path / "a.yaml"
    path.write_text(text)
    assigned, problems = add_guids(tmp_path, ALL_KINDS, new_guid=counter())
    assert assigned == []
    assert [d.location.line if d.location else None for d in problems] == [6]
    assert path.read_text() == text


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_bytes(b"kind: Workflow\r\nname: W\r\nsteps:\r\n  - {step_id: 1, isstart: true}\r\n")
    run(tmp_path)
    assert path.read_bytes() == (
        b"kind: Workflow\r\nguid: " + guid(1).encode() + b"\r\nname: W\r\n"
        b"steps:\r\n  - {step_id: 1, isstart: true}\r\n"
    )


def test_crlf_files_with_comments_stay_crlf(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_bytes(b"# top\r\nkind: Workflow  # k\r\nname: W\r\n")
    run(tmp_path)
    assert path.read_bytes() == (
        b"# top\r\nkind: Workflow  # k\r\nguid: " + guid(1).encode() + b"\r\nname: W\r\n"
    )


def test_running_twice_assigns_nothing_the_second_time(tmp_path: Path) -> None:
    write_repo(tmp_path, {"a.yaml": "kind: Workflow\nname: W\n---\nkind: EventRule\nname: E\n"})
    assert len(run(tmp_path)) == 2
    written = (tmp_path / "a.yaml").read_text()
    assert run(tmp_path) == []
    assert (tmp_path / "a.yaml").read_text() == written


def test_the_default_guids_are_fresh_and_accepted_by_the_models(tmp_path: Path) -> None:
    write_repo(tmp_path, {"a.yaml": "kind: TicketRule\nname: A\n---\nkind: TicketRule\nname: B\n"})
    assigned, _ = add_guids(tmp_path, ALL_KINDS)
    repo = load_repo(tmp_path)
    assert [str(d) for d in repo.diagnostics] == []
    assert sorted(item.guid for item in repo.resources) == sorted(item.guid for item in assigned)
    assert len({item.guid for item in assigned}) == 2


def test_the_examples_get_back_exactly_the_guids_they_lost(tmp_path: Path) -> None:
    """Strip every guid from the examples; writing the same guids back restores each file
    byte for byte, so comments, quoting, flow style and layout all survive the edit."""
    repo = tmp_path / "examples"
    shutil.copytree(EXAMPLES, repo)
    originals = {path: path.read_text() for path in sorted(repo.rglob("*.yaml"))}
    written = [
        guid for text in originals.values() for guid in re.findall(r"^guid: (.+)$", text, re.M)
    ]
    for path, text in originals.items():
        path.write_text(re.sub(r"^guid: .+\n", "", text, flags=re.M))
    replay = iter(written)
    assigned, problems = add_guids(repo, ALL_KINDS, new_guid=lambda: next(replay))
    assert list(problems) == []
    assert len(assigned) == len(written) == RESOURCE_COUNT
    assert {path: path.read_text() for path in originals} == originals
