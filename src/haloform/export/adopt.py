"""After an import: what the adopted resources refer to that the repo does not manage.

A rule imported alone still sets its workflow. The repo then references a workflow it
does not declare; the admin decides whether to import that too or leave it in the
tenant, so each such reference is listed with the command that would adopt it.
"""

from __future__ import annotations

from collections.abc import Collection

from haloform.kinds import by_ref_key
from haloform.kinds.ref_fields import iter_refs
from haloform.load.repo import Repo


def unmanaged_references(repo: Repo, adopted: Collection[str]) -> list[str]:
    """One line per reference from a resource of ``adopted`` (guids) to a managed kind
    the repo does not declare, in a stable order."""
    lines: set[str] = set()
    for item in repo.resources:
        if item.guid not in adopted:
            continue
        for path, ref in iter_refs(item.resource):
            spec = by_ref_key(ref.target)
            if spec is None or repo.declared_guid(spec.kind, ref) is not None:
                continue
            wanted = ref.name if ref.name is not None else ref.guid
            lines.add(
                f"{item.spec.kind} {item.name!r} ({path}) refers to {spec.kind} {wanted!r}, "
                f"which this repo does not manage: 'haloform import \"{spec.kind}/{wanted}\"' "
                "adopts it, or leave it in the tenant"
            )
    return sorted(lines)
