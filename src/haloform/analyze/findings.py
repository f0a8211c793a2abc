"""Lint findings: what was judged, where, how bad, and how to silence it.

Every finding carries a rule id so that a document can say, in a comment anywhere in
it, ``# haloform: ignore[rule-id]`` (several ids separated by commas): a reviewed,
deliberate exception stays visible in the file that makes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from haloform.diagnostics import Location, Severity
from haloform.load.repo import Sourced

_IGNORE = re.compile(r"#\s*haloform:\s*ignore\[([^\]]*)\]")

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
"""Every rule id lint reports, its severity and what it means."""


@dataclass(frozen=True, order=True)
class LintFinding:
    """One judgement about one resource, located at the field it is about."""

    location: Location
    rule: str
    message: str
    resource: str
    """``Kind/<guid>``: the resource the finding is about."""
    related: tuple[str, ...] = ()
    """The other resources it names (``Kind/<guid>``), e.g. the rule that shadows."""

    @property
    def severity(self) -> Severity:
        return LINT_RULES[self.rule][0]

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}[{self.rule}]: {self.message}"


def key(item: Sourced) -> str:
    """``Kind/<guid>``: how a plan names the resources it touches."""
    kind = str(item.document.kind)
    guid = getattr(item, "guid", "")
    return f"{kind}/{guid}"


def ignored(item: Sourced) -> frozenset[str]:
    """The rule ids a document's ``# haloform: ignore[...]`` comments silence."""
    found: set[str] = set()
    for match in _IGNORE.finditer(item.document.source):
        found.update(part.strip() for part in match.group(1).split(",") if part.strip())
    return frozenset(found)
