"""The CPU and memory benchmark still runs end to end (a smoke run, no figure asserted)."""

from __future__ import annotations

import pytest

from benchmarks import cpu_memory


def test_a_small_run_prints_every_case_for_both_parsers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cpu_memory.main(["--sizes", "43"]) == 0

    out = capsys.readouterr().out
    assert "rt CPU s" in out and "peak MiB" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("validate", "plan"))]
    assert [(row[0], row[1]) for row in rows] == [("validate", "43"), ("plan", "43")]
    for row in rows:
        assert len(row) == 8
        assert all(float(figure.rstrip("x")) >= 0 for figure in row[2:])
