"""Test results as text (people) and JUnit XML (CI test reports). Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from haloform.analyze.testing import TestResult


def text(results: Sequence[TestResult]) -> str:
    """``PASS``/``FAIL`` per test, each failure's difference indented, then a count."""
    lines = []
    for result in results:
        status = "PASS" if result.passed else "FAIL"
        lines.append(f"{status}  {result.kind} {result.name!r} ({result.location})")
        for failure in result.failures:
            lines.extend(f"      {line}" for line in failure.splitlines())
    failed = sum(not result.passed for result in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines) + "\n"


def junit(results: Sequence[TestResult]) -> str:
    """One ``<testsuite name="haloform">``, a ``<testcase>`` per test (classname = its
    kind, file and line as attributes) and a ``<failure>`` carrying the differences."""
    failed = sum(not result.passed for result in results)
    suite = ET.Element(
        "testsuite",
        {"name": "haloform", "tests": str(len(results)), "failures": str(failed), "errors": "0"},
    )
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": result.kind,
                "name": result.name,
                "file": result.location.file,
                "line": str(result.location.line or 0),
            },
        )
        if result.failures:
            failure = ET.SubElement(
                case, "failure", {"message": result.failures[0].splitlines()[0]}
            )
            failure.text = "\n".join(result.failures)
    ET.indent(suite)
    body = ET.tostring(suite, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


FORMATS = {"text": text, "junit": junit}
