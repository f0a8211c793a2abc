"""What examples/ declares, counted from its files so that an example added for a new
kind changes no test: one ``guid:`` line per resource document."""

from __future__ import annotations

import re
from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "examples"

RESOURCE_COUNT = sum(
    len(re.findall(r"^guid: ", path.read_text(encoding="utf-8"), re.MULTILINE))
    for path in sorted(EXAMPLES.glob("*/*.yaml"))
)
"""How many resources the examples declare."""
