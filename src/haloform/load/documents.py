"""A config tree as raw documents: which file, which line, which kind, what body.

Loading only reads and checks what every resource shares (YAML, ``kind:``,
``${var}`` references); each kind's model checks the rest. Every problem in every
file is collected, because an admin fixing a pull request wants the whole list.

Variables: ``${name}`` in a string value is replaced by the variable's text, alone
(``${tenant_name}``) or inside a string (``Alerts for ${tenant_name}``); ``$${``
writes a literal ``${``. ``${env:NAME}`` is not a variable but a secret the applier
fills in at POST time, so it is left exactly as written. Keys are never substituted,
so a variable cannot invent or hide a field.

A substituted value is always a string, even when the whole value is one reference
to a number-like variable: YAML typing happens once, when the file is parsed, and a
variable must not turn ``${x}`` into an integer in one environment and text in
another. The models are strict, so a variable cannot fill an integer field; numbers
that differ between tenants are ids, which references replace.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from haloform.common.paths import PathItem
from haloform.diagnostics import Diagnostics, Location
from haloform.load.located import describe_value, did_you_mean
from haloform.load.settings import PROJECT_FILES
from haloform.load.yamlio import YamlDocument, YamlFile, location, parse_yaml, read_yaml

SUFFIXES = (".yaml", ".yml")
"""The project file at the root is settings, not resources."""
SKIPPED_ROOT_DIRS = frozenset({"schemas"})
"""Generated JSON Schemas sit next to the resources; they are not resources."""

SECRET_PREFIX = "env:"
"""``${env:NAME}``: a secret from the environment where haloform runs, not a variable."""

_REFERENCE = re.compile(r"\$\$\{|\$\{(?P<name>[^}]*)(?P<close>\}?)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class RawDocument:
    """One resource as written, before its kind's model has looked at it."""

    file: str
    index: int
    """0-based position among the file's ``---`` documents."""
    line: int
    """1-based line where the document's content starts."""
    kind: str
    body: dict[Any, Any] | None
    """The whole mapping, ``kind`` included, variables substituted, positions kept
    (a ``LocatedMap``, or ruamel's map when the round-trip parser read the file);
    None once ``without_body`` dropped it (``at`` then parses ``source`` again)."""
    source: str = ""
    """The document's own text, comments included (read for ``# haloform:`` markers)."""

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    @property
    def located(self) -> dict[Any, Any]:
        """The body as loaded: only the loader reads it, before ``without_body``
        (afterwards ``at`` places a message by parsing ``source`` again)."""
        if self.body is None:
            raise ValueError(f"{self.location}: the document's body was dropped after loading")
        return self.body

    def at(self, path: Sequence[PathItem], *, key: bool = False) -> Location:
        """Where ``path`` is in this document, as ``yamlio.location`` says.

        A repo's located bodies weigh as much as its models (36 MiB for 10,000 rules),
        and once a document is validated only a message needs them, so the loader
        drops each body (``without_body``) and the few documents a later message is
        about are parsed again from their own text."""
        if self.body is not None:
            return location(self.file, self.body, path, key=key)
        found = reparse(self.source)
        if found is None:
            return self.location
        data, line = found
        where = location(self.file, data, path, key=key)
        shift = self.line - line
        return replace(where, line=where.line + shift) if where.line is not None else where

    def without_body(self) -> RawDocument:
        return replace(self, body=None)


@lru_cache(maxsize=64)
def reparse(source: str) -> tuple[dict[Any, Any], int] | None:
    """The mapping ``source`` holds and the 1-based line its content starts on, within
    ``source``; None if it no longer reads as one mapping."""
    parsed = parse_yaml(source, "")
    found = next((doc for doc in parsed.documents if isinstance(doc.data, dict)), None)
    return None if found is None else (found.data, found.line)


