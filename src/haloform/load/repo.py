"""A config repo as typed resources: documents from the loader, checked by their kind.

A document is either a resource (its kind's model) or a tombstone: the same ``kind``,
``guid`` and ``name`` with ``deleted: true``, the reviewable statement that a live
resource is to be removed. Keeping the kind and name means a reviewer reads exactly
which rule goes, and the guid means the right one goes in every tenant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from haloform.common.ids import canonical_guid
from haloform.common.paths import PathItem, parse_path
from haloform.diagnostics import Diagnostics, Location
from haloform.kinds import KINDS, KindSpec, Resource, by_kind
from haloform.kinds.offline import OFFLINE_KINDS, OfflineSpec, offline_by_kind
from haloform.kinds.refs import Guid, Name, Ref
from haloform.load.documents import RawDocument, iter_tree
from haloform.load.limits import limit_problems
from haloform.load.located import validate_document


class TombstoneModel(BaseModel):
    """``deleted: true`` and nothing but the identity: a tombstone is not a resource."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    kind: str
    guid: Guid
    name: Name
    deleted: Literal[True]


_IGNORE = re.compile(r"#\s*haloform:\s*ignore\[([^\]]*)\]")


@dataclass(frozen=True)
class Sourced:
    """Where a document came from, for every message about it."""

    document: RawDocument

    @property
    def location(self) -> Location:
        return self.document.location

    def at(self, path: tuple[PathItem, ...]) -> Location:
        """The location of a field inside this document (its key, as editors show)."""
        return self.document.at(path, key=True)

    @cached_property
    def ignored(self) -> frozenset[str]:
        """The codes the document's ``# haloform: ignore[code, ...]`` comments silence."""
        found = (
            part.strip()
            for match in _IGNORE.finditer(self.document.source)
            for part in match.group(1).split(",")
        )
        return frozenset(code for code in found if code)

    def warn(self, out: Diagnostics, code: str, message: str, path: str = "") -> None:
        """A warning about ``path`` in this document, unless the document silences it."""
        if not out.silences(code, self.ignored):  # before placing it: that may parse
            out.warning(message, self.at(parse_path(path)), path or None, code)


@dataclass(frozen=True)
class Declared(Sourced):
    """A resource a file declares."""

    spec: KindSpec
    resource: Resource

    @property
    def guid(self) -> str:
        return self.resource.guid

    @property
    def name(self) -> str:
        return self.resource.name


@dataclass(frozen=True)
class Tombstone(Sourced):
    """A resource a file says must be deleted."""

    spec: KindSpec
    guid: str
    name: str


@dataclass(frozen=True)
class OfflineDocument(Sourced):
    """A document of an offline kind (a rule or workflow test): read, never sent."""

    spec: OfflineSpec
    model: BaseModel


@dataclass
class Repo:
    """Everything a config tree declares, and every problem found reading it."""

    root: Path
    resources: list[Declared] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    offline: list[OfflineDocument] = field(default_factory=list)
    """Tests and other documents that are checked but never reach a tenant."""
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    _names: dict[tuple[str, str], str] | None = field(default=None, repr=False)
    _guids: set[tuple[str, str]] = field(default_factory=set, repr=False)
    unreadable: list[tuple[KindSpec, str, str]] = field(default_factory=list)
    """(spec, guid, name) as written in documents that failed their model: references
    to them are not reported again as undefined, the document's own errors say it all."""

    def of_kind(self, spec: KindSpec) -> list[Declared]:
        return [item for item in self.resources if item.spec is spec]

    def guid_by_name(self, kind: str, name: str) -> str | None:
        """The guid of the declared resource of ``kind`` named ``name`` (any case)."""
        return self._index()[0].get((kind, name.casefold()))

    def declared_guid(self, kind: str, ref: Ref) -> str | None:
        """The guid of the declared resource of ``kind`` that ``ref`` names (by guid or
        by name), if the repo declares one."""
        if ref.guid is None:
            return self.guid_by_name(kind, ref.name or "")
        return ref.guid if (kind, ref.guid) in self._index()[1] else None

    def _index(self) -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
        """(kind, name) -> guid, and the (kind, guid) pairs, built on first use:
        references are resolved one by one, and a repo of thousands of rules must not
        be scanned for each."""
        if self._names is None:
            self._names, self._guids = {}, set()
            for item in self.resources:
                self._names.setdefault((item.spec.kind, item.name.casefold()), item.guid)
                self._guids.add((item.spec.kind, item.guid))
        return self._names, self._guids


DocumentCheck = Callable[[Declared, Diagnostics], None]
"""A resource's own checks, run while its document's located body is at hand."""


def load_repo(
    root: Path,
    variables: Mapping[str, str] | None = None,
    check: DocumentCheck | None = None,
    ignore: Iterable[str] = (),
) -> Repo:
    """Load and type every document under ``root``; problems land in ``diagnostics``.

    Documents are read file by file, and each keeps its located body only while it is
    validated and ``check``-ed: a later message about it parses its text again
    (``RawDocument.at``), so a large repo is never held twice, as bodies and models."""
    kinds = [spec.kind for spec in KINDS] + [spec.kind for spec in OFFLINE_KINDS]
    repo = Repo(root=root, diagnostics=Diagnostics(ignore=frozenset(ignore)))
    for document in iter_tree(root, repo.diagnostics, variables, kinds=kinds):
        _add(repo, document, check)
    return repo


def _add(repo: Repo, document: RawDocument, check: DocumentCheck | None) -> None:
    spec = by_kind(document.kind)
    if spec is None:
        _add_offline(repo, document)
        return
    body = document.located
    if body.get("deleted") is not None:
        tomb, problems = validate_document(TombstoneModel, body, file=document.file)
        repo.diagnostics.extend(problems)
        if tomb is not None:
            repo.tombstones.append(Tombstone(document.without_body(), spec, tomb.guid, tomb.name))
        return
    resource, problems = validate_document(spec.model, body, file=document.file)
    repo.diagnostics.extend(problems)
    limits = limit_problems(document.file, body)
    repo.diagnostics.extend(limits)
    if resource is None or limits:
        repo.unreadable.append((spec, canonical_guid(body.get("guid")), _written(body.get("name"))))
        return
    if check is not None:
        check(Declared(document, spec, resource), repo.diagnostics)
    repo.resources.append(Declared(document.without_body(), spec, resource))


def _add_offline(repo: Repo, document: RawDocument) -> None:
    spec = offline_by_kind(document.kind)
    if spec is None:  # the loader already reported the unknown kind
        return
    model, problems = validate_document(spec.model, document.located, file=document.file)
    repo.diagnostics.extend(problems)
    if model is not None:
        repo.offline.append(OfflineDocument(document.without_body(), spec, model))


def _written(value: object) -> str:
    return "" if value is None else str(value)
