"""Fingerprints of live records: how a saved plan knows whether the tenant moved.

A fingerprint is taken of the fullest record the plan had anyway: the detail when the
diff needed one (a workflow's steps), else the list row. Re-checking then costs what
planning cost, one list per kind plus the same detail GETs, instead of one request per
changed record; a mass edit of a thousand rules stays within Halo's rate limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from haloform.kinds import KindSpec
from haloform.resolve.index import TenantIndex
from haloform.resolve.portable import fingerprint

Basis = Literal["row", "detail", "lists"]
"""What was fingerprinted: the list row, the detail, or the row completed from the
kind's child lists (``fetch.children``); a re-check reads the same way."""


def stamp(spec: KindSpec, record: Mapping[str, Any], basis: Basis) -> str:
    """``basis:digest`` of the record in its own ids, independent of the repo and of
    lookups, so ``apply PLAN`` can recompute it from the tenant alone."""
    return f"{basis}:{fingerprint(spec, record, TenantIndex())}"


def basis_of(stamped: str | None) -> Basis:
    prefix = (stamped or "").partition(":")[0]
    return "detail" if prefix == "detail" else "lists" if prefix == "lists" else "row"
