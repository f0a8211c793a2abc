"""Concurrent processes against one rate-limited tenant: 429s with and without a shared budget.

::

    .venv/bin/python benchmarks/rate_budget.py                 # 3 processes, 20 req / 5 s
    .venv/bin/python benchmarks/rate_budget.py --processes 2 --limit 4 --window 1 --requests 4

The emulator is served on loopback (``haloform emulator serve``) with a small rolling
window (``--limit`` requests per ``--window`` seconds, per client, 429 beyond). Then
``--processes`` Python processes start together, each sending ``--requests`` GETs
through a ``HaloClient`` whose limiter allows the same ``--limit`` per ``--window``:

- own budget: each process counts only its own requests (haloform before the shared
  window): together they send up to ``processes x limit`` per window and meet 429s;
- shared budget: the processes share one ``SharedWindow`` file, as haloform's CLI does
  for a live tenant: they wait for each other instead.

Each case runs on a fresh emulator (a fresh window). Printed: 429 answers, requests
sent (retries included) and wall seconds until the last process finished.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from haloform.halo import Credentials, HaloClient, RateLimiter, RequestRecord, RetryPolicy
from haloform.halo.ratelimit import SharedWindow

CLIENT_ID, SECRET, TENANT = "haloform-emulator", "emulator-secret", "emulator"
ROUTES = ("/TicketType", "/Team", "/Status", "/Priority")


async def child(
    url: str, budget: str, requests: int, limit: int, window_s: float
) -> dict[str, int]:
    """One process's requests; ``budget`` is a directory, or ``own``."""
    rejected = 0

    def count(record: RequestRecord) -> None:
        nonlocal rejected
        rejected += record.status == 429

    shared = None if budget == "own" else SharedWindow(Path(budget), url)
    client = HaloClient(
        Credentials(url=url, client_id=CLIENT_ID, client_secret=SECRET, tenant=TENANT),
        rate_limit=RateLimiter(limit, window_s, shared=shared),
        retry=RetryPolicy(max_retries=20, base_delay_s=0.1, max_delay_s=window_s),
        max_concurrency=4,
        on_request=count,
    )
    async with client:
        await asyncio.gather(*(client.list(ROUTES[i % len(ROUTES)]) for i in range(requests)))
    return {"rejected": rejected, "sent": client.stats.total}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def emulator(limit: int, window_s: float) -> Iterator[str]:
    """``haloform emulator serve`` on loopback with the window; its URL."""
    port = free_port()
    command = [
        sys.executable, "-c", "from haloform.cli.main import main; main()",
        "emulator", "serve", "--port", str(port), "--rate-limit", str(limit),
        "--rate-window", str(window_s),
    ]  # fmt: skip
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            raise SystemExit("the emulator did not start within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_case(args: argparse.Namespace, budget: str) -> tuple[int, int, float]:
    """All processes at once against a fresh emulator: 429s, requests, wall seconds."""
    with emulator(args.limit, args.window) as url:
        command = [
            sys.executable, "-m", "benchmarks.rate_budget", "--child", url, budget,
            "--requests", str(args.requests), "--limit", str(args.limit),
            "--window", str(args.window),
        ]  # fmt: skip
        start = time.perf_counter()
        children = [
            subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
            for _ in range(args.processes)
        ]
        outputs = [process.communicate(timeout=600)[0] for process in children]
        wall = time.perf_counter() - start
    if any(process.returncode for process in children):
        raise SystemExit(f"a process failed ({budget} budget)")
    figures = [json.loads(text) for text in outputs]
    return sum(f["rejected"] for f in figures), sum(f["sent"] for f in figures), wall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--processes", type=int, default=3, help="concurrent processes (3)")
    parser.add_argument("--requests", type=int, default=20, help="GETs per process (20)")
    parser.add_argument("--limit", type=int, default=20, help="requests per window (20)")
    parser.add_argument("--window", type=float, default=5.0, help="window seconds (5)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "BUDGET"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        url, budget = args.child
        done = asyncio.run(child(url, budget, args.requests, args.limit, args.window))
        print(json.dumps(done))
        return 0
    print(
        f"{args.processes} processes x {args.requests} GETs against one tenant allowing "
        f"{args.limit} requests per {args.window:g} s (emulator on loopback)\n"
    )
    print(f"{'budget':<8} {'429s':>5} {'requests':>9} {'wall s':>7}")
    with tempfile.TemporaryDirectory(prefix="haloform-budget-") as tmp:
        for label, budget in (("own", "own"), ("shared", tmp)):
            rejected, sent, wall = run_case(args, budget)
            print(f"{label:<8} {rejected:>5} {sent:>9} {wall:>7.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
