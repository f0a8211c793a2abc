"""Canonical JSON: one spelling of a value, whatever order its keys came in.

Plan digests, live fingerprints, export's sort keys and every "is this the same value"
test compare values by this spelling, so it is defined once: keys sorted, no spaces,
anything JSON cannot hold (a date) as its ``str``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any


def canonical_json(value: Any) -> str:
    """``value`` as compact JSON with sorted keys: equal values, equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def digest(value: Any) -> str:
    """A SHA-256 (hex) of ``value``'s canonical JSON."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def sorted_keys(value: Any) -> Any:
    """``value`` with its mappings' keys sorted (as text) at every depth and sequences
    as lists, so that JSON written from it does not follow dict order."""
    if isinstance(value, Mapping):
        return {str(key): sorted_keys(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [sorted_keys(item) for item in value]
    return value
