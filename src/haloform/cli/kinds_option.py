"""``--kinds``: which managed kinds a command reads, parsed the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterable

from haloform.errors import ConfigError
from haloform.kinds import KINDS, KindSpec
from haloform.load.settings import Project


def chosen_kinds(
    options: Iterable[str], project: Project, *, case_sensitive: bool = True
) -> tuple[KindSpec, ...]:
    """The kinds ``--kinds`` names (comma-separated, or the option repeated), in the
    registry's order; without any, the kinds haloform.yaml manages.

    An unknown name is a haloform error (exit 1), not click's usage error (exit 2), so
    that ``--detailed-exitcode`` never mistakes it for a difference.
    """
    wanted = [word.strip() for option in options for word in option.split(",") if word.strip()]
    if not wanted:
        return tuple(spec for spec in KINDS if spec.kind in project.kinds)
    fold = (lambda word: word) if case_sensitive else str.casefold
    known = {fold(spec.kind): spec for spec in KINDS}
    unknown = [word for word in wanted if fold(word) not in known]
    if unknown:
        names = ", ".join(spec.kind for spec in KINDS)
        raise ConfigError(f"--kinds: unknown kind {unknown[0]!r} (known: {names})")
    chosen = {known[fold(word)] for word in wanted}
    return tuple(spec for spec in KINDS if spec in chosen)
