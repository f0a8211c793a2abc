"""Where export may write: into an empty directory or a config repo, and never, through
a symlink, anywhere outside it.

``export --out /`` once walked the whole file system for minutes looking for documents
to update; a ``workflows`` link to ``/etc`` would have had export write there. Both are
refused before the tenant is read or a byte is written.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from haloform.errors import ConfigError
from haloform.export.files import SCHEMAS
from haloform.load.settings import PROJECT_FILES


def check_out(out: Path, directories: Collection[str]) -> None:
    """Refuse an ``out`` that is neither absent, empty, nor a config repo (one holding a
    haloform.yaml, a kind's directory or ``schemas/``): only its top level is looked at."""
    if not out.exists():
        return
    if not out.is_dir():
        raise ConfigError(f"--out {out} is not a directory")
    markers = {*PROJECT_FILES, *directories, SCHEMAS}
    entries = {entry.name for entry in out.iterdir()}
    if not entries or entries & markers:
        return
    expected = ", ".join(sorted(markers))
    raise ConfigError(
        f"--out {out} is neither empty nor a config repo (it has none of {expected}); "
        "export writes into a repo: choose an empty or new directory, or the repo itself"
    )


def check_targets(out: Path, relatives: Iterable[str]) -> None:
    """Refuse to write any file whose path leads, through a symlink, outside ``out``;
    checked for every file before any is written, so a refusal leaves nothing half-done."""
    root = out.resolve()
    outside = [rel for rel in relatives if not (out / rel).resolve().is_relative_to(root)]
    if outside:
        listed = ", ".join(str(out / rel) for rel in sorted(outside))
        raise ConfigError(
            f"export will not write {listed}: a symlink there leads outside {out}; "
            "remove the link or export elsewhere (nothing was written)"
        )
