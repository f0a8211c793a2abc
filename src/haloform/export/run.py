"""``haloform export``: a live tenant written out as a config repo, in portable terms.

Reading (``export.read``) costs one list per kind and per lookup plus one detail GET
per exported resource, all concurrent within the client's rate limit. Each resource
goes through ``to_portable`` (ids become names and guids, Halo's own fields are
dropped, secrets are never read back), ``file_order`` and ``sort_lists``, so an export
is byte-stable whatever order the tenant answers in.

Where it lands (``export.files``): a document with the same guid anywhere under the
output directory is updated in place (``export.merge``: comments, quoting and
formatting of what did not change stay as they are); any other resource gets a new
file. Documents whose resource the tenant no longer has are reported and kept unless
``prune_files`` is asked for. Building the export is separate from writing it, so
what would change can be shown without touching a file.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from haloform.common.ids import canonical_guid, known_id
from haloform.export.files import (
    Disk,
    DiskFile,
    NewFile,
    file_names,
    scan,
    schema_line,
)
from haloform.export.guard import check_out, check_targets
from haloform.export.layout import (
    Meaning,
    sort_lists,
)
from haloform.export.merge import Merger
from haloform.export.portability import bind_tenant_ids, portability_warnings
from haloform.export.read import Picker, ReadProgress, read_tenant
from haloform.export.selection import Selection
from haloform.fetch.reader import Reader
from haloform.kinds import KINDS, KindSpec
from haloform.load.documents import literal
from haloform.load.repo import Repo
from haloform.load.style import to_node
from haloform.load.yamlio import YamlDocument
from haloform.load.yamlwrite import dump_documents
from haloform.resolve.duplicates import shared_guid_warnings
from haloform.resolve.index import TenantIndex
from haloform.resolve.portable import file_order, to_portable
from haloform.resolve.references import tenant_index
from haloform.snapshot.state import LiveKind, LiveState


@dataclass(frozen=True)
class ExportRequest:
    """What to export, from which tenant, into which directory."""

    out: Path
    tenant: str
    """How messages name the tenant (``embedded:local``, a URL)."""
    environment: str
    """Its environment's name in haloform.yaml: ids no name makes portable are
    written bound to it (``{tenant_ids: {prod: 5}}``)."""
    specs: tuple[KindSpec, ...]
    lookup_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """The environment's renames (file name -> tenant name), applied in reverse."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """A ``${var}`` in an existing document that expands to the live value is kept."""
    prune_files: bool = False
    """Remove documents whose resource the tenant no longer has."""
    selection: Picker | None = None
    """Only these resources: ``import``'s picks (written into the repo itself, no
    other document touched) or ``export --match``'s names; None exports everything."""


class FileStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"


@dataclass(frozen=True)
class ExportedFile:
    """One file the export wrote, changed, left as it was, or removed."""

    path: str
    """Relative to the output directory, POSIX."""
    status: FileStatus
    text: str | None
    """The file's new text; None when it is removed."""
    resources: tuple[str, ...]
    """``Workflow 'Incident Lifecycle'``, for each resource exported into it."""


@dataclass(frozen=True)
class Absent:
    """A document under the output directory whose resource the tenant does not have."""

    path: str
    kind: str
    guid: str
    name: str
    pruned: bool


@dataclass(frozen=True)
class Export:
    """What an export writes: a value, built before any file is touched."""

    files: tuple[ExportedFile, ...]
    absent: tuple[Absent, ...]
    warnings: tuple[str, ...]
    guids: tuple[str, ...]
    """Of every resource exported."""

    @property
    def resources(self) -> int:
        return len(self.guids)

    def count(self, status: FileStatus) -> int:
        return sum(1 for file in self.files if file.status is status)


def _taken(kind: LiveKind, selection: Picker | None) -> list[dict[str, Any]]:
    return [row for row in kind.rows if selection is None or selection.wants(kind.spec, row)]


async def export_tenant(
    client: Reader, request: ExportRequest, progress: ReadProgress | None = None
) -> Export:
    """Read the tenant, build the export and write it."""
    if not isinstance(request.selection, Selection):  # import writes into the repo itself
        check_out(request.out, [spec.directory for spec in KINDS])
    live = await read_tenant(client, request.specs, request.selection, progress)
    export = build_export(live, request)
    write_export(export, request.out)
    return export


