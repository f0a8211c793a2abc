"""Read-only JSON values: written like plain ones, changed by nothing."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
from pydantic import BaseModel

from haloform.common.frozen import FrozenDict, FrozenJson, FrozenList, freeze

VALUE = {"b": [1, {"c": [2, 3]}], "a": None, "t": (4, 5)}


def test_freezing_copies_every_mapping_and_list() -> None:
    frozen = freeze(VALUE)
    assert isinstance(frozen, FrozenDict) and isinstance(frozen["b"], FrozenList)
    assert isinstance(frozen["b"][1], FrozenDict) and isinstance(frozen["t"], FrozenList)
    assert json.dumps(frozen) == json.dumps(VALUE)
    assert frozen == {"b": [1, {"c": [2, 3]}], "a": None, "t": [4, 5]}


@pytest.mark.parametrize(
    "change",
    [
        lambda v: v.__setitem__("a", 1),
        lambda v: v.pop("a"),
        lambda v: v.setdefault("z", 1),
        lambda v: v.clear(),
        lambda v: v["b"].append(1),
        lambda v: v["b"].sort(),
        lambda v: v["b"].__setitem__(0, 9),
        lambda v: v["b"][1]["c"].extend([1]),
        lambda v: v["b"][1].update(c=1),
    ],
)
def test_every_change_in_place_raises(change: Any) -> None:
    frozen = freeze(VALUE)
    with pytest.raises(TypeError):
        change(frozen)
    assert frozen == freeze(VALUE)


def test_copies_and_pickles_stay_frozen() -> None:
    frozen = freeze(VALUE)
    for again in (copy.deepcopy(frozen), copy.copy(frozen), pickle.loads(pickle.dumps(frozen))):
        assert again == frozen and isinstance(again, FrozenDict)
        with pytest.raises(TypeError):
            again["b"][1]["c"].append(1)
    assert hash(frozen) == hash(freeze(VALUE))


class _Holder(BaseModel):
    value: FrozenJson = None


def test_a_model_field_holds_it_frozen_and_dumps_it_plain() -> None:
    holder = _Holder(value=VALUE)
    with pytest.raises(TypeError):
        holder.value["b"].append(1)
    assert (
        holder.model_dump_json()
        == _Holder.model_validate_json(holder.model_dump_json()).model_dump_json()
    )
    assert json.loads(holder.model_dump_json())["value"] == json.loads(json.dumps(VALUE))
