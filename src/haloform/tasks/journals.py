"""Where an environment's applies keep their journals and their lock.

Keyed by the environment's name and its tenant, so ``--resume`` against one tenant
never shows another's run under the same name, and two applies to one tenant from one
checkout take the same lock.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from haloform.apply import JournalState, latest_journal, new_journal_path, read_journal
from haloform.errors import ConfigError
from haloform.tasks.workspace import Target


def journals(target: Target) -> Path:
    """Where the applies to ``target``'s environment keep their journals."""
    return target.state_dir / "journal"


def tenant_key(target: Target) -> str:
    """What keys an environment's journals and apply lock: its name and its tenant."""
    digest = hashlib.sha256(target.label.encode()).hexdigest()[:12]
    return f"{target.name}-{digest}"


def lock_path(target: Target) -> Path:
    """The file that keeps two applies to ``target`` from running at once."""
    return target.state_dir / "locks" / f"{tenant_key(target)}.lock"


def new_journal(target: Target, digest: str) -> Path:
    """A new journal for an apply of the plan with ``digest``, named when it starts."""
    return new_journal_path(journals(target), tenant_key(target), digest)


def last_apply(target: Target) -> tuple[JournalState | None, str | None]:
    """The journal of the environment's last apply, if there is one, and a warning
    when there is one it cannot read (which must not stop a plan)."""
    path = latest_journal(journals(target), tenant_key(target))
    if path is None:
        return None, None
    try:
        return read_journal(path), None
    except ConfigError as error:
        return None, f"Warning: cannot read the last apply's journal: {error}"
