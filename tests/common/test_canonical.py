"""Canonical JSON: one spelling per value."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from haloform.common.canonical import canonical_json, digest, sorted_keys

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=10,
)


def test_key_order_and_spacing_do_not_matter() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == '{"a":[1,{"c":3,"d":2}],"b":1}'
    assert canonical_json({"at": datetime.date(2026, 1, 2)}) == '{"at":"2026-01-02"}'


@given(_JSON)
def test_the_text_reads_back_as_the_value(value: Any) -> None:
    assert json.loads(canonical_json(value)) == value


def test_digest_is_the_sha256_of_the_canonical_text() -> None:
    value = {"z": 1, "a": "x"}
    assert digest(value) == hashlib.sha256(b'{"a":"x","z":1}').hexdigest()
    assert digest({"a": "x", "z": 1}) == digest(value)
    assert digest({"a": "x", "z": 2}) != digest(value)


def test_sorted_keys_sorts_every_mapping_and_lists_every_sequence() -> None:
    value = {"b": ({"y": 1, "x": 2},), 1: "one"}
    assert list(sorted_keys(value)) == ["1", "b"]
    assert sorted_keys(value)["b"] == [{"x": 2, "y": 1}]
    assert list(sorted_keys(value)["b"][0]) == ["x", "y"]
    assert sorted_keys("text") == "text"
