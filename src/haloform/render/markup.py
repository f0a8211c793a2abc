"""Markdown that cannot be broken by what it shows: escaping and fenced blocks.

Names and values come from files and tenants, so everything outside a code fence is
escaped as HTML character references: a rule called ``<script>`` or ``a | b`` renders
as itself and cannot inject markup or break a table. Inside a fence nothing is
interpreted; the fence is made longer than any backtick run in the content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from haloform.render import values

_SPECIAL = re.compile(r"[&<>|\\`*_\[\]~#!@]")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """``text`` safe in a table cell, a line of Markdown and raw HTML alike.

    Character references work in all three (unlike backslash escapes, which HTML
    blocks such as ``<summary>`` show literally), and a newline cannot end a table row.
    """
    return _SPECIAL.sub(lambda match: f"&#{ord(match.group())};", values.printable(text))


def fenced(language: str, lines: Sequence[str]) -> str:
    """A fenced code block no line of the content can close early."""
    fence = _fence(lines)
    body = "".join(f"{line}\n" for line in lines)
    return f"{fence}{language}\n{body}{fence}\n"


def details_block(summary: str, lines: Sequence[str]) -> str:
    """A collapsed block around a ``diff`` fence (GitHub colours ``-`` red, ``+`` green);
    ``summary`` is HTML, already escaped."""
    return f"<details><summary>{summary}</summary>\n\n{fenced('diff', lines)}\n</details>\n\n"


def _fence(lines: Sequence[str]) -> str:
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    return "`" * max(3, longest + 1)
