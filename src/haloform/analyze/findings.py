"""Lint findings: what was judged, where, how bad, and how to silence it.

Every finding carries a rule id (``diagnostics.LINT_RULES``) so that a document can
say, in a comment anywhere in it, ``# haloform: ignore[rule-id]`` (several ids
separated by commas), or haloform.yaml ``ignore: [rule-id]`` for the whole repo: a
reviewed, deliberate exception stays visible in the file that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from haloform.diagnostics import LINT_RULES, Location, Severity
from haloform.load.repo import Sourced


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
