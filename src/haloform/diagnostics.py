"""Problems found in a config repo, each with where it is and what was expected.

Checks collect every problem instead of stopping at the first, because an admin fixing
a pull request wants the whole list at once. ``Diagnostics.raise_for_errors`` turns the
collection into a single ``ConfigError`` when something must stop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from haloform.common.text import visible
from haloform.errors import ConfigError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based, as editors show them."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One problem: ``file:line:col: error: steps[1].end_step: no step 9 in this workflow``."""

    message: str
    location: Location | None = None
    field: str | None = None
    """The field's path inside the resource, e.g. ``steps[0].actions[1].end_step``."""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"{self.field}: " if self.field else ""
        return visible(f"{where}{self.severity.value}: {what}{self.message}", keep="\n")

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (
            loc.file if loc else "",
            (loc.line or 0) if loc else 0,
            (loc.column or 0) if loc else 0,
            self.message,
        )


@dataclass
class Diagnostics:
    """An ordered collection of problems with the helpers every check needs."""

    items: list[Diagnostic] = field(default_factory=list)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(self.items, key=Diagnostic.sort_key))

    def __len__(self) -> int:
        return len(self.items)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def error(
        self, message: str, location: Location | None = None, field: str | None = None
    ) -> None:
        self.add(Diagnostic(message, location, field, Severity.ERROR))

    def warning(
        self, message: str, location: Location | None = None, field: str | None = None
    ) -> None:
        self.add(Diagnostic(message, location, field, Severity.WARNING))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self if d.severity is Severity.WARNING]

    def raise_for_errors(self, summary: str = "the configuration has errors") -> None:
        """Raise one ``ConfigError`` listing every error (warnings are not fatal)."""
        errors = self.errors
        if errors:
            raise ConfigErrors(summary, errors)


class ConfigErrors(ConfigError):
    """Several located problems at once; its message lists them all, one per line."""

    def __init__(self, summary: str, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        count = len(diagnostics)
        lines = "\n".join(f"  {d}" for d in diagnostics)
        super().__init__(f"{summary} ({count} {'error' if count == 1 else 'errors'}):\n{lines}")
