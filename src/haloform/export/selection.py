"""Which live resources an export takes: all of them, those whose name matches
``export --match``, or the few ``import`` names.

``haloform import Workflow/Incident TicketRule/"P1 to Network"`` adopts resources one
at a time, the way Terraform's import does: only those are read in full and written,
and no other document of the repo is touched. A name matches in any letter case; a
guid matches too, for records whose names are not unique.

``haloform export --match 'P1*'`` reads in full and writes only the resources whose
names match: every one costs a request, and a tenant of 1,000 rules takes a quarter
of an hour at Halo's rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from haloform.common.ids import canonical_guid
from haloform.errors import ConfigError
from haloform.kinds import KindSpec
from haloform.load.located import did_you_mean


@dataclass(frozen=True)
class Pick:
    """One ``KIND/NAME`` (or ``KIND/GUID``) as typed."""

    spec: KindSpec
    name: str

    @property
    def label(self) -> str:
        return f"{self.spec.kind}/{self.name}"

    def matches(self, spec: KindSpec, row: Mapping[str, Any]) -> bool:
        if spec is not self.spec:
            return False
        wanted = self.name.casefold()
        return wanted in (str(row.get("name", "")).casefold(), canonical_guid(row.get("guid")))


def parse_picks(texts: Iterable[str], known: Iterable[KindSpec]) -> tuple[Pick, ...]:
    """``KIND/NAME`` words as picks; a kind outside ``known`` is an error that lists them."""
    allowed = {spec.kind.casefold(): spec for spec in known}
    picks: list[Pick] = []
    for text in texts:
        kind, slash, name = text.partition("/")
        spec = allowed.get(kind.casefold()) if slash and name.strip() else None
        if spec is None:
            choices = ", ".join(f"{s.kind}/NAME" for s in allowed.values())
            raise ConfigError(f"{text!r} names no resource: write KIND/NAME ({choices})")
        picks.append(Pick(spec, name.strip()))
    return tuple(picks)


@dataclass(frozen=True)
class Selection:
    """The picks of one import; ``None`` in a request means everything."""

    picks: tuple[Pick, ...]

    def wants(self, spec: KindSpec, row: Mapping[str, Any]) -> bool:
        return any(pick.matches(spec, row) for pick in self.picks)

    def check_found(self, rows: Mapping[KindSpec, Sequence[Mapping[str, Any]]]) -> None:
        """Every pick must match a live record: a typo is an error with a suggestion,
        before anything is read in full or written."""
        problems = []
        for pick in self.picks:
            candidates = rows.get(pick.spec, [])
            if not any(pick.matches(pick.spec, row) for row in candidates):
                names = [str(row.get("name", "")) for row in candidates]
                problems.append(
                    f"no {pick.spec.kind} named {pick.name!r} in the tenant"
                    f"{did_you_mean(pick.name, names)}"
                )
        if problems:
            raise ConfigError("; ".join(problems) + " (nothing was written)")


@dataclass(frozen=True)
class NameFilter:
    """``export --match``: resources whose name matches any of the patterns, shell-style
    (``*``, ``?``, ``[...]``) and in any letter case."""

    patterns: tuple[str, ...]

    def wants(self, spec: KindSpec, row: Mapping[str, Any]) -> bool:
        name = str(row.get("name", "")).casefold()
        return any(fnmatchcase(name, pattern.casefold()) for pattern in self.patterns)

    def check_found(self, rows: Mapping[KindSpec, Sequence[Mapping[str, Any]]]) -> None:
        """A filter that matches nothing is a mistake, not an empty export."""
        if any(self.wants(spec, row) for spec, found in rows.items() for row in found):
            return
        kinds = ", ".join(spec.kind for spec in rows) or "no kind"
        shown = " or ".join(repr(pattern) for pattern in self.patterns)
        raise ConfigError(
            f"no {kinds} in the tenant has a name matching {shown} (nothing was written)"
        )
