"""One apply per tenant per machine at a time.

Two applies against one tenant interleave their POSTs and DELETEs and each plans from a
state the other is changing. An apply holds an OS lock on
``<state dir>/locks/<key>.lock`` for its whole run; a second one is refused at once,
saying which process holds it. The OS drops the lock when its holder exits however it
exits, so a killed run never leaves a stale lock behind. (Applies from different
machines, e.g. CI runners, are kept apart by the CI's concurrency group: see README.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from haloform.errors import PlanError


@contextmanager
def apply_lock(path: Path, tenant: str) -> Iterator[None]:
    """Hold the lock at ``path`` while the block runs, or raise ``PlanError`` when
    another process holds it (nothing has been sent then)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise PlanError(
                f"another apply to {tenant} is running on this machine (process {holder}, "
                f"lock {path}); wait for it to finish, then plan again"
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
