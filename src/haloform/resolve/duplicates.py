"""Live records that share a guid: Halo treats a posted guid as identity, so two records
with one guid mean a plan may compare against, and an apply change, either of them.

Plan and export both say so, naming the records, so the admin can fix the tenant; both
then use the record ``LiveKind.by_guid`` answers (the last listed), so an export of such
a tenant plans clean against it.
"""

from __future__ import annotations

from collections import defaultdict

from haloform.common.ids import canonical_guid
from haloform.snapshot.state import LiveState, Record


def shared_guid_warnings(live: LiveState) -> list[str]:
    """One warning per guid that more than one live record of a kind carries."""
    warnings: list[str] = []
    for kind, state in sorted(live.kinds.items()):
        rows: defaultdict[str, list[Record]] = defaultdict(list)
        for row in state.rows:
            if row.get("guid"):
                rows[canonical_guid(row["guid"])].append(row)
        for guid, shared in sorted(rows.items()):
            if len(shared) > 1:
                named = ", ".join(f"{row.get('name')!r} (id {row.get('id')})" for row in shared)
                warnings.append(
                    f"{len(shared)} {kind}s share guid {guid} in the tenant: {named}; "
                    "Halo treats a guid as identity, so haloform uses the last listed: "
                    "delete the others in Halo (or recreate them, which gives a new guid)"
                )
    return warnings
