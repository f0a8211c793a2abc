"""Export's warnings about what it wrote but cannot vouch for in another tenant, each
located in the file export wrote:

- an id the tenant has no name for (kept as a number), or a lookup name several of its
  rows share (``tenant-id``);
- a tenant id left in a nested row that no lookup names, such as an access-control
  row's ``role_id`` (``tenant-id``): rows lose their own ids (``kinds.unmodelled``),
  but a reference to another record stays, and another tenant would read it as
  another record;
- a field Halo answered that haloform keeps without modelling it
  (``unmodelled-field``): once per field, wherever it first appears, since a tenant
  repeats the same fields on every row.

Halo's own codes (a negative ``action_id``, ``new_flow_id: -1``) are the same on every
tenant and never warned about.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haloform.common.ids import canonical_guid, is_tenant_id
from haloform.common.paths import PathItem, field_path, join_path, parse_path
from haloform.diagnostics import Diagnostics, Location
from haloform.kinds import KindSpec
from haloform.kinds.lookups import criterion_lookup
from haloform.kinds.ref_fields import RefField, bound_ids
from haloform.kinds.refs import LOOKUP_REFS, TenantIds
from haloform.kinds.unmodelled import UNMODELLED, tenant_ids
from haloform.load.style import is_reference
from haloform.load.yamlio import YamlDocument, location, parse_yaml
from haloform.resolve.index import TenantIndex

Spot = tuple[PathItem, ...]
Problem = tuple[Spot, str, str]
"""Where in a document, what, and the warning's code."""


def portability_warnings(
    placed: Mapping[str, tuple[KindSpec, str, Any]],
    texts: Mapping[str, str],
    index: TenantIndex,
    tenant: str,
    out: Path,
) -> list[str]:
    """A warning, located, for each unportable value of each exported resource (by
    guid: spec, file, data). Only a file with such a value is parsed again, to say
    where in it the value sits."""
    found = Diagnostics()
    parsed: dict[str, tuple[YamlDocument, ...]] = {}
    seen: set[tuple[str, str]] = set()
    for guid, (spec, path, data) in placed.items():
        problems = [
            problem
            for problem in unportable(spec, data, index, tenant)
            if _first_time(spec, problem, seen)
        ]
        if not problems or path not in texts:
            continue
        if path not in parsed:
            parsed[path] = parse_yaml(texts[path], path).documents
        written = _written(parsed[path], guid)
        shown = str(out / path)
        for at, message, code in problems:
            where = location(shown, written, at) if written is not None else Location(shown)
            found.warning(message, where, field_path(at), code)
    return [str(diagnostic) for diagnostic in found]


def bind_tenant_ids(
    spec: KindSpec, document: dict[str, Any], index: TenantIndex, environment: str
) -> dict[str, Any]:
    """``document`` (in place) with each tenant id no name makes portable written bound
    to ``environment`` (``{tenant_ids: {prod: 5}}``): a plan for that environment sends
    it, and one for another stops there, never sending prod's id to another tenant."""
    problems = unportable(spec, document, index, environment)
    spots = [at for at, _, code in problems if code == "tenant-id"]
    for at in spots:
        *path, last = at
        node: Any = document
        for part in path:
            node = node[part]
        if is_tenant_id(node[last]):
            node[last] = {TenantIds.target: {environment: node[last]}}
    return document


def unportable(
    spec: KindSpec, data: Mapping[str, Any], index: TenantIndex, tenant: str
) -> Iterator[Problem]:
    """Where a document holds a value that will not mean the same in another tenant,
    or a field kept without being understood, and why."""
    references = {ref.path: ref for ref in spec.references}
    return _Portability(references, spec.object_patterns, index, tenant).walk(data, "", ())


