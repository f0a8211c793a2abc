"""Checks made before an apply sends anything, so that a refused apply changes nothing.

Deletes are the one change that cannot be undone by applying an older commit, so a
plan that deletes is refused outright, before any request, unless deletion is allowed
(and, with a limit, unless it deletes no more than that). Refusing only the deletes
and applying the rest would leave a tenant half-way between two states of the repo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from haloform.apply.ids import change_key
from haloform.plan.model import Action, Change, Plan

Levels = Sequence[Sequence[Change]]
"""Changes in the order they may run: each level only needs what earlier levels made;
deletes come after every create and update, in reverse dependency order."""


@dataclass(frozen=True)
class ApplyOptions:
    """How an apply may proceed, as the command line asked."""

    batch_size: int = 50
    """Most records of one kind in one POST."""
    allow_delete: bool = False
    max_deletes: int | None = None
    """Refuse a plan that deletes more than this many resources (None: no limit)."""
    verify: bool | None = None
    """Read back what was written (``haloform.apply.verify``): True does, False skips
    it and the report says so (``--no-verify``), None neither (a caller's own check)."""

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.max_deletes is not None and self.max_deletes < 0:
            raise ValueError("max_deletes cannot be negative")


@dataclass(frozen=True)
class Refusal:
    message: str
    """Why the whole apply is refused."""
    reason: str
    """What each delete is reported as."""


def refusal(plan: Plan, options: ApplyOptions) -> Refusal | None:
    """Why ``plan`` must not be applied at all under ``options``, if it must not."""
    deletes = [change for change in plan.changes if change.action is Action.DELETE]
    if not deletes:
        return None
    what = _deleting(deletes)
    if not options.allow_delete:
        return Refusal(
            f"the plan deletes {what} and --allow-delete was not given: nothing was applied",
            "not attempted: --allow-delete not given",
        )
    if options.max_deletes is not None and len(deletes) > options.max_deletes:
        return Refusal(
            f"the plan deletes {what}, more than --max-deletes {options.max_deletes} "
            "allows: nothing was applied",
            f"not attempted: more deletes than --max-deletes {options.max_deletes}",
        )
    return None


def _deleting(deletes: list[Change]) -> str:
    names = ", ".join(f"{change.kind} {change.name!r}" for change in deletes[:5])
    more = f" and {len(deletes) - 5} more" if len(deletes) > 5 else ""
    noun = "resource" if len(deletes) == 1 else "resources"
    return f"{len(deletes)} {noun} ({names}{more})"


def check_levels(plan: Plan, levels: Levels) -> tuple[tuple[Change, ...], ...]:
    """``levels`` as tuples, if they hold every change of ``plan`` exactly once.

    Anything else is a bug in whoever ordered them: an apply must never skip a
    change silently, nor send one that the reviewed plan does not hold.
    """
    wanted = {change_key(change): change for change in plan.changes}
    seen: set[str] = set()
    for level in levels:
        for change in level:
            key = change_key(change)
            if wanted.get(key) != change or key in seen:
                raise ValueError(
                    f"the levels hold {change.action} {key} twice or not from the plan"
                )
            seen.add(key)
    if seen != wanted.keys():
        raise ValueError(f"the levels leave out {sorted(wanted.keys() - seen)}")
    return tuple(tuple(level) for level in levels)
