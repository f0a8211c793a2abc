"""Issue 15: a null never passes silently, and no integer outside int32 reaches Halo;
both are errors naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from haloform.load.repo import load_repo
from tests.security.servers import haloform

HEAD = "kind: TicketRule\nguid: 0d5c8f52-35a4-4c36-9d53-1f0a4b7e2c11\nname: R\n"


def messages(root: Path, body: str) -> list[str]:
    (root / "ticket-rules").mkdir(parents=True, exist_ok=True)
    (root / "ticket-rules" / "r.yaml").write_text(HEAD + body, encoding="utf-8")
    return [str(problem) for problem in load_repo(root).diagnostics]


@pytest.mark.parametrize("field", ["new_agent_id", "new_team"])
def test_a_null_on_a_clearable_field_is_accepted(tmp_path: Path, field: str) -> None:
    """It clears the field (issue 16): see tests/e2e/test_zero_filled.py."""
    assert messages(tmp_path, f"{field}: null\n") == []


def test_a_null_where_halo_has_no_unset_value_is_an_error_naming_the_field(
    tmp_path: Path,
) -> None:
    [problem] = messages(tmp_path, "precedence: null\n")
    assert problem.startswith(f"{tmp_path}/ticket-rules/r.yaml:4:")
    assert "precedence: null clears a field, and Halo has no 'not set' value" in problem


@pytest.mark.parametrize(
    ("value", "refused"),
    [(2**31 - 1, False), (2**31, True), (-(2**31), False), (-(2**31) - 1, True)],
)
def test_integers_outside_int32_are_errors(tmp_path: Path, value: int, refused: bool) -> None:
    found = messages(tmp_path, f"precedence: {value}\n")
    if refused:
        assert found == [
            f"{tmp_path}/ticket-rules/r.yaml:4:1: error: precedence: {value} is outside "
            "Halo's integer range (-2147483648 to 2147483647)"
        ]
    else:
        assert found == []


def test_plan_refuses_an_unclearable_null_before_reading_the_tenant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    messages(tmp_path, "precedence: null\n")
    result = haloform("plan", ".")
    assert result.code == 1
    assert "r.yaml:4:" in result.stderr and "precedence: null clears a field" in result.stderr


def test_an_integer_written_in_hex_is_checked_without_walking_the_range(tmp_path: Path) -> None:
    assert messages(tmp_path, "precedence: 0x7fffffff\n") == []
    [problem] = messages(tmp_path, "precedence: 0x80000000\n")
    assert "2147483648 is outside Halo's integer range" in problem
