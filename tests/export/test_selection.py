"""Which live resources an export takes: ``--match`` patterns and ``import`` picks."""

from __future__ import annotations

import pytest

from haloform.errors import ConfigError
from haloform.export.selection import NameFilter, Selection, parse_picks
from haloform.kinds import KINDS, by_kind

RULE, FLOW = by_kind("TicketRule"), by_kind("Workflow")
assert RULE is not None and FLOW is not None


@pytest.mark.parametrize(
    ("pattern", "name", "wanted"),
    [
        ("p1*", "P1 to Network team", True),
        ("*network*", "P1 to Network team", True),
        ("P?", "P1", True),
        ("P[12] *", "P2 escalations", True),
        ("P1", "P1 to Network team", False),
        ("*x", "P1 to Network team", False),
    ],
)
def test_a_pattern_matches_shell_style_in_any_case(pattern: str, name: str, wanted: bool) -> None:
    assert NameFilter((pattern,)).wants(RULE, {"name": name}) is wanted


def test_a_filter_matching_nothing_is_an_error_naming_the_kinds() -> None:
    rows = {RULE: [{"name": "P1"}], FLOW: [{"name": "Incident"}]}
    with pytest.raises(ConfigError, match=r"no TicketRule, Workflow .* matching 'Q\*'"):
        NameFilter(("Q*",)).check_found(rows)
    NameFilter(("Q*", "inc*")).check_found(rows)


def test_a_pick_matches_its_kind_by_name_or_guid_only() -> None:
    (pick,) = parse_picks(["ticketrule/P1 to Netwrk"], KINDS)
    selection = Selection((pick,))
    assert selection.wants(RULE, {"name": "p1 to netwrk"})
    assert not selection.wants(FLOW, {"name": "P1 to Netwrk"})
    with pytest.raises(ConfigError, match="did you mean 'P1 to Network'"):
        selection.check_found({RULE: [{"name": "P1 to Network"}]})