def config_files(root: Path) -> list[Path]:
    """The YAML files under ``root`` that hold resources, in a stable order.

    ``.yaml`` and ``.yml`` in any case (``RULES.YAML`` is a config file too, never
    skipped without a word). Hidden directories (``.git``, ``.haloform``, ``.venv``)
    and hidden files are skipped, and so are the project file and ``schemas/`` at the
    root. Symlinks are never followed out of ``root`` (see ``walk_repo``).
    """
    return walk_repo(root).files


@dataclass
class RepoWalk:
    """The config files under a root, and the symlinks that were not followed."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    """(the link, why it was not read): reported by name, its target never opened."""


def walk_repo(root: Path) -> RepoWalk:
    """``config_files``, with every symlink checked before anything is read through it.

    A link that leads outside the repo could put a secret (``ln -s ../.env x.yaml``)
    into a CI log through a parse error; a link that loops could trap the walk. Both
    are refused by name. Symlinked directories are never walked (files inside the repo
    are read where they really are), only reported when they lead out or loop.
    """
    walk, real_root = RepoWalk(), root.resolve()
    for directory, dirs, files in os.walk(root):
        at_root = Path(directory) == root
        dirs[:] = [d for d in sorted(dirs) if not _skipped_dir(d, at_root=at_root)]
        for name in list(dirs):
            if Path(directory, name).is_symlink():
                dirs.remove(name)
                _check_link(walk, Path(directory, name), real_root)
        for name in sorted(files):
            path = Path(directory, name)
            if not _is_config_name(name, at_root=at_root):
                continue
            if path.is_symlink() and not _check_link(walk, path, real_root):
                continue
            if path.is_file():
                walk.files.append(path)
    walk.files.sort()
    return walk


def _is_config_name(name: str, *, at_root: bool) -> bool:
    return (
        name.lower().endswith(SUFFIXES)
        and not name.startswith(".")
        and not (at_root and name.lower() in PROJECT_FILES)
    )


def _check_link(walk: RepoWalk, link: Path, real_root: Path) -> bool:
    """Whether ``link`` leads to a file inside the repo; records why when it does not."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        walk.refused.append((link, "is a symlink loop; not read"))
        return False
    except OSError as exc:
        loop = exc.errno == errno.ELOOP
        why = "is a symlink loop; not read" if loop else "is a symlink to nothing; not read"
        walk.refused.append((link, why))
        return False
    if not target.is_relative_to(real_root):
        walk.refused.append((link, "is a symlink that leads outside the repo; not read"))
        return False
    if target.is_dir():
        if link.parent.resolve().is_relative_to(target):
            walk.refused.append(
                (link, "is a symlink to a directory above it (a loop); not followed")
            )
        return False
    return True


def _skipped_dir(name: str, *, at_root: bool) -> bool:
    return name.startswith(".") or (at_root and name in SKIPPED_ROOT_DIRS)


def iter_tree(
    root: Path,
    diagnostics: Diagnostics,
    variables: Mapping[str, str] | None = None,
    *,
    kinds: Collection[str] | None = None,
) -> Iterator[RawDocument]:
    """Every config file's documents under ``root`` (or ``root`` itself when it is a
    file), one file at a time, its problems into ``diagnostics``: a caller that keeps
    only what it makes of each never holds every body at once. ``kinds`` are the kind
    names the caller can handle (``None`` accepts any); ``variables`` of ``None``
    leaves ``${...}`` as written, while a mapping, even an empty one, makes every
    reference to an undefined variable an error."""
    if not root.is_dir() and (root.is_file() or root.is_symlink()):
        walk = RepoWalk()
        if not root.is_symlink() or _check_link(walk, root, root.parent.resolve()):
            yield from file_documents(read_yaml(root), variables, kinds, diagnostics)
            return
    elif not root.is_dir():
        diagnostics.error("no such directory", Location(str(root)))
        return
    else:
        walk = walk_repo(root)
    for link, why in walk.refused:
        diagnostics.error(why, Location(str(link)))
    for path in walk.files:
        yield from file_documents(read_yaml(path), variables, kinds, diagnostics)


