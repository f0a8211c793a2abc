"""Where export puts things: the documents already under the output directory, and a
file name for each resource that has none yet.

A resource already on disk is found by guid, whatever file holds it and whatever its
name, so a repo can be reorganised by hand and re-exported into. A new resource gets
``<kind directory>/<slug of its name>.yaml``; names that slug alike (``P1: Network``
and ``p1 network``), or a slug whose file already exists, get a short guid suffix
(``p1-network-5a1e0c2d.yaml``) instead, all of them, so no export's outcome depends on
which of two resources came first.

A new file starts with the editor hint ``# yaml-language-server: $schema=...`` only when
``<out>/schemas/<kind>.schema.json`` exists (``haloform schemas --out <out>/schemas``
writes them): a hint to a file that is not there would only make editors complain.
Existing documents keep whatever hint they have.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from haloform.common.ids import canonical_guid
from haloform.diagnostics import Diagnostics, Location, Severity
from haloform.load.documents import config_files
from haloform.load.schemas import file_name as schema_file_name
from haloform.load.yamlio import YamlDocument, read_yaml

SLUG_MAX = 60
"""Long enough for any sensible rule name, short enough for a file listing."""
SUFFIX = 8
"""Hex digits of the guid that tell two same-named resources' files apart."""
SCHEMAS = "schemas"
"""``<out>/schemas/``, where ``haloform schemas --out`` writes the JSON Schemas."""

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019]")


def slug(name: str) -> str:
    """``"P1 to Network team"`` -> ``"p1-to-network-team"``: lower-case ASCII words
    joined by hyphens (accents folded, apostrophes dropped), at most ``SLUG_MAX`` long."""
    folded = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", name))
    text = "-".join(_WORD.findall(folded.encode("ascii", "ignore").decode().lower()))
    if len(text) > SLUG_MAX:
        text = text[:SLUG_MAX].rsplit("-", 1)[0] if "-" in text[:SLUG_MAX] else text[:SLUG_MAX]
    return text


@dataclass(frozen=True)
class NewFile:
    """A resource that needs a file of its own."""

    directory: str
    name: str
    guid: str
    kind: str


def file_names(resources: Iterable[NewFile], taken: Collection[str]) -> dict[str, str]:
    """Guid -> path (relative, POSIX) for each resource, avoiding ``taken`` paths
    (compared case-insensitively, for file systems that do)."""
    wanted: dict[tuple[str, str], list[NewFile]] = {}
    for resource in resources:
        base = slug(resource.name) or resource.kind.lower()
        wanted.setdefault((resource.directory, base), []).append(resource)
    used = {path.casefold() for path in taken}
    paths: dict[str, str] = {}
    for (directory, base), group in sorted(wanted.items()):
        for resource in sorted(group, key=lambda item: item.guid):
            short = resource.guid.replace("-", "")[:SUFFIX]
            candidates = [f"{directory}/{base}.yaml"] if len(group) == 1 else []
            candidates += [
                f"{directory}/{base}-{short}.yaml",
                f"{directory}/{base}-{resource.guid}.yaml",
            ]
            path = next((c for c in candidates if c.casefold() not in used), candidates[-1])
            used.add(path.casefold())
            paths[resource.guid] = path
    return paths


def schema_line(out: Path, relative: str, kind: str) -> str:
    """The editor hint for a new file, when ``<out>/schemas/`` has the kind's schema
    (else nothing: a hint to a file that is not there would only mislead)."""
    schema = out / SCHEMAS / schema_file_name(kind)
    if not schema.is_file():
        return ""
    target = posixpath.relpath(f"{SCHEMAS}/{schema.name}", posixpath.dirname(relative) or ".")
    return f"# yaml-language-server: $schema={target}\n"


@dataclass
class DiskFile:
    """One YAML file under the output directory, parsed, as it was read."""

    path: str
    """Relative to the output directory, POSIX."""
    documents: list[YamlDocument]
    original: str
    """The text as read (the documents' sources, end to end)."""


@dataclass
class Disk:
    """What the output directory already holds."""

    files: dict[str, DiskFile] = field(default_factory=dict)
    placed: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    """(kind, guid) -> (file, document index) of each resource."""
    tombstones: set[tuple[str, str]] = field(default_factory=set)
    problems: Diagnostics = field(default_factory=Diagnostics)


def scan(out: Path, kinds: Collection[str]) -> Disk:
    """Every document of ``kinds`` under ``out``, by guid. A file that does not parse
    is an error: export would otherwise write a second copy of what it holds."""
    disk = Disk()
    if not out.is_dir():
        return disk
    for path in config_files(out):
        relative = path.relative_to(out).as_posix()
        parsed = read_yaml(path, str(path), for_writing=True)
        if any(found.severity is Severity.ERROR for found in parsed.diagnostics):
            disk.problems.extend(parsed.diagnostics)
            continue
        original = "".join(document.source for document in parsed.documents)
        disk.files[relative] = DiskFile(relative, list(parsed.documents), original)
        for document in parsed.documents:
            _place(disk, relative, document, kinds, shown=str(path))
    return disk


def _place(
    disk: Disk, relative: str, document: YamlDocument, kinds: Collection[str], *, shown: str
) -> None:
    data = document.data
    if not isinstance(data, CommentedMap) or data.get("kind") not in kinds:
        return
    if not data.get("guid"):
        return
    key = (str(data["kind"]), canonical_guid(data["guid"]))
    if data.get("deleted") is not None:
        disk.tombstones.add(key)
        return
    if key in disk.placed:
        first, _ = disk.placed[key]
        disk.problems.warning(
            f"{key[0]} {key[1]} is also in {first}; export updates that one only",
            Location(shown, document.line),
        )
        return
    disk.placed[key] = (relative, document.index)