def write_export(export: Export, out: Path) -> None:
    """Write (or remove) every file whose text changed; nothing else is touched."""
    check_targets(out, [file.path for file in export.files])
    for file in export.files:
        path = out / file.path
        if file.status is FileStatus.DELETED:
            path.unlink(missing_ok=True)
        elif file.status is not FileStatus.UNCHANGED and file.text is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.text.encode("utf-8"))


@dataclass(frozen=True)
class _Resource:
    spec: KindSpec
    guid: str
    name: str
    document: dict[str, Any]
    """In the file's terms and order."""

    @property
    def label(self) -> str:
        return f"{self.spec.kind} {self.name!r}"


@dataclass
class _Build:
    request: ExportRequest
    index: TenantIndex
    disk: Disk
    warnings: list[str] = field(default_factory=list)
    touched: dict[str, list[str]] = field(default_factory=dict)
    """Existing file -> labels of the resources merged into it."""
    new: dict[str, tuple[_Resource, CommentedMap]] = field(default_factory=dict)
    placed: dict[str, tuple[KindSpec, str, Any]] = field(default_factory=dict)
    """Guid -> (spec, file, document data) of every exported resource."""


def build_export(live: LiveState, request: ExportRequest) -> Export:
    """The export of ``live`` into ``request.out`` as it is on disk now."""
    index = export_index(live, request.lookup_names)
    disk = scan(request.out, [spec.kind for spec in request.specs])
    disk.problems.raise_for_errors(
        f"{request.out} holds files export cannot read; fix or move them (nothing was exported)"
    )
    build = _Build(request, index, disk, [str(d) for d in disk.problems.warnings])
    resources = list(_resources(live, request, index, build.warnings))
    build.warnings.extend([*_shared_names(resources), *shared_guid_warnings(live)])
    waiting = [resource for resource in resources if not _merge(build, resource)]
    _create(build, waiting)
    absent = _absent(build, _listed(live, request.specs))
    files = [*_existing_files(build), *_new_files(build)]
    texts = {file.path: file.text for file in files if file.text is not None}
    build.warnings.extend(
        portability_warnings(build.placed, texts, build.index, request.tenant, request.out)
    )
    return Export(
        files=tuple(sorted(files, key=lambda file: file.path)),
        absent=tuple(absent),
        warnings=tuple(build.warnings),
        guids=tuple(resource.guid for resource in resources),
    )


def export_index(live: LiveState, lookup_names: Mapping[str, Mapping[str, str]]) -> TenantIndex:
    """The tenant's own names for everything. A name two records of one kind share
    (in any case) cannot identify either, so references to them are written by guid."""
    index = tenant_index(Repo(root=Path()), live, lookup_names)
    managed = dict(index.managed)
    for kind, names in index.managed.items():
        counts = Counter(name.casefold() for name in names.name_by_guid.values())
        unique = {g: n for g, n in names.name_by_guid.items() if counts[n.casefold()] == 1}
        managed[kind] = dataclasses.replace(names, name_by_guid=unique)
    return dataclasses.replace(index, managed=managed)


def _shared_names(resources: Iterable[_Resource]) -> list[str]:
    """What to fix in the tenant when names of one kind differ only in case: validate
    refuses such a repo (a name must identify one resource), so export names them all."""
    groups: dict[tuple[str, str], list[_Resource]] = {}
    for resource in resources:
        groups.setdefault((resource.spec.kind, resource.name.casefold()), []).append(resource)
    warnings = []
    for (kind, _), group in sorted(groups.items()):
        if len(group) > 1:
            listed = ", ".join(f"{item.name!r} (guid {item.guid})" for item in group)
            warnings.append(
                f"{len(group)} {kind}s share the name {group[0].name!r} in the tenant "
                f"(ignoring case): {listed}; a repo needs unique names, so validate refuses "
                "these files: rename all but one in Halo and export again (references to "
                "them are written by guid meanwhile)"
            )
    return warnings


def _resources(
    live: LiveState, request: ExportRequest, index: TenantIndex, warnings: list[str]
) -> Iterator[_Resource]:
    for spec in request.specs:
        kind = live.kinds.get(spec.kind)
        rows = sorted(
            _taken(kind, request.selection) if kind else [],
            key=lambda row: (str(row.get("name", "")).casefold(), str(row.get("guid", ""))),
        )
        for row in rows:
            record = kind.details.get(known_id(row)) if kind else None
            if record is None:
                continue  # deleted between the list and the detail read
            if not row.get("guid"):
                warnings.append(f"{spec.kind} {row.get('name')!r} has no guid: not exported")
                continue
            if kind and kind.row(str(row["guid"])) is not row:
                continue  # a shared guid (warned about): the record a plan would match

            portable = file_order(spec, to_portable(spec, record, index))
            bind_tenant_ids(spec, portable, index, request.environment)
            document = literal(sort_lists(portable, spec.keyed_lists, spec.unordered_lists))
            guid = canonical_guid(row["guid"])
            document["guid"] = guid
            yield _Resource(spec, guid, str(portable.get("name", "")), document)


