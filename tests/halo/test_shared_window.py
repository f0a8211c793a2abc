"""One rate budget per tenant on a machine: limiters (and processes) sharing a file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from haloform.halo import RateLimiter
from haloform.halo.ratelimit import SharedWindow
from tests.halo.conftest import FakeClock

URL = "https://acme.halopsa.com"


def shared(tmp_path: Path, clock: FakeClock, limit: int = 3, url: str = URL) -> RateLimiter:
    window = SharedWindow(tmp_path, url, clock=clock)
    return RateLimiter(limit, 10.0, clock=clock, sleep=clock.sleep, shared=window)


async def test_two_limiters_on_one_file_share_the_window(tmp_path: Path) -> None:
    clock = FakeClock()
    first, second = shared(tmp_path, clock), shared(tmp_path, clock)
    for _ in range(2):
        await first.acquire()
    await second.acquire()
    assert clock.sleeps == []
    await second.acquire()  # the window is full: it waits for the first start to leave
    assert clock.sleeps == [10.5]  # the window and its margin (5%: arrival at Halo)


async def test_a_later_process_sees_what_an_earlier_one_spent(tmp_path: Path) -> None:
    clock = FakeClock()
    earlier = shared(tmp_path, clock)
    for _ in range(3):
        await earlier.acquire()
    clock.now = 4.0
    later = shared(tmp_path, clock)  # a new limiter, as a new process builds
    await later.acquire()
    assert clock.sleeps == [6.5]


async def test_tenants_have_their_own_budgets_and_urls_are_normalised(tmp_path: Path) -> None:
    clock = FakeClock()
    for _ in range(3):
        await shared(tmp_path, clock).acquire()
    await shared(tmp_path, clock, url="https://other.halopsa.com").acquire()
    assert clock.sleeps == []
    await shared(tmp_path, clock, url="HTTPS://ACME.halopsa.com/").acquire()
    assert clock.sleeps == [10.5]  # the window and its margin


async def test_a_smaller_limit_waits_for_enough_starts_to_leave(tmp_path: Path) -> None:
    clock = FakeClock()
    for start in (0.0, 1.0, 2.0):
        clock.now = start
        await shared(tmp_path, clock, limit=3).acquire()
    await shared(tmp_path, clock, limit=2).acquire()  # two must leave: the one of t=1
    assert clock.sleeps == [9.5]


async def test_an_unwritable_state_directory_falls_back_to_the_process_count(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    (tmp_path / "file").write_text("", encoding="utf-8")
    pacer = shared(tmp_path / "file", clock, limit=1)  # its "directory" is a file
    await pacer.acquire()
    assert pacer.shared is None
    await pacer.acquire()
    assert clock.sleeps == [10.0]


async def test_a_damaged_or_future_file_does_not_block(tmp_path: Path) -> None:
    clock = FakeClock()
    window = SharedWindow(tmp_path, URL, clock=clock)
    window.path.write_text("{not json", encoding="utf-8")
    await shared(tmp_path, clock).acquire()
    window.path.write_text(json.dumps({"starts": [1e12] * 5}), encoding="utf-8")
    await shared(tmp_path, clock).acquire()  # starts from a clock set far ahead: dropped
    assert clock.sleeps == []
    assert json.loads(window.path.read_text(encoding="utf-8"))["starts"] == [0.0]


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from haloform.halo import RateLimiter
    from haloform.halo.ratelimit import SharedWindow

    async def refuse(seconds):
        raise SystemExit(f"waited after {taken}")

    taken = 0
    async def main():
        global taken
        window = SharedWindow(Path(sys.argv[1]), "https://acme.halopsa.com")
        limiter = RateLimiter(10, 3600.0, sleep=refuse, shared=window)
        for _ in range(6):
            await limiter.acquire()
            taken += 1
    asyncio.run(main())
    """
)


def test_concurrent_processes_never_spend_more_than_the_budget(tmp_path: Path) -> None:
    """Two processes want 6 each of a budget of 10: together they take exactly 10
    (a process that finds the budget spent would wait: here it stops and says so)."""
    src = str(Path(__file__).parents[2] / "src")
    command = [sys.executable, "-c", CHILD, str(tmp_path)]
    env = {"PYTHONPATH": src}
    children = [
        subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    waited = [child.communicate(timeout=60)[1] for child in children]
    took = [int(text.strip().rsplit(" ", 1)[-1]) if "waited" in text else 6 for text in waited]
    assert sum(took) == 10, waited
    (budget,) = tmp_path.glob("rate-*.json")
    assert len(json.loads(budget.read_text(encoding="utf-8"))["starts"]) == 10
