"""Issue 15's smaller holes around apply: one apply per tenant per machine at a time,
and journals kept per tenant as well as per environment name."""

from __future__ import annotations

from pathlib import Path

from haloform.apply.lock import apply_lock
from haloform.load.settings import Environment, load_project
from haloform.tasks.journals import last_apply, tenant_key
from haloform.tasks.workspace import Target, choose
from tests.e2e.conftest import Haloform

RULE = """
    kind: TicketRule
    guid: 0d5c8f52-35a4-4c36-9d53-1f0a4b7e2c11
    name: Locked rule
    precedence: 40
"""


def local(root: Path) -> Target:
    return choose(load_project(root), "local", root)


def test_a_second_apply_to_the_same_tenant_is_refused_while_the_first_runs(
    repo: Haloform,
) -> None:
    repo.write({"ticket-rules/rule.yaml": RULE})
    target = local(repo.root)
    lock = target.state_dir / "locks" / f"{tenant_key(target)}.lock"

    with apply_lock(lock, target.label):  # the first apply, still running
        refused = repo.apply(code=1)

    assert "another apply to embedded:local is running on this machine" in refused.stderr
    assert repo.records("TicketRules") == []
    assert "created TicketRule 'Locked rule'" in repo.apply().stdout  # free again


def test_resume_against_another_tenant_never_shows_this_ones_run(repo: Haloform) -> None:
    repo.write({"ticket-rules/rule.yaml": RULE})
    repo.apply()
    here = local(repo.root)
    other = Environment(url="https://other.halopsa.com")
    there = Target("local", "https://other.halopsa.com", other, here.state_dir)

    assert last_apply(here)[0] is not None
    assert last_apply(there)[0] is None
    assert tenant_key(here) != tenant_key(there)
