"""Small config repos on disk: files by relative path, written exactly as a person would.

Text is dedented so tests can indent it with the code; documents given as dicts (the
builders of ``tests/kinds/documents.py``) are dumped in block style, one ``---`` each.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.kinds import documents

Files = Mapping[str, str | Sequence[Mapping[str, Any]]]


def write_repo(root: Path, files: Files) -> Path:
    """Write ``files`` (relative path -> YAML text or documents) under ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml_text(content), encoding="utf-8")
    return root


def yaml_text(content: str | Sequence[Mapping[str, Any]]) -> str:
    """Dedented text as is, or documents dumped in block style."""
    if isinstance(content, str):
        return textwrap.dedent(content).lstrip("\n")
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    stream = io.StringIO()
    yaml.dump_all([dict(document) for document in content], stream)
    return stream.getvalue()


def problem_workflow() -> dict[str, Any]:
    """The workflow ``documents.workflow()`` hands tickets over to, by name and guid."""
    return {
        "kind": "Workflow",
        "guid": documents.PROBLEM_GUID,
        "name": "Problem Management",
        "steps": [
            {
                "step_id": 1,
                "name": "Investigate",
                "isstart": True,
                "actions": [{"action_id": {"outcome": "Resolve"}, "end_step": 2}],
            },
            {"step_id": 2, "name": "Closed", "isend": True},
        ],
    }


def consistent_repo(root: Path) -> Path:
    """One document of each kind, every reference resolvable inside the repo."""
    return write_repo(
        root,
        {
            "workflows/incident.yaml": [documents.workflow()],
            "workflows/problem.yaml": [problem_workflow()],
            "ticket-rules/p1.yaml": [documents.ticket_rule()],
            "event-rules/rmm.yaml": [documents.event_rule()],
        },
    )