def file_documents(
    parsed: YamlFile,
    variables: Mapping[str, str] | None,
    kinds: Collection[str] | None,
    diagnostics: Diagnostics,
) -> Iterator[RawDocument]:
    diagnostics.extend(parsed.diagnostics)
    loader = _DocumentLoader(parsed.file, variables, kinds, diagnostics)
    documents = [doc for doc in parsed.documents if doc.data is not None]
    if not documents and not parsed.diagnostics:
        message = "the file holds no resource (it is empty)"
        diagnostics.warning(message, Location(parsed.file), code="empty-file")
    for document in documents:
        raw = loader.load(document)
        if raw is not None:
            yield raw


@dataclass(frozen=True)
class _DocumentLoader:
    """Checks shared by every document of one file, reporting into one collection."""

    file: str
    variables: Mapping[str, str] | None
    kinds: Collection[str] | None
    diagnostics: Diagnostics

    def load(self, document: YamlDocument) -> RawDocument | None:
        body = document.data
        if not isinstance(body, dict):
            self.diagnostics.error(
                "a document must be a mapping of fields starting with 'kind:', "
                f"got {describe_value(body)}",
                Location(self.file, document.line),
            )
            return None
        kind = self._kind(body)
        if self.variables is not None:
            self._substitute(self.variables, body, body, ())
        if kind is None:
            return None
        return RawDocument(self.file, document.index, document.line, kind, body, document.source)

    def _kind(self, body: dict[Any, Any]) -> str | None:
        expected = f"one of {', '.join(sorted(self.kinds))}" if self.kinds else "a resource kind"
        if "kind" not in body:
            self.diagnostics.error(f"missing 'kind:' ({expected})", location(self.file, body, ()))
            return None
        kind = body["kind"]
        where = location(self.file, body, ["kind"])
        if not isinstance(kind, str) or not kind:
            self.diagnostics.error(
                f"'kind' must be {expected}, got {describe_value(kind)}", where, "kind"
            )
            return None
        if self.kinds is not None and kind not in self.kinds:
            hint = did_you_mean(kind, self.kinds) or f"; expected {expected}"
            self.diagnostics.error(f"unknown kind {kind!r}{hint}", where, "kind")
            return None
        return str(kind)

    def _substitute(
        self,
        variables: Mapping[str, str],
        root: dict[Any, Any],
        node: dict[Any, Any] | list[Any],
        path: tuple[PathItem, ...],
    ) -> None:
        """Replace references in every string value below ``node``, in place."""
        items: Any = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            if isinstance(value, (dict, list)):
                self._substitute(variables, root, value, (*path, key))
            elif isinstance(value, str) and "$" in value:
                node[key], problems = expand(value, variables)
                for problem in problems:
                    self.diagnostics.error(problem, location(self.file, root, (*path, key)))


def literal(value: Any) -> Any:
    """``value`` with every ``${`` in its strings written ``$${``, so that ``expand``
    reads it back as exactly the text it is (a live rule named ``${team}`` must not come
    back as a variable reference)."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, Mapping):
        return {key: literal(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [literal(inner) for inner in value]
    return value


def expand(text: str, variables: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with its ``${name}`` references replaced, and what was wrong with any.

    A broken reference stays as written, so one mistake yields one message.
    """
    problems: list[str] = []

    def replace(match: re.Match[str]) -> str:
        whole, name = match.group(0), match.group("name")
        if whole == "$${":
            return "${"
        if name is not None and name.startswith(SECRET_PREFIX):
            return whole
        if not match.group("close"):
            problems.append("'${' is not closed by '}'; write '$${' for a literal '${'")
        elif not _NAME.fullmatch(name):
            problems.append(f"{whole!r} does not name a variable; write '$${{' for a literal '${{'")
        elif name not in variables:
            problems.append(f"undefined variable {name!r}" + did_you_mean(name, variables))
        else:
            return variables[name]
        return whole

    return _REFERENCE.sub(replace, text), problems
