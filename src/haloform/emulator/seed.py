"""Fill a new database with the tenant directory from a YAML seed file.

Seeding happens once per database: a restart on an existing file keeps whatever the
tenant became (deleted events stay deleted), as a real tenant would.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from haloform.emulator.kinds import GUID_KEYED, SEEDED
from haloform.emulator.store import Doc, Store

_SEEDED_FLAG = "seeded"


class SeedError(ValueError):
    """The seed file is not a mapping of known kinds to lists of records with ids."""


def load_seed(path: str | None) -> dict[str, list[Doc]]:
    """Read a seed file, or the built-in one when ``path`` is None."""
    if path is None:
        text = resources.files("haloform.emulator").joinpath("default_seed.yaml").read_text()
    else:
        text = Path(path).read_text(encoding="utf-8")
    return _checked(YAML(typ="safe").load(text) or {}, path or "default_seed.yaml")


def ensure_seeded(store: Store, seed: dict[str, list[Doc]], id_offset: int) -> None:
    """Load the seed into a database that has never been seeded."""
    if store.meta(_SEEDED_FLAG) is not None:
        return
    with store.transaction():
        for kind, rows in seed.items():
            for row in rows:
                _insert(store, kind, _shifted(row, id_offset))
        store.set_meta(_SEEDED_FLAG, "1")


def _insert(store: Store, kind: str, row: Doc) -> None:
    int_key = GUID_KEYED.get(kind, "id")
    rid = int(row[int_key])
    guid = row["id"] if kind in GUID_KEYED else None
    store.put(kind, rid, row, guid=guid)
    store.raise_counter(kind, rid)


def _shifted(value: Any, offset: int, key: str = "") -> Any:
    """Tenant ids are integers under keys named ``id`` or ending in ``id``."""
    if isinstance(value, dict):
        return {k: _shifted(v, offset, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, offset, key) for v in value]
    is_id = key.lower().endswith("id") and isinstance(value, int) and not isinstance(value, bool)
    return value + offset if is_id else value


def _checked(data: Any, source: str) -> dict[str, list[Doc]]:
    if not isinstance(data, dict):
        raise SeedError(f"{source}: expected a mapping of kinds to lists of records")
    unknown = sorted(set(data) - SEEDED)
    if unknown:
        raise SeedError(f"{source}: unknown kinds {unknown}; a seed may hold {sorted(SEEDED)}")
    for kind, rows in data.items():
        int_key = GUID_KEYED.get(kind, "id")
        if not isinstance(rows, list) or not all(
            isinstance(row, dict) and isinstance(row.get(int_key), int) for row in rows
        ):
            raise SeedError(f"{source}: {kind} must be a list of records with an integer {int_key}")
    return data
