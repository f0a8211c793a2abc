"""Offline checks of a whole config repo: everything that can be known without a tenant.

Field types are the models' job (they ran while loading); this module checks what only
the repo as a whole can tell: identities (guids, names), references between managed
resources, each kind's own integrity check, and portability. Every problem is
collected, so one run lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from haloform.common.ids import is_tenant_id
from haloform.common.paths import field_path, parse_path
from haloform.diagnostics import Diagnostics
from haloform.kinds import KindSpec, by_ref_key
from haloform.kinds.criteria import Criterion
from haloform.kinds.lookups import UNRESOLVABLE, criterion_lookup
from haloform.kinds.ref_fields import iter_raw_ids, iter_refs
from haloform.kinds.refs import Ref
from haloform.load.located import did_you_mean
from haloform.load.repo import Declared, Repo, Sourced, load_repo


def validate_repo(
    root: Path, variables: dict[str, str] | None = None, ignore: Iterable[str] = ()
) -> Repo:
    """Load ``root`` and run every offline check; the findings are in ``diagnostics``
    (but for warnings whose code is in ``ignore``, counted as silenced)."""
    repo = load_repo(root, variables, check=check_resource, ignore=ignore)
    check_repo(repo)
    return repo


def check_resource(item: Declared, out: Diagnostics) -> None:
    """What one resource alone can tell, checked as it is loaded: the most frequent
    findings (raw tenant ids in an exported repo) are placed from the body at hand."""
    _portability(item, out)
    for finding in item.spec.check(item.resource):
        path = field_path(finding.path)
        if finding.code is not None:
            item.warn(out, finding.code, finding.message, path)
        else:
            out.error(finding.message, item.at(finding.path), path or None)


def check_repo(repo: Repo) -> None:
    """Add every finding that needs the whole repo to ``repo.diagnostics``."""
    out = repo.diagnostics
    _unique_guids(repo, out)
    _unique_names(repo, out)
    for item in repo.resources:
        _managed_references(repo, item, out)


def _unique_guids(repo: Repo, out: Diagnostics) -> None:
    owners: dict[str, Sourced] = {}
    everything: Iterable[tuple[str, Sourced]] = [
        *((item.guid, item) for item in repo.resources),
        *((tomb.guid, tomb) for tomb in repo.tombstones),
    ]
    for guid, item in everything:
        first = owners.setdefault(guid, item)
        if first is not item:
            out.error(
                f"guid {guid} is already used at {first.location}; every resource "
                "needs its own (copying a guid would overwrite the other record in Halo)",
                item.at(("guid",)),
                "guid",
            )


def _unique_names(repo: Repo, out: Diagnostics) -> None:
    """References name resources, so two of one kind with one name would be ambiguous."""
    seen: dict[tuple[str, str], Declared] = {}
    for item in repo.resources:
        key = (item.spec.kind, item.name.casefold())
        first = seen.setdefault(key, item)
        if first is not item:
            out.error(
                f"another {item.spec.kind} is named {item.resource.name!r} "
                f"(at {first.location}); names must be unique within a kind",
                item.at(("name",)),
                "name",
            )


def _managed_references(repo: Repo, item: Declared, out: Diagnostics) -> None:
    for path, ref in iter_refs(item.resource):
        spec = by_ref_key(ref.target)
        if spec is None:
            if ref.target in UNRESOLVABLE:
                item.warn(
                    out,
                    "unresolvable-reference",
                    f"{ref} cannot be resolved: Halo's API offers no {ref.target} "
                    "list, so plan will ask for a raw id here",
                    path,
                )
            continue
        if repo.declared_guid(spec.kind, ref) is not None:
            continue
        if any(_matches(ref, guid, name) for kind, guid, name in repo.unreadable if kind is spec):
            continue
        where = item.at(parse_path(path))
        tombs = [tomb for tomb in repo.tombstones if tomb.spec is spec]
        if any(_matches(ref, tomb.guid, tomb.name) for tomb in tombs):
            out.error(f"{ref}: that {spec.kind} is marked deleted in this repo", where, path)
        else:
            item.warn(out, "unmanaged-reference", _unmanaged(repo, ref, spec), path)


def _unmanaged(repo: Repo, ref: Ref, spec: KindSpec) -> str:
    """Not in the repo may still be in the tenant: plan resolves it there."""
    hint = did_you_mean(ref.name, [other.name for other in repo.of_kind(spec)]) if ref.name else ""
    what = "name" if ref.name else "guid"
    return (
        f"{ref}: no {spec.kind} of that {what} in this repo; plan looks for it in the "
        f"tenant (an unmanaged dependency){hint}"
    )


def _matches(ref: Ref, guid: str, name: str) -> bool:
    if ref.guid is not None:
        return ref.guid == guid
    return (ref.name or "").casefold() == name.casefold()


def _portability(item: Declared, out: Diagnostics) -> None:
    for path, raw in iter_raw_ids(item.resource):
        words = " or ".join(f"{{{target}: <name>}}" for target in raw.targets)
        fix = f"write {words}" if words else "no lookup names it: set it for each tenant"
        message = f"{raw.value} is a tenant id and differs between tenants: {fix}"
        item.warn(out, "tenant-id", message, path)
    for path, criterion in _criteria(item.resource, ""):
        word = criterion_lookup({"fieldname": criterion.fieldname})
        value = criterion.value_int
        if word is not None and is_tenant_id(value):
            message = (
                f"{value} is this tenant's id of a {word} ({criterion.fieldname}) and differs "
                f"between tenants: write {{{word}: <name>}}"
            )
            item.warn(out, "tenant-id", message, f"{path}.value_int")


def _criteria(value: object, path: str) -> Iterator[tuple[str, Criterion]]:
    """Every criterion anywhere in a resource, with its path (``criteria[0]``)."""
    if isinstance(value, Criterion):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _criteria(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _criteria(inner, f"{path}[{index}]")


def summary(diagnostics: Diagnostics) -> Iterator[str]:
    """Each finding, then a count line, as ``haloform validate`` prints them."""
    yield from (str(d) for d in diagnostics)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    silenced = f" ({diagnostics.silenced} silenced by ignore)" if diagnostics.silenced else ""
    yield f"{_count(errors, 'error')}, {_count(warnings, 'warning')}{silenced}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
