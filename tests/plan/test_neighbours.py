"""Where a created or changed rule sits among the tenant's rules after the apply."""

from __future__ import annotations

from pathlib import Path

from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.load.repo import load_repo
from haloform.plan.model import Action, Change, Neighbour
from haloform.plan.neighbours import with_neighbours
from haloform.snapshot.directory import Directory
from haloform.snapshot.state import LiveKind, LiveState
from tests.repo_builder import write_repo

GUIDS = {name: f"00000000-0000-4000-8000-00000000000{n}" for n, name in enumerate("ABCDE")}


def _rule(name: str, precedence: int | None, **extra: object) -> dict[str, object]:
    rule: dict[str, object] = {"kind": "TicketRule", "guid": GUIDS[name], "name": name}
    if precedence is not None:
        rule["precedence"] = precedence
    return {**rule, **extra}


def _plan(tmp_path: Path, live_rows: list[dict[str, object]], *changes: Change) -> list[Change]:
    files = {
        "ticket-rules/rules.yaml": [
            _rule("A", 5, stopmatching=True),
            _rule("B", 10),
            _rule("C", 10),
            _rule("D", None),  # Halo's default precedence, 50
        ]
    }
    repo = load_repo(write_repo(tmp_path, files))
    live = LiveState(kinds={"TicketRule": LiveKind(TICKET_RULE, live_rows)}, directory=Directory())
    return with_neighbours(list(changes), repo, live)


def _change(name: str, action: Action = Action.UPDATE) -> Change:
    return Change(action=action, kind="TicketRule", guid=GUIDS[name], name=name, live_id=1)


def test_neighbours_are_the_rules_just_before_and_after(tmp_path: Path) -> None:
    (b,) = _plan(tmp_path, [], _change("B"))
    assert b.neighbours == (
        Neighbour(name="A", precedence=5, before=True, stopmatching=True),
        Neighbour(name="C", precedence=10, before=False, tie=True),
    )


def test_a_default_precedence_and_an_unmanaged_live_rule_count(tmp_path: Path) -> None:
    live = [{"id": 9, "guid": GUIDS["E"], "name": "E", "precedence": 60}]
    (d,) = _plan(tmp_path, live, _change("D", Action.CREATE))
    assert d.neighbours == (
        Neighbour(name="C", precedence=10, before=True),
        Neighbour(name="E", precedence=60, before=False, managed=False),
    )


def test_a_rule_this_plan_deletes_is_no_neighbour(tmp_path: Path) -> None:
    live = [{"id": 9, "guid": GUIDS["E"], "name": "E", "precedence": 60}]
    delete = Change(action=Action.DELETE, kind="TicketRule", guid=GUIDS["E"], name="E", live_id=9)
    d, gone = _plan(tmp_path, live, _change("D"), delete)
    assert [n.name for n in d.neighbours] == ["C"]
    assert gone.neighbours == ()
