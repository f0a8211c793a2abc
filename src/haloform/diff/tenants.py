"""One tenant against another, in the files' terms: what promoting config would carry.

Two tenants (dev and prod, a template tenant and a customer's) hold the same resources
under different numeric ids; what identifies a resource across them is its guid, and
what a reference means is the name behind the id. So each tenant is read on its own
(one list per kind and per lookup, a detail GET for each record whose list row lacks
what only the detail carries), every record is turned into the portable form with
*its own* tenant's index, and records are matched by guid. Ids then never show as a
difference, while a rule that points at differently named agents in the two tenants
does. A reference to a managed resource (a workflow) is to its guid, so it is named
alike on both sides (``named_as_in``): a renamed workflow is one difference, not one
more for every rule that points at it.

Neither side is "the file", so the comparison is symmetric (``diff(..., symmetric=True)``):
a field either record sets is compared. Field changes read ``before`` = tenant A,
``after`` = tenant B. Each tenant's ``lookup_names`` (haloform.yaml renames) apply to
its own side, so a team called "Network Ops" in prod and "Network" in dev, declared as
the same team, compares equal.

Reading sends only GETs; the result is a frozen value the renderers consume.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from haloform.common.frozen import FrozenValue
from haloform.diff.fields import FieldChange, diff
from haloform.fetch.reader import Reader, read_needed_details, read_state
from haloform.kinds import KindSpec
from haloform.load.repo import Repo
from haloform.resolve.index import ManagedIndex, TenantIndex
from haloform.resolve.portable import to_portable
from haloform.resolve.references import tenant_index
from haloform.snapshot.state import LiveState


class Side(FrozenValue):
    """One of the two tenants compared."""

    environment: str
    """The haloform.yaml environment (``--env``)."""
    tenant: str
    """Where it is: a URL or ``embedded:<env>``."""


class Presence(FrozenValue):
    """A resource only one tenant holds."""

    kind: str
    guid: str
    name: str


class Difference(FrozenValue):
    """A resource both tenants hold (same guid) that differs between them."""

    kind: str
    guid: str
    name_a: str
    name_b: str
    fields: tuple[FieldChange, ...]
    """``before`` is tenant A's value, ``after`` tenant B's; None: absent on that side."""

    @property
    def name(self) -> str:
        """How a reader knows it: A's name, with B's when it was renamed there."""
        return self.name_a if self.name_a == self.name_b else f"{self.name_a} / {self.name_b}"


class TenantComparison(FrozenValue):
    """Tenant A against tenant B, every list in a stable order (kind, name, guid)."""

    a: Side
    b: Side
    kinds: tuple[str, ...]
    """The kinds compared; resources of other kinds were not read."""
    only_in_a: tuple[Presence, ...] = ()
    only_in_b: tuple[Presence, ...] = ()
    different: tuple[Difference, ...] = ()
    identical: int = 0

    @property
    def has_differences(self) -> bool:
        return bool(self.only_in_a or self.only_in_b or self.different)


@dataclass(frozen=True)
class Source:
    """How to read one tenant: a client on it, and how its lookups are spelled there."""

    side: Side
    client: Reader
    lookup_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """A live record in portable terms (ids replaced by names with its tenant's index)."""

    name: str
    portable: Mapping[str, Any]


Snapshot = Mapping[str, Mapping[str, Record]]
"""One tenant's records: kind -> guid -> record."""


async def compare_tenants(a: Source, b: Source, specs: Sequence[KindSpec]) -> TenantComparison:
    """Read both tenants concurrently and compare them (GETs only)."""
    live_a, live_b = await asyncio.gather(read_live(a.client, specs), read_live(b.client, specs))
    index_a = _index(live_a, a.lookup_names)
    index_b = named_as_in(_index(live_b, b.lookup_names), index_a)
    return compare(a.side, b.side, specs, snapshot(live_a, index_a), snapshot(live_b, index_b))


async def read_live(client: Reader, specs: Sequence[KindSpec]) -> LiveState:
    """Every record of ``specs`` in one tenant, in full, and its lookups."""
    live = await read_state(client, specs)
    await read_needed_details(client, live, _every_field)
    return live


def _every_field(spec: KindSpec, row: Mapping[str, Any]) -> frozenset[str]:
    """Every field of a record is compared, so a list row is enough only when it
    already holds every detail-only one."""
    return spec.detail_only


def _index(live: LiveState, lookup_names: Mapping[str, Mapping[str, str]]) -> TenantIndex:
    # No repo: every name comes from the tenant itself, as for an export.
    return tenant_index(Repo(root=Path()), live, lookup_names)


def named_as_in(index: TenantIndex, reference: TenantIndex) -> TenantIndex:
    """``index`` naming each managed resource ``reference`` also holds (same guid) by
    ``reference``'s name. A reference to a workflow means its guid, and a file names it
    by the name the promoted config carries, so a rule pointing at a workflow renamed in
    one tenant is not different: the rename shows once, on the workflow."""
    managed = {}
    for kind, names in index.managed.items():
        theirs = reference.managed.get(kind, ManagedIndex()).name_by_guid
        shared = {guid: theirs[guid] for guid in names.name_by_guid if guid in theirs}
        managed[kind] = replace(names, name_by_guid={**names.name_by_guid, **shared})
    return replace(index, managed=managed)


def snapshot(live: LiveState, index: TenantIndex) -> Snapshot:
    """``live``'s records in portable terms, by kind and guid (a row without a guid has
    no identity across tenants, so it cannot be compared and is left out)."""
    return {
        kind: {
            guid: Record(str(record.get("name", "")), to_portable(live_kind.spec, record, index))
            for guid in live_kind.guids()
            if (record := live_kind.by_guid(guid)) is not None
        }
        for kind, live_kind in live.kinds.items()
    }


def compare(
    a: Side, b: Side, specs: Iterable[KindSpec], snapshot_a: Snapshot, snapshot_b: Snapshot
) -> TenantComparison:
    """The comparison of two snapshots (pure: no tenant is read here)."""
    specs = list(specs)
    only_a: list[Presence] = []
    only_b: list[Presence] = []
    different: list[Difference] = []
    identical = 0
    for spec in specs:
        records_a = snapshot_a.get(spec.kind, {})
        records_b = snapshot_b.get(spec.kind, {})
        only_a.extend(_presence(spec, records_a, set(records_a) - set(records_b)))
        only_b.extend(_presence(spec, records_b, set(records_b) - set(records_a)))
        for guid in set(records_a) & set(records_b):
            found = _difference(spec, guid, records_a[guid], records_b[guid])
            if found is None:
                identical += 1
            else:
                different.append(found)
    return TenantComparison(
        a=a,
        b=b,
        kinds=tuple(spec.kind for spec in specs),
        only_in_a=tuple(sorted(only_a, key=_order)),
        only_in_b=tuple(sorted(only_b, key=_order)),
        different=tuple(sorted(different, key=_order)),
        identical=identical,
    )


def _presence(spec: KindSpec, records: Mapping[str, Record], guids: set[str]) -> list[Presence]:
    return [Presence(kind=spec.kind, guid=guid, name=records[guid].name) for guid in guids]


def _difference(spec: KindSpec, guid: str, a: Record, b: Record) -> Difference | None:
    # diff() reports (before=live, after=desired): A is "live", B "desired".
    fields = diff(spec, b.portable, a.portable, symmetric=True)
    if not fields:
        return None
    return Difference(kind=spec.kind, guid=guid, name_a=a.name, name_b=b.name, fields=fields)


def _order(item: Presence | Difference) -> tuple[str, str, str]:
    name = item.name_a if isinstance(item, Difference) else item.name
    return item.kind, name.casefold(), item.guid
