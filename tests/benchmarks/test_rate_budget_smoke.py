"""The shared rate-budget benchmark still runs end to end (a smoke run, no figure
asserted: whether a 429 comes depends on the machine's timing; tests/halo pins the
budget's arithmetic on a fake clock)."""

from __future__ import annotations

import pytest

from benchmarks import rate_budget


def test_a_small_run_prints_both_budgets(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--processes", "2", "--requests", "3", "--limit", "3", "--window", "1"]
    assert rate_budget.main(argv) == 0

    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[3:] if line}
    assert set(rows) == {"own", "shared"}
    assert all(len(figures) == 3 for figures in rows.values())
