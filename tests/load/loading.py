"""Loading a tree or one file into a list, for tests that look at every document at
once (the loader itself streams them: ``load.documents.iter_tree``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from haloform.diagnostics import Diagnostics
from haloform.load.documents import RawDocument, file_documents, iter_tree
from haloform.load.yamlio import read_yaml


@dataclass
class LoadResult:
    """The documents that could be read, and every problem met on the way."""

    documents: list[RawDocument] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def load_tree(
    root: Path,
    variables: Mapping[str, str] | None = None,
    *,
    kinds: Collection[str] | None = None,
) -> LoadResult:
    result = LoadResult()
    result.documents.extend(iter_tree(root, result.diagnostics, variables, kinds=kinds))
    return result


def load_file(
    path: Path,
    variables: Mapping[str, str] | None = None,
    *,
    kinds: Collection[str] | None = None,
    file: str | None = None,
) -> LoadResult:
    """One file; ``file`` is how messages name it (default: the path as given)."""
    result = LoadResult()
    parsed = read_yaml(path, file)
    result.documents.extend(file_documents(parsed, variables, kinds, result.diagnostics))
    return result
