"""``apply --watch``'s loop: polls until the duration is up, stops at a failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from haloform.emulator import Emulator
from haloform.health import Watched, poll_interval, watch
from tests.conftest import client_for

START = datetime(2026, 10, 3, 6, 0, tzinfo=UTC)
WORKFLOW = Watched("05848d60-cff7-4712-9ca9-4703277d530d", "Incident", 42, {2: "Assigned"})


class FakeTime:
    """A clock that only moves when the watch sleeps; ``on_sleep`` runs at each sleep."""

    def __init__(self, emu: Emulator, fail_at_poll: int | None) -> None:
        self.now, self.polls, self.emu, self.fail_at = START, 0, emu, fail_at_poll

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.polls += 1
        self.now += timedelta(seconds=seconds)
        if self.polls == self.fail_at:
            when = self.now.replace(tzinfo=None).isoformat(timespec="milliseconds")
            self.emu.add_record(
                "Automation", workflow_id=42, workflow_step=2, status=1, error="x", timestamp=when
            )


async def test_a_failure_midway_ends_the_watch_with_it(emu: Emulator) -> None:
    time = FakeTime(emu, fail_at_poll=3)
    async with client_for(emu) as client:
        report = await watch(
            client,
            "t",
            [WORKFLOW],
            START,
            timedelta(minutes=10),
            clock=time.clock,
            sleep=time.sleep,
        )
    assert [(f.workflow, f.step_name, f.count) for f in report.failures] == [
        ("Incident", "Assigned", 1)
    ]
    assert time.polls == 3


async def test_a_quiet_watch_polls_until_its_time_is_up(emu: Emulator) -> None:
    time = FakeTime(emu, fail_at_poll=None)
    async with client_for(emu) as client:
        report = await watch(
            client,
            "t",
            [WORKFLOW],
            START,
            timedelta(minutes=10),
            clock=time.clock,
            sleep=time.sleep,
        )
    assert report.failures == () and not report.events_read
    assert time.now == START + timedelta(minutes=10)
    assert time.polls == 20  # every 30 s, the longest interval


def test_the_interval_is_a_tenth_between_bounds() -> None:
    assert poll_interval(timedelta(seconds=0)) == 0.05
    assert poll_interval(timedelta(minutes=1)) == 6
    assert poll_interval(timedelta(hours=2)) == 30
