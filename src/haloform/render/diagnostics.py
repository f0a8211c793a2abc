"""``haloform validate`` findings for a person, a program, or a pull request's diff.

``github`` prints GitHub Actions workflow commands (``::error file=..,line=..,col=..::
message``; warnings as ``::warning``), which GitHub shows on the changed lines of the
PR. Their values are escaped as the runner requires, so a message holding a newline,
``%`` or ``::`` cannot end the command early or forge another.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from haloform.diagnostics import Diagnostic, Diagnostics
from haloform.load.validate import summary


def text(diagnostics: Diagnostics) -> str:
    return "".join(f"{line}\n" for line in summary(diagnostics))


def as_json(diagnostics: Diagnostics) -> str:
    body = {
        "errors": len(diagnostics.errors),
        "warnings": len(diagnostics.warnings),
        "diagnostics": [_item(d) for d in diagnostics],
    }
    return json.dumps(body, indent=2) + "\n"


def _item(diagnostic: Diagnostic) -> dict[str, Any]:
    where = diagnostic.location
    return {
        "severity": diagnostic.severity.value,
        "file": where.file if where else None,
        "line": where.line if where else None,
        "column": where.column if where else None,
        "field": diagnostic.field,
        "message": diagnostic.message,
    }


def github(diagnostics: Diagnostics) -> str:
    return "".join(f"{_command(d)}\n" for d in diagnostics)


def _command(diagnostic: Diagnostic) -> str:
    where = diagnostic.location
    properties = []
    if where is not None:
        properties.append(f"file={_property(where.file)}")
        if where.line is not None:
            properties.append(f"line={where.line}")
        if where.column is not None:
            properties.append(f"col={where.column}")
    message = (
        f"{diagnostic.field}: {diagnostic.message}" if diagnostic.field else diagnostic.message
    )
    head = diagnostic.severity.value
    joined = f" {','.join(properties)}" if properties else ""
    return f"::{head}{joined}::{_data(message)}"


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


FORMATS: Mapping[str, Callable[[Diagnostics], str]] = MappingProxyType(
    {"text": text, "json": as_json, "github": github}
)
"""``haloform validate --format`` choices."""
