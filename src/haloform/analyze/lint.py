"""``haloform lint``: judgement about a repo that loads and validates cleanly.

``validate`` answers "will Halo accept this"; lint answers "will it do what was
meant": rules that can never fire, orders nobody chose, steps a ticket cannot leave.
Findings come sorted by file and line, suppressed per document by
``# haloform: ignore[rule-id]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from haloform.analyze.findings import LintFinding, key
from haloform.analyze.lint_rules import rule_findings
from haloform.analyze.lint_workflows import workflow_findings
from haloform.diagnostics import Severity
from haloform.load.repo import Repo


@dataclass(frozen=True)
class LintReport:
    """Every finding of one run, in file and line order."""

    findings: tuple[LintFinding, ...]

    @property
    def errors(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def fails(self, *, strict: bool = False) -> bool:
        """Whether the run fails: any error, or with ``strict`` any finding at all."""
        return bool(self.findings if strict else self.errors)


def lint(repo: Repo) -> LintReport:
    """Judge a loaded repo (its integrity is ``validate``'s job and checked first by
    the caller: analysing a repo whose references dangle would mislead)."""
    silenced = {key(item): item.ignored for item in repo.resources}
    found = [*rule_findings(repo), *workflow_findings(repo)]
    kept = {
        f
        for f in found
        if f.rule not in repo.diagnostics.ignore
        and f.rule not in silenced.get(f.resource, frozenset())
    }
    return LintReport(tuple(sorted(kept)))


def findings_for(repo: Repo, keys: Iterable[str]) -> list[LintFinding]:
    """The lint findings about, or naming, any of ``keys`` (``Kind/<guid>``): what a
    plan that touches those resources shows its reviewers beside the changes."""
    wanted = set(keys)
    return [f for f in lint(repo).findings if f.resource in wanted or wanted & set(f.related)]
