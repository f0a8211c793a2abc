"""Every criteria type code of docs/halo-api.md, evaluated against tickets, offline."""

from __future__ import annotations

from typing import Any

import pytest

from haloform.analyze.criteria import Condition, evaluate
from haloform.kinds.criteria import Criterion
from haloform.kinds.refs import lookup_ref


def condition(**fields: Any) -> Condition:
    return Condition.of(Criterion.model_validate({"fieldname": "f", **fields}))


P1 = {"priority": "P1 Critical"}


@pytest.mark.parametrize(
    ("criterion", "value", "expected"),
    [
        # 0 is equal to: names compare without case; a reference equals its plain name
        ({"type": 0, "value_int": P1}, lookup_ref("priority", "p1 critical"), True),
        ({"type": 0, "value_int": P1}, "P1 Critical", True),
        ({"type": 0, "value_int": P1}, "P2 High", False),
        ({"type": 0, "value_int": 3}, 3, True),
        ({"type": 0, "value_int": 3}, "3", True),
        ({"type": 0, "value_string": "Disk"}, "disk", True),
        ({"type": 0, "value_string": "disk"}, None, False),
        # partialmatch: equal becomes contains
        ({"type": 0, "value_string": "disk", "partialmatch": True}, "disk full", True),
        ({"type": 0, "value_string": "disk"}, "disk full", False),
        # matchseparatedvalues: any comma-separated item
        ({"type": 0, "value_string": "a, b", "matchseparatedvalues": True}, "b", True),
        # 1 is not equal to; an empty field equals nothing
        ({"type": 1, "value_int": P1}, "P2 High", True),
        ({"type": 1, "value_int": P1}, "P1 Critical", False),
        ({"type": 1, "value_int": P1}, None, True),
        ({"type": 1, "value_string": "disk", "partialmatch": True}, "disk full", False),
        # 2 contains / 3 does not contain
        ({"type": 2, "value_string": "Network"}, "core network down", True),
        ({"type": 2, "value_string": "network"}, "printer", False),
        ({"type": 2, "value_string": "network"}, None, False),
        ({"type": 3, "value_string": "network"}, "printer", True),
        ({"type": 3, "value_string": "network"}, "network", False),
        ({"type": 3, "value_string": "network"}, None, True),
        # 5 > / 6 >= / 7 < / 8 <=
        ({"type": 5, "value_int": 3}, 4, True),
        ({"type": 5, "value_int": 3}, 3, False),
        ({"type": 6, "value_int": 3}, 3, True),
        ({"type": 7, "value_float": 2.5}, 2, True),
        ({"type": 7, "value_float": 2.5}, 3, False),
        ({"type": 8, "value_int": 3}, 3, True),
        ({"type": 8, "value_int": 3}, None, False),
        ({"type": 5, "value_datetime": "2026-01-01T00:00:00"}, "x", None),
        # 23 includes / 24 does not include: comma-separated sets, exact per item
        ({"type": 23, "value_string": "red, green"}, "green", True),
        ({"type": 23, "value_string": "red, green"}, "gree", False),
        ({"type": 23, "value_string": "red,green"}, ["blue", "red"], True),
        ({"type": 23, "value_string": "red,green"}, None, False),
        ({"type": 24, "value_string": "red, green"}, "blue", True),
        ({"type": 24, "value_string": "red, green"}, "red", False),
        ({"type": 24, "value_string": "red, green"}, None, True),
        # 29 has a value / 30 does not / -10 any value
        ({"type": 29}, "x", True),
        ({"type": 29}, None, False),
        ({"type": 29}, "", False),
        ({"type": 30}, None, True),
        ({"type": 30}, 0, False),
        ({"type": -10}, None, True),
        ({"type": -10}, "x", True),
        # undecidable: unknown code, a name against a tenant id, no type
        ({"type": 4, "value_int": 1}, 1, None),
        ({"type": 0, "value_int": P1}, 1, None),
        ({"type": 5, "value_int": P1}, "P2 High", None),
        ({"value_int": 1}, 1, None),
    ],
)
def test_each_type_code(criterion: dict[str, Any], value: object, expected: bool | None) -> None:
    ticket = {} if value is None else {"f": value}
    assert evaluate(condition(**criterion), ticket) is expected


def test_a_field_of_another_table_is_undecidable() -> None:
    found = condition(type=0, value_string="x", tablename="users")
    assert evaluate(found, {"f": "x"}) is None


def test_the_ticket_table_by_name_is_the_ticket() -> None:
    found = condition(type=0, value_string="x", tablename="FAULTS")
    assert evaluate(found, {"f": "x"}) is True


def test_value_type_picks_the_value_field_over_zero_filled_others() -> None:
    found = condition(type=0, value_type="string", value_int=0, value_string="disk")
    assert evaluate(found, {"f": "disk"}) is True
    assert evaluate(condition(type=0, value_int=0, value_string="disk"), {"f": "disk"}) is None
