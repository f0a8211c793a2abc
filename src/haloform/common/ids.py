"""The two identities haloform matches on: a record's guid and its tenant id.

Halo may answer a guid in another case or in braces, and a stand-in may send an id as
a digit string; every comparison goes through these functions so that one spelling
and one sentinel hold everywhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any


def parse_guid(value: object) -> uuid.UUID | None:
    """The guid ``value`` spells, or None when it spells none."""
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None


def canonical_guid(value: object) -> str:
    """One spelling per guid: canonical lower-case when it parses, else the text folded
    (so a malformed guid still matches itself however it was cased); "" for none."""
    if value is None:
        return ""
    parsed = parse_guid(value)
    return str(parsed) if parsed is not None else str(value).strip().casefold()


def record_id(row: Mapping[str, Any]) -> int | None:
    """A record's tenant id (an int, or a digit string from a looser stand-in); None
    when the row carries none a request could address."""
    return as_id(row.get("id"))


def as_id(value: object) -> int | None:
    """An id-valued field (``id``, ``workflow_id``, ``status``...) as an int, whichever
    plausible spelling a tenant answers with; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def known_id(row: Mapping[str, Any]) -> int:
    """``record_id`` of a row the live reader already accepted (it refuses rows without
    an id), so a missing one here is a bug, not a tenant's answer."""
    value = record_id(row)
    if value is None:
        raise ValueError(f"a live row without an id reached the planner: {row.get('guid')}")
    return value


def is_tenant_id(value: object) -> bool:
    """Whether a number in an id field is a tenant's own record: not 0 ("not set"), not
    negative (Halo's own codes, the same on every tenant: ``action_id: -29`` is "SQL
    result", ``new_flow_id: -1`` "no switch"; database ids start at 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
