"""Where a created or changed rule sits among the tenant's rules, for the reviewer.

Halo tries ticket rules by precedence (1 first) and stops at a matching rule with
``stopmatching`` (docs/halo-api.md), so whether a change takes effect depends on its
neighbours. The order is the one the tenant will have after the apply: the rules the
repo declares (with their desired precedence) and the live rules no file describes,
less the ones this plan deletes. A kind is ordered when its spec says by which field
(``KindSpec.order_field``); no kind is named here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from haloform.kinds import KindSpec
from haloform.load.repo import Repo
from haloform.plan.model import Action, Change, Neighbour
from haloform.snapshot.state import LiveState


@dataclass(frozen=True)
class _Ranked:
    guid: str
    name: str
    precedence: int
    stopmatching: bool
    managed: bool

    def key(self) -> tuple[int, str, str]:
        return (self.precedence, self.name.casefold(), self.guid)


def with_neighbours(changes: Sequence[Change], repo: Repo, live: LiveState) -> list[Change]:
    """``changes`` with each created or updated ordered resource's neighbours set."""
    deleted = {change.guid for change in changes if change.action is Action.DELETE}
    orders: dict[str, _Order] = {}
    result = []
    for change in changes:
        spec = change.spec
        if change.action is Action.DELETE or spec.order_field is None:
            result.append(change)
            continue
        if spec.kind not in orders:
            orders[spec.kind] = _Order(_ranked_rules(spec, repo, live, deleted))
        found = orders[spec.kind].around(change.guid)
        result.append(change.model_copy(update={"neighbours": found}) if found else change)
    return result


def _ranked_rules(spec: KindSpec, repo: Repo, live: LiveState, deleted: set[str]) -> list[_Ranked]:
    field = spec.order_field or ""
    default = int(spec.defaults.get(field, 0))
    ranked = [
        _ranked(item.guid, item.resource.model_dump(), field, default, managed=True)
        for item in repo.of_kind(spec)
    ]
    declared = {item.guid for item in ranked} | deleted
    live_kind = live.kinds.get(spec.kind)
    rows: Iterable[Mapping[str, Any]] = live_kind.rows if live_kind else ()
    for row in rows:
        guid = str(row.get("guid") or "").casefold()
        if guid and guid not in declared:
            ranked.append(_ranked(guid, row, field, default, managed=False))
    return sorted(ranked, key=_Ranked.key)


def _ranked(
    guid: str, record: Mapping[str, Any], field: str, default: int, *, managed: bool
) -> _Ranked:
    precedence = record.get(field)
    return _Ranked(
        guid=guid,
        name=str(record.get("name") or ""),
        precedence=precedence if isinstance(precedence, int) else default,
        stopmatching=bool(record.get("stopmatching")),
        managed=managed,
    )


class _Order:
    """The rules of one kind in the order Halo tries them, found by guid in O(1): a
    plan of ten thousand rules asks once per rule."""

    def __init__(self, ranked: list[_Ranked]) -> None:
        self.ranked = ranked
        self.position = {item.guid: index for index, item in enumerate(ranked)}

    def around(self, guid: str) -> tuple[Neighbour, ...]:
        """The rule tried just before and the one just after (one or both may share
        its precedence: then the order between them is Halo's choice)."""
        index = self.position.get(guid)
        if index is None:
            return ()
        own = self.ranked[index]
        picked = [i for i in (index - 1, index + 1) if 0 <= i < len(self.ranked)]
        return tuple(self._neighbour(self.ranked[i], own, before=i < index) for i in picked)

    @staticmethod
    def _neighbour(item: _Ranked, own: _Ranked, *, before: bool) -> Neighbour:
        return Neighbour(
            name=item.name,
            precedence=item.precedence,
            before=before,
            stopmatching=item.stopmatching,
            managed=item.managed,
            tie=item.precedence == own.precedence,
        )
