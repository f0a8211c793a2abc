"""Lint findings as text (people), JSON (tools) and GitHub workflow commands (CI
annotations on the pull request's diff). Pure: report in, text out."""

from __future__ import annotations

import json

from haloform.analyze.lint import LintReport


def text(report: LintReport) -> str:
    """One line per finding (``file:line: severity[rule-id]: message``), then a count."""
    lines = [str(finding) for finding in report.findings]
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}")
    return "\n".join(lines) + "\n"


def as_json(report: LintReport) -> str:
    """``{"findings": [...], "errors": N, "warnings": N}``, byte-stable."""
    findings = [
        {
            "file": finding.location.file,
            "line": finding.location.line,
            "rule": finding.rule,
            "severity": finding.severity.value,
            "message": finding.message,
            "resource": finding.resource,
            "related": list(finding.related),
        }
        for finding in report.findings
    ]
    document = {
        "findings": findings,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
    }
    return json.dumps(document, indent=2) + "\n"


def github(report: LintReport) -> str:
    """``::error file=F,line=L,title=RULE::message`` lines GitHub Actions turns into
    annotations."""
    lines = []
    for finding in report.findings:
        where = f"file={_escape(finding.location.file, True)}"
        if finding.location.line is not None:
            where += f",line={finding.location.line}"
        title = _escape(f"haloform {finding.rule}", True)
        lines.append(
            f"::{finding.severity.value} {where},title={title}::{_escape(finding.message)}"
        )
    return "".join(line + "\n" for line in lines)


def _escape(value: str, property_value: bool = False) -> str:
    """GitHub's escaping of workflow command data (and, more strictly, properties)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


FORMATS = {"text": text, "json": as_json, "github": github}
