"""JSON Schemas for the config files, generated from the models they validate against.

Editors (``# yaml-language-server: $schema=...``) then flag a typo as it is typed, with
the same field names and types ``haloform validate`` enforces. The files are checked in
under ``schemas/`` and a test fails when they drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from haloform.kinds import KINDS
from haloform.kinds.offline import OFFLINE_KINDS
from haloform.load.repo import TombstoneModel
from haloform.load.settings import Project

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _document_schema(
    model: type[BaseModel], title: str, kind: str | None, *, tombstone: bool = False
) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    if kind is not None:
        # The file carries `kind:` beside the model's own fields.
        schema["properties"] = {"kind": {"const": kind}, **schema.get("properties", {})}
        schema["required"] = ["kind", *schema.get("required", [])]
    if not tombstone or kind is None:
        return {"$schema": SCHEMA_DIALECT, "title": title, **schema}
    definitions = schema.pop("$defs", {})
    return {
        "$schema": SCHEMA_DIALECT,
        "title": title,
        **_resource_or_tombstone(schema, _tombstone_schema(kind)),
        "$defs": definitions,
    }


def _tombstone_schema(kind: str) -> dict[str, Any]:
    schema = TombstoneModel.model_json_schema(mode="validation")
    schema["properties"] = {**schema["properties"], "kind": {"const": kind}}
    return schema


def _resource_or_tombstone(resource: dict[str, Any], tombstone: dict[str, Any]) -> dict[str, Any]:
    """A document is a tombstone when it says ``deleted`` (as validate decides), else the
    kind's resource: if/then/else keeps an editor's messages about the one that applies."""
    return {
        "if": {"required": ["deleted"]},
        "then": tombstone,
        "else": resource,
    }


def file_name(kind: str) -> str:
    """``Workflow`` -> ``workflow.schema.json``; the names files point editors at."""
    return f"{kind.lower()}.schema.json"


def generate() -> dict[str, str]:
    """Every schema file's name and its exact, byte-stable text."""
    documents = {
        file_name(spec.kind): _document_schema(
            spec.model, f"haloform {spec.kind}", spec.kind, tombstone=True
        )
        for spec in KINDS
    }
    # Offline documents (rule tests) are never sent to Halo, so never deleted there.
    for offline in OFFLINE_KINDS:
        title = f"haloform {offline.kind}"
        documents[file_name(offline.kind)] = _document_schema(offline.model, title, offline.kind)
    documents["haloform.schema.json"] = _document_schema(Project, "haloform.yaml", None)
    return {
        name: json.dumps(doc, indent=2, sort_keys=False) + "\n" for name, doc in documents.items()
    }


def write(out_dir: Path) -> list[Path]:
    """Write every schema into ``out_dir``; returns the files whose text changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in generate().items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale(out_dir: Path) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    return [
        name
        for name, text in generate().items()
        if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != text
    ]