def _first_time(spec: KindSpec, problem: Problem, seen: set[tuple[str, str]]) -> bool:
    """A kept field is reported once per kind and field pattern, not once per row."""
    at, _, code = problem
    if code != "unmodelled-field":
        return True
    pattern = ""
    for part in at:
        pattern = f"{pattern}[]" if isinstance(part, int) else join_path(pattern, str(part))
    key = (spec.kind, pattern)
    if key in seen:
        return False
    seen.add(key)
    return True


@dataclass(frozen=True)
class _Portability:
    references: Mapping[str, RefField]
    objects: frozenset[str]
    index: TenantIndex
    tenant: str

    def walk(self, node: Any, pattern: str, at: Spot) -> Iterator[Problem]:
        if isinstance(node, list):
            for position, item in enumerate(node):
                yield from self.walk(item, f"{pattern}[]", (*at, position))
            return
        if not isinstance(node, Mapping):
            return
        for key, value in node.items():
            path = join_path(pattern, str(key))
            ref = self.references.get(path)
            if key == UNMODELLED and isinstance(value, Mapping):
                yield from self.kept(value, (*at, key))
            elif ref is not None:
                yield from self.reference(ref, value, node, (*at, key))
            elif isinstance(value, list) and f"{path}[]" not in self.objects:
                yield from self.rows(value, (*at, key))
            else:
                yield from self.walk(value, path, (*at, key))

    def kept(self, fields: Mapping[str, Any], at: Spot) -> Iterator[Problem]:
        for name in fields:
            message = (
                f"{name}: kept as {self.tenant} answered it and sent back as is; haloform "
                "does not model this field, so nothing checks it"
            )
            yield (*at, name), message, "unmodelled-field"
        yield from self.rows(fields, at)

    def rows(self, value: Any, at: Spot) -> Iterator[Problem]:
        for spot, number in tenant_ids(value, at):
            message = (
                f"{number} is {self.tenant}'s own id and no lookup names it: another "
                "tenant would read it as another record; set it there by hand"
            )
            yield spot, message, "tenant-id"
        for path, bound in bound_ids(value, ""):
            yield (*at, *parse_path(path)), _bound_message(bound), "tenant-id"

    def reference(
        self, ref: RefField, value: Any, record: Mapping[str, Any], at: Spot
    ) -> Iterator[Problem]:
        values: list[tuple[int | None, Any]] = (
            list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        )
        for slot, item in values:
            message = self.problem(ref, item, record)
            if message is not None:
                yield (at if slot is None else (*at, slot)), message, "tenant-id"

    def problem(self, ref: RefField, value: Any, record: Mapping[str, Any]) -> str | None:
        tenant = self.tenant
        bound = TenantIds.read(value)
        if bound is not None:
            return _bound_message(bound)
        if is_tenant_id(value):
            # 0 is Halo's "not set" and a negative number one of its own codes
            if not ref.targets:
                return f"{value} is {tenant}'s own id and no lookup names it: not portable"
            target = ref.targets[0] if len(ref.targets) == 1 else criterion_lookup(record)
            if target is None or target not in ref.targets:
                return None
            return (
                f"{target} id {value}: {tenant} has no name for it, so it stays a number, "
                "which is not portable"
            )
        if isinstance(value, Mapping) and is_reference(value):
            ((word, name),) = value.items()
            if word in LOOKUP_REFS and isinstance(name, str):
                count = len(self.index.lookup(str(word), name))
                if count > 1:
                    return f"{count} {word}s are named {name!r} in {tenant}: rename one in Halo"
        return None


def _bound_message(bound: TenantIds) -> str:
    listed = ", ".join(sorted(bound.tenant_ids))
    return (
        f"{bound}: a tenant's own id, which no name carries to another tenant; a plan "
        f"for an environment other than {listed} stops here until its id is added"
    )


def _written(documents: Iterable[YamlDocument], guid: str) -> Any:
    """The document of ``guid`` as written, where positions are known."""
    return next(
        (
            doc.data
            for doc in documents
            if isinstance(doc.data, Mapping) and canonical_guid(doc.data.get("guid")) == guid
        ),
        None,
    )
