"""What a plan needs to read of a tenant: the lookup lists its references name, and
the fields of each live record its files set (which decide the detail reads)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from haloform.kinds import KindSpec
from haloform.kinds.lookups import BY_WORD
from haloform.kinds.ref_fields import iter_refs
from haloform.load.repo import Repo
from haloform.snapshot.state import Record


def used_lookups(repo: Repo) -> frozenset[str]:
    """The lookup lists the repo's references name: reading the others costs requests
    (one each) and answers nothing a plan asks."""
    return frozenset(
        ref.target
        for item in repo.resources
        for _, ref in iter_refs(item.resource)
        if ref.target in BY_WORD
    )


def set_in_files(repo: Repo) -> Callable[[KindSpec, Record], frozenset[str]]:
    """What a plan wants of a live record: the fields its file sets (none if no file),
    and ``field.sub`` for what the file sets inside a list of objects (``steps.actions``),
    which decides whether a child list's rows can stand in for a detail.

    Worked out when a row asks, and shared between resources that set the same fields:
    ten thousand rules set a handful of field sets, and one set each weighed 17 MiB."""
    resources = {(item.spec.kind, item.guid.casefold()): item.resource for item in repo.resources}
    shapes: dict[frozenset[str], frozenset[str]] = {}

    def wanted(spec: KindSpec, row: Record) -> frozenset[str]:
        resource = resources.get((spec.kind, str(row.get("guid") or "").casefold()))
        if resource is None:
            return frozenset()
        names = _set(resource)
        return shapes.setdefault(names, names)

    return wanted


def _set(resource: BaseModel) -> frozenset[str]:
    names = set(resource.model_fields_set)
    for name in resource.model_fields_set:
        value = getattr(resource, name)
        for item in value if isinstance(value, list) else ():
            if isinstance(item, BaseModel):
                names.update(f"{name}.{sub}" for sub in item.model_fields_set)
    return frozenset(names)
