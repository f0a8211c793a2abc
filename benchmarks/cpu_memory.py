"""CPU and peak memory of ``validate`` and ``plan``, libyaml read against round trip.

::

    .venv/bin/python benchmarks/cpu_memory.py                  # 1,070 and 10,700 documents
    .venv/bin/python benchmarks/cpu_memory.py --sizes 107      # a small smoke run

For each size a config repo is generated (plan_apply's generator: rules, workflows and
event rules in the ratio 1000:50:20), applied to an in-process emulator, and the answers
a plan reads are recorded once. Then each case runs in a fresh Python process, once with
every file read by the round-trip parser (``HALOFORM_YAML_PARSER=roundtrip``, how
haloform read files before) and once as haloform reads them now:

- validate: ``validate_repo`` (parsing, models, offline checks);
- plan: ``validate_repo`` and ``plan_tenant`` over the recorded answers (no I/O, so the
  figure is haloform's own work, not the tenant's).

CPU s is the process's user+system time over the case alone; peak MiB is the process's
peak resident memory (VmHWM: interpreter and imports included; "base MiB" is the
resident memory just before the case, the recorded answers loaded). The machine is
shared: compare the two columns of one run, not one run with another.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.plan_apply import WIDE_OPEN, Replay, generate, write
from haloform.apply import Applier, ApplyOptions
from haloform.emulator import Emulator, EmulatorConfig, emulator_transport
from haloform.halo import HaloClient, RateLimiter
from haloform.halo.ratelimit import HALO_WINDOW_S
from haloform.kinds import KINDS
from haloform.load.validate import validate_repo
from haloform.load.yamlio import PARSER_VARIABLE
from haloform.plan.build import PlanRequest
from haloform.tasks.planning import plan_tenant
from haloform.tasks.workspace import embedded_credentials

PARSERS = ("roundtrip", "libyaml")
CASES = ("validate", "plan")
RATIO = (1000, 50, 20)
"""Rules, workflows and event rules per 1,070 documents."""


def counts(documents: int) -> tuple[int, int, int]:
    scale = documents / sum(RATIO)
    return tuple(max(1, round(n * scale)) for n in RATIO)  # type: ignore[return-value]


def request(root: Path) -> PlanRequest:
    repo = validate_repo(root)
    repo.diagnostics.raise_for_errors("the generated repo has errors")
    return PlanRequest(repo=repo, environment="bench", tenant="emulator", specs=KINDS)


async def prepare(root: Path, documents: int) -> Path:
    """Write the repo, apply it to an emulator, record what a plan then reads."""
    rules, flows, events = counts(documents)
    write(generate(rules, flows, events, seed=1), root / "repo")
    emu = Emulator(EmulatorConfig())
    try:
        client = HaloClient(
            embedded_credentials(emu),
            transport=emulator_transport(emu),
            rate_limit=RateLimiter(WIDE_OPEN, HALO_WINDOW_S),
        )
        async with client:
            plan = await plan_tenant(client, request(root / "repo"))
            report = await Applier(client, ApplyOptions(batch_size=100)).apply(plan)
            if not report.ok:
                raise SystemExit(f"applying the generated repo failed: {report.summary()}")
            recorder = Replay(client)
            await plan_tenant(recorder, request(root / "repo"))
    finally:
        emu.close()
    answers = root / "answers.json"
    answers.write_text(json.dumps(recorder.answers), encoding="utf-8")
    return answers


def case(name: str, root: Path) -> dict[str, float]:
    """One case in this process: its CPU seconds and memory figures."""
    replay = Replay(consume=True)
    if name == "plan":
        replay.answers = json.loads((root / "answers.json").read_text(encoding="utf-8"))
    base = memory_mib("VmRSS")
    start = time.process_time()
    if name == "validate":
        validate_repo(root / "repo")
    else:
        plan = asyncio.run(plan_tenant(replay, request(root / "repo")))
        if plan.has_changes:
            raise SystemExit("the plan after apply is not empty")
    cpu = time.process_time() - start
    peak = memory_mib("VmHWM")
    return {"cpu_s": cpu, "base_mib": base, "peak_mib": peak}


def memory_mib(field: str) -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), from /proc.

    Not ``getrusage``: Linux carries ``ru_maxrss`` across exec, so a child would report
    its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(name: str, parser: str, root: Path) -> dict[str, float]:
    env = {**os.environ, PARSER_VARIABLE: parser}
    command = [sys.executable, "-m", "benchmarks.cpu_memory", "--child", name, str(root)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} with {parser} failed:\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def measure(documents: int, tmp: Path) -> None:
    root = tmp / str(documents)
    root.mkdir()
    asyncio.run(prepare(root, documents))
    for name in CASES:
        old, new = (run_child(name, parser, root) for parser in PARSERS)
        print(
            f"{name:<9} {documents:>7} {old['cpu_s']:>10.2f} {new['cpu_s']:>9.2f} "
            f"{old['cpu_s'] / max(new['cpu_s'], 1e-9):>6.1f}x "
            f"{old['peak_mib']:>11.1f} {new['peak_mib']:>10.1f} {new['base_mib']:>9.1f}",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1070, 10700], help="documents (1070 10700)"
    )
    parser.add_argument("--child", nargs=2, metavar=("CASE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(case(args.child[0], Path(args.child[1]))))
        return 0
    print("CPU s and peak MiB, each case in a fresh process; round trip = every file read")
    print("by ruamel's round-trip parser (as before), libyaml = as haloform reads them now\n")
    print(
        f"{'case':<9} {'docs':>7} {'rt CPU s':>10} {'CPU s':>9} {'gain':>7} "
        f"{'rt peak MiB':>11} {'peak MiB':>10} {'base MiB':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="haloform-cpu-") as tmp:
        for documents in args.sizes:
            measure(documents, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
