"""Give every resource in a repo its identity: write a fresh guid where one is missing.

The guid is what makes a rule the same rule in every tenant and every run, so it must
be written into the file once and then never change. The edit is surgical: ``guid:``
goes right after ``kind:``, and comments, key order and formatting stay as they were.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from haloform.diagnostics import Diagnostics, Location, Severity
from haloform.load.documents import config_files
from haloform.load.yamlio import read_yaml
from haloform.load.yamlwrite import dump_documents, set_key_after


@dataclass(frozen=True)
class Assigned:
    """One guid written: where, for which resource."""

    location: Location
    kind: str
    name: str
    guid: str


def add_guids(
    root: Path,
    kinds: Collection[str],
    *,
    new_guid: Callable[[], str] = lambda: str(uuid.uuid4()),
    dry_run: bool = False,
) -> tuple[list[Assigned], Diagnostics]:
    """Write a guid into each document of ``kinds`` under ``root`` that lacks one.

    Files that do not parse are reported and left untouched: nothing is written into
    a file haloform could not read whole.
    """
    assigned: list[Assigned] = []
    problems = Diagnostics()
    for path in config_files(root) if root.is_dir() else [root]:
        parsed = read_yaml(path, str(path), for_writing=True)
        problems.extend(parsed.diagnostics)
        if any(d.severity is Severity.ERROR for d in parsed.diagnostics):
            continue
        found = [
            _assign(str(path), doc.line, doc.data, new_guid)
            for doc in parsed.documents
            if _needs_guid(doc.data, kinds)
        ]
        if found and not dry_run:
            path.write_bytes(dump_documents(parsed.documents).encode("utf-8"))
        assigned.extend(found)
    return assigned, problems


def _needs_guid(data: object, kinds: Collection[str]) -> bool:
    return isinstance(data, CommentedMap) and data.get("kind") in kinds and not data.get("guid")


def _assign(file: str, line: int, data: CommentedMap, new_guid: Callable[[], str]) -> Assigned:
    guid = new_guid()
    if "guid" in data:  # present but empty: fill it where it stands
        data["guid"] = guid
    else:
        set_key_after(data, "guid", guid, after="kind")
    return Assigned(Location(file, line), str(data["kind"]), str(data.get("name") or ""), guid)
