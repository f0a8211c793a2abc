"""Progress lines: ``[n/N]`` on stderr, and for an export's reads an estimate of the
time left once the pace is known."""

from __future__ import annotations

import pytest

from haloform.cli.progress import ReadProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_reads_show_their_place_and_then_the_time_left(capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock()
    progress = ReadProgress(clock=clock)
    for done in range(1, 11):
        progress(done, 200, f"TicketRule 'R{done}'")
        clock.now += 3.0  # one read every 3 s: Halo's 300 requests per 5 minutes

    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "[1/200] read TicketRule 'R1'"
    assert lines[3] == "[4/200] read TicketRule 'R4'"  # too few reads to judge the pace
    assert lines[4] == "[5/200] read TicketRule 'R5' (about 10 min left)"
    assert lines[9] == "[10/200] read TicketRule 'R10' (about 10 min left)"


def test_the_last_reads_count_seconds_and_the_last_shows_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = Clock()
    progress = ReadProgress(clock=clock)
    for done in range(1, 21):
        progress(done, 20, "Workflow 'W'")
        clock.now += 2.0

    lines = capsys.readouterr().err.splitlines()
    assert lines[9] == "[10/20] read Workflow 'W' (about 20 s left)"
    assert lines[-1] == "[20/20] read Workflow 'W'"
