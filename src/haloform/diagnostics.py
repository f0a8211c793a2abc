"""Problems found in a config repo, each with where it is and what was expected.

Checks collect every problem instead of stopping at the first, because an admin fixing
a pull request wants the whole list at once. ``Diagnostics.raise_for_errors`` turns the
collection into a single ``ConfigError`` when something must stop.

Every warning has a code, and so does every lint finding: a code is what an admin
silences once they have decided, with ``# haloform: ignore[code]`` in the document or
``ignore: [code]`` in haloform.yaml for the whole repo. Errors have no code: they
cannot be silenced.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from haloform.common.text import visible
from haloform.errors import ConfigError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


WARNING_CODES: Mapping[str, str] = {
    "tenant-id": "a tenant's own numeric id where a reference by name belongs",
    "unmanaged-reference": "a reference to a resource the repo does not manage: plan "
    "resolves it in the tenant",
    "unresolvable-reference": "a reference to a lookup Halo's API cannot list",
    "unreachable-step": "a workflow step that no action leads to",
    "dangling-step": "a workflow action leading to a step the workflow does not have",
    "unmodelled-field": "a field Halo answered that haloform keeps without modelling it",
    "empty-file": "a YAML file that holds no resource",
}
"""What ``validate`` (and ``plan``, which validates first) warns about, by code."""

LINT_RULES: Mapping[str, tuple[Severity, str]] = {
    "unreachable-rule": (
        Severity.ERROR,
        "a rule that can never match: a higher-precedence stopmatching rule with the same "
        "'use' matches every ticket it matches",
    ),
    "contradictory-criteria": (Severity.ERROR, "a rule whose criteria contradict each other"),
    "inactive-workflow": (Severity.ERROR, "tickets are sent to an inactive workflow"),
    "step-no-way-out": (
        Severity.ERROR,
        "a step that is not an end step and has no action (nor always-allowed action)",
    ),
    "step-unreachable": (Severity.ERROR, "a step no action reaches from the start step"),
    "step-dead-end": (Severity.ERROR, "a step from which no end step can be reached"),
    "ambiguous-order": (
        Severity.WARNING,
        "rules of equal precedence whose criteria overlap: their order is undefined",
    ),
    "identical-rules": (Severity.WARNING, "two rules that match and set the same"),
    "workflow-switch-loop": (Severity.WARNING, "workflows that switch tickets to each other"),
    "event-key-overlap": (
        Severity.WARNING,
        "event rules with the same event_key whose criteria overlap",
    ),
}
"""Every rule id ``lint`` reports, its severity and what it means."""

SILENCEABLE = frozenset(WARNING_CODES) | frozenset(LINT_RULES)
"""The codes ``ignore`` accepts."""


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
    code: str | None = None
    """A warning's code (``WARNING_CODES``), which ``ignore`` silences."""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"{self.field}: " if self.field else ""
        kind = f"{self.severity.value}[{self.code}]" if self.code else self.severity.value
        return visible(f"{where}{kind}: {what}{self.message}", keep="\n")

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
    ignore: frozenset[str] = frozenset()
    """Warning codes the repo silences (haloform.yaml's ``ignore``)."""
    silenced: int = 0
    """Warnings not kept because an ``ignore`` named their code."""

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
        self,
        message: str,
        location: Location | None = None,
        field: str | None = None,
        code: str | None = None,
    ) -> None:
        if code is None or not self.silences(code):
            self.add(Diagnostic(message, location, field, Severity.WARNING, code))

    def silences(self, code: str, ignored: frozenset[str] = frozenset()) -> bool:
        """Whether a warning of ``code`` is silenced, by the repo's ``ignore`` or by
        ``ignored`` (a document's own); one that is, is counted."""
        if code in self.ignore or code in ignored:
            self.silenced += 1
            return True
        return False

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