def _meaning(build: _Build, spec: KindSpec) -> Meaning:
    return Meaning(
        keyed=spec.keyed_lists,
        unordered=spec.unordered_lists,
        managed_name=build.index.managed_name,
        variables=build.request.variables,
    )


def _merge(build: _Build, resource: _Resource) -> bool:
    """Update the resource's document on disk, if it has one (or is a tombstone)."""
    key = (resource.spec.kind, resource.guid)
    if key in build.disk.tombstones:
        build.warnings.append(
            f"{resource.label} ({resource.guid}) is marked deleted in a file under "
            f"{build.request.out} but still exists in the tenant: the tombstone is left as is"
        )
        return True
    found = build.disk.placed.get(key)
    if found is None:
        return False
    path, position = found
    document = build.disk.files[path].documents[position]
    spec = resource.spec
    merger = Merger(_meaning(build, spec), keep=spec.write_only, defaults=spec.defaults)
    merger.document(document.data, resource.document)
    build.touched.setdefault(path, []).append(resource.label)
    build.placed[resource.guid] = (resource.spec, path, document.data)
    return True


def _create(build: _Build, resources: list[_Resource]) -> None:
    wanted = [NewFile(r.spec.directory, r.name, r.guid, r.spec.kind) for r in resources]
    paths = file_names(wanted, build.disk.files)
    for resource in resources:
        path = paths[resource.guid]
        node = to_node(resource.document)
        build.new[path] = (resource, node)
        build.placed[resource.guid] = (resource.spec, path, node)


def _listed(live: LiveState, specs: Iterable[KindSpec]) -> set[tuple[str, str]]:
    """(kind, guid) of every live record of ``specs``, exported or not."""
    return {
        (spec.kind, canonical_guid(row.get("guid")))
        for spec in specs
        if (kind := live.kinds.get(spec.kind)) is not None
        for row in kind.rows
    }


def _absent(build: _Build, live: set[tuple[str, str]]) -> list[Absent]:
    """Documents of the exported kinds whose resource the tenant does not have (an
    import of a few resources says nothing of the others; an export ``--match`` only
    of the documents whose names match)."""
    absent: list[Absent] = []
    selection = build.request.selection
    if isinstance(selection, Selection):
        return absent
    specs = {spec.kind: spec for spec in build.request.specs}
    gone: dict[str, set[int]] = {}
    for (kind, guid), (path, position) in sorted(build.disk.placed.items(), key=_by_place):
        data = build.disk.files[path].documents[position].data
        if (kind, guid) in live or (selection and not selection.wants(specs[kind], data)):
            continue
        name = str(data.get("name", ""))
        absent.append(Absent(path, kind, guid, name, build.request.prune_files))
        if build.request.prune_files:
            gone.setdefault(path, set()).add(position)
            build.touched.setdefault(path, []).append(f"{kind} {name!r} removed")
    for path, positions in gone.items():
        file = build.disk.files[path]
        file.documents = [d for d in file.documents if d.index not in positions]
    return absent


def _by_place(item: tuple[tuple[str, str], tuple[str, int]]) -> tuple[str, int]:
    return item[1]


def _existing_files(build: _Build) -> Iterator[ExportedFile]:
    for path, labels in build.touched.items():
        file: DiskFile = build.disk.files[path]
        original = file.original
        if not file.documents:
            yield ExportedFile(path, FileStatus.DELETED, None, tuple(labels))
            continue
        text = dump_documents(file.documents)
        status = FileStatus.UNCHANGED if text == original else FileStatus.UPDATED
        yield ExportedFile(path, status, text, tuple(labels))


def _new_files(build: _Build) -> Iterator[ExportedFile]:
    for path, (resource, node) in build.new.items():
        document = YamlDocument(node, 0, 1, "", 0, 0)
        header = schema_line(build.request.out, path, resource.spec.kind)
        text = header + dump_documents([document])
        yield ExportedFile(path, FileStatus.CREATED, text, (resource.label,))


__all__ = [
    "Absent",
    "Export",
    "ExportRequest",
    "ExportedFile",
    "FileStatus",
    "build_export",
    "export_index",
    "export_tenant",
    "read_tenant",
    "write_export",
]
