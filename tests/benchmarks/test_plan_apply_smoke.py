"""The plan/apply benchmark still runs end to end (a smoke run, no timing asserted)."""

from __future__ import annotations

import pytest

from benchmarks import plan_apply

PHASES = (
    "1 plan (empty tenant)",
    "2 apply",
    "3 re-plan (must be empty)",
    "4 plan (2 rules edited)",
    "5 apply edits",
)


def test_small_run_passes_every_phase(capsys: pytest.CaptureFixture[str]) -> None:
    status = plan_apply.main(["--rules", "20", "--workflows", "3", "--latency-ms", "0"])

    out = capsys.readouterr().out
    assert status == 0, out
    for phase in PHASES:
        assert phase in out
    assert "20 ticket rules, 3 workflows" in out
    assert "one GET per resource" in out
