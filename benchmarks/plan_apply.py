"""Plan and apply a large generated config repo against the in-process emulator.

::

    .venv/bin/python benchmarks/plan_apply.py              # 1,000 rules, 50 workflows, 20 ms
    .venv/bin/python benchmarks/plan_apply.py --stages     # workflows with stages too
    .venv/bin/python benchmarks/plan_apply.py --quick      # a small smoke run

The default tenant is the one issue 13 measured: 1,000 rules, 50 workflows with steps
and actions, 20 event rules. Stages are detail-only in Halo (FACTS.md), so with
``--stages`` every workflow costs a ``GET /Workflow/{id}`` and ``-v`` says why.

Five phases run against one emulated tenant: plan against the empty tenant, apply,
plan again (which must be empty, else the script exits 1), edit a tenth of the rules
and plan, apply that. Each phase prints the requests it made by method and its wall
time; each plan phase also prints what its pure part costs (plan_tenant replayed over
the answers it read, with no I/O; the diff and ``to_portable`` step alone), its peak
memory, and what a tool reading one record per request would have needed.

The machine is shared and noisy: compare the figures of one run with each other
(requests per resource, compute against wall time), not with another run's.
See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import io
import json
import math
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from haloform.apply import Applier, ApplyOptions, ApplyReport
from haloform.diff.fields import diff
from haloform.emulator import Emulator, EmulatorConfig, emulator_transport
from haloform.fetch.reader import Reader, read_needed_details, read_state
from haloform.halo import HaloClient, RateLimiter
from haloform.halo.ratelimit import HALO_LIMIT, HALO_WINDOW_S
from haloform.kinds import KINDS, KindSpec
from haloform.load.repo import Repo
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest
from haloform.plan.model import Action, Plan
from haloform.plan.wants import set_in_files, used_lookups
from haloform.resolve.portable import to_portable
from haloform.resolve.references import resolve_all, tenant_index
from haloform.tasks.planning import plan_tenant
from haloform.tasks.workspace import embedded_credentials

Document = dict[str, Any]
WIDE_OPEN = 10**9
"""Requests per window when no ``--rate-limit`` is given: the limiter never waits."""

AGENTS = ("Alice Admin", "Bob Builder", "Carol Network", "Dave Database")
TEAMS = ("Service Desk", "Network", "Infrastructure")
STATUSES = ("New", "In Progress", "Waiting on User")
PRIORITIES = ("P1 Critical", "P2 High", "P3 Medium", "P4 Low")
TICKET_TYPES = ("Incident", "Service Request", "Problem")
"""Names from the emulator's default seed (src/haloform/emulator/default_seed.yaml)."""
RULES_PER_FILE = 25


# --- the generated config repo ------------------------------------------------------


@dataclass
class Corpus:
    """The documents of the generated repo, by file, so that edits rewrite files."""

    workflows: list[Document] = field(default_factory=list)
    rules: list[Document] = field(default_factory=list)
    event_rules: list[Document] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.workflows) + len(self.rules) + len(self.event_rules)

    def files(self) -> dict[str, list[Document]]:
        out = {f"workflows/flow-{i:03d}.yaml": [doc] for i, doc in enumerate(self.workflows)}
        for start in range(0, len(self.rules), RULES_PER_FILE):
            out[f"ticket-rules/rules-{start:04d}.yaml"] = self.rules[start : start + RULES_PER_FILE]
        out["event-rules/events.yaml"] = self.event_rules
        return out


def guid(rng: random.Random) -> str:
    """A valid uuid4 from the seeded generator: the same repo on every run."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def workflow(
    index: int, switch_to: str | None, rng: random.Random, stages: bool = False
) -> Document:
    """Four steps (and three stages, if asked); step 3 hands the ticket to
    ``switch_to`` if given."""
    escalated: Document = {"step_id": 3, "name": "Escalated", "stage_number": 2}
    if switch_to is None:
        escalated["actions"] = [_action("Resolve", 4, 1)]
    else:
        escalated.update(name="Handed over", new_flow_id={"workflow": switch_to})
    steps = [
        {"step_id": 1, "name": "Logged", "isstart": True, "stage_number": 1,
         "actions": [_action("Assign", 2, 1), _action("Escalate", 3, 2)]},
        {"step_id": 2, "name": "Assigned", "stage_number": 2,
         "actions": [{**_action("Resolve", 4, 1), "time_limit_mins": 60 * (1 + index % 8)},
                     _action("Escalate", 3, 2)]},
        escalated,
        {"step_id": 4, "name": "Resolved", "isend": True, "stage_number": 3},
    ]  # fmt: skip
    document: Document = {
        "kind": "Workflow",
        "guid": guid(rng),
        "name": f"Flow {index:03d}",
        "note": f"Generated workflow {index}",
    }
    if not stages:
        return {**document, "steps": [_without("stage_number", step) for step in steps]}
    document["stages"] = [
        {"sequence": n, "name": name, "outcome_step": step}
        for n, (name, step) in enumerate((("Triage", 1), ("Work", 2), ("Done", 4)), start=1)
    ]
    return {**document, "steps": steps}


def _without(key: str, mapping: Document) -> Document:
    return {k: v for k, v in mapping.items() if k != key}


def _action(outcome: str, end_step: int, seq: int) -> Document:
    return {"action_id": {"outcome": outcome}, "end_step": end_step, "seq": seq}


def workflows(count: int, rng: random.Random, stages: bool = False) -> list[Document]:
    """Every fourth workflow switches tickets to the next one (never a cycle)."""
    names = [f"Flow {i:03d}" for i in range(count)]
    return [
        workflow(i, names[i + 1] if i % 4 == 0 and i + 1 < count else None, rng, stages)
        for i in range(count)
    ]


def ticket_rule(index: int, flows: Sequence[Document], rng: random.Random) -> Document:
    """Criteria on lookups and text, lookup setters, and (mostly) a workflow to set."""
    criteria: list[Document] = [
        _criterion("priority_id", {"priority": rng.choice(PRIORITIES)}),
        {"fieldname": "summary", "tablename": "faults", "type": 2, "value_type": "string",
         "value_string": f"keyword-{index}"},
    ]  # fmt: skip
    if index % 3 == 0:
        criteria.append(_criterion("requesttype_id", {"tickettype": rng.choice(TICKET_TYPES)}))
    rule: Document = {
        "kind": "TicketRule",
        "guid": guid(rng),
        "name": f"Rule {index:04d}",
        "precedence": 1000 + index,
        "stopmatching": index % 7 == 0,
        "criteria": criteria,
        "new_agent_id": {"agent": AGENTS[index % len(AGENTS)]},
        "new_team": rng.choice(TEAMS),
        "new_status_id": {"status": rng.choice(STATUSES)},
    }
    if flows and index % 4 != 3:
        flow = flows[index % len(flows)]
        by_guid = index % 10 == 0
        rule["new_workflow_id"] = {"workflow": {"guid": flow["guid"]} if by_guid else flow["name"]}
    return rule


def _criterion(fieldname: str, value: Document) -> Document:
    return {"fieldname": fieldname, "tablename": "faults", "type": 0, "value_type": "int",
            "value_int": value}  # fmt: skip


def event_rule(index: int, rng: random.Random) -> Document:
    return {
        "kind": "EventRule",
        "guid": guid(rng),
        "name": f"Event rule {index}",
        "event_key": f"bench-{index}",
        "precedence": 10 + index,
        "tickettype_id": {"tickettype": "Alert"},
        "template_id": {"template": "Server Down"},
        "criteria": [{"fieldname": "alert_type", "type": 0, "value_type": "string",
                      "value_string": f"alert-{index}"}],
        "mappings": [{"integration_method_value_name": "device", "field_name": "summary"}],
    }  # fmt: skip


def generate(rules: int, flows: int, events: int, seed: int, stages: bool = False) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus(workflows=workflows(flows, rng, stages))
    corpus.rules = [ticket_rule(i, corpus.workflows, rng) for i in range(rules)]
    corpus.event_rules = [event_rule(i, rng) for i in range(events)]
    return corpus


def edit_rules(corpus: Corpus, share: float, seed: int) -> int:
    """Change the agent and one criterion of ``share`` of the rules; how many changed."""
    rng = random.Random(seed + 1)
    count = max(1, round(len(corpus.rules) * share)) if corpus.rules else 0
    for index in rng.sample(range(len(corpus.rules)), count):
        rule = copy.deepcopy(corpus.rules[index])
        agent = AGENTS.index(rule["new_agent_id"]["agent"])
        rule["new_agent_id"] = {"agent": AGENTS[(agent + 1) % len(AGENTS)]}
        rule["criteria"][1]["value_string"] += "-edited"
        corpus.rules[index] = rule
    return count


def write(corpus: Corpus, root: Path) -> None:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    for relative, documents in corpus.files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = io.StringIO()
        yaml.dump_all(documents, stream)
        path.write_text(stream.getvalue(), encoding="utf-8")


# --- measuring ----------------------------------------------------------------------


class Replay:
    """A ``Reader`` that records a client's answers (as JSON text), or replays them.

    Planning again over the replay runs everything ``plan_tenant`` does but the I/O, and
    decodes each answer afresh, so the memory it peaks at is what a real plan holds.
    ``consume`` drops each answer's text once it is decoded, as a client drops a
    response's bytes (and fails on an answer asked for twice: a plan reads each once).
    """

    def __init__(self, client: Reader | None = None, *, consume: bool = False) -> None:
        self._client = client
        self._consume = consume
        self.answers: dict[str, str] = {}

    async def list(self, path: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        return list(await self._answer("list", path, params))

    async def get_object(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self._answer("get_object", path, params)

    async def _answer(self, call: str, path: str, params: Mapping[str, Any] | None) -> Any:
        key = json.dumps([call, path, dict(params or {})], sort_keys=True, default=str)
        if self._client is not None and key not in self.answers:
            method = getattr(self._client, call)
            self.answers[key] = json.dumps(await method(path, params))
        return json.loads(self.answers.pop(key) if self._consume else self.answers[key])

    def replayed(self) -> Replay:
        again = Replay()
        again.answers = self.answers
        return again


@dataclass(frozen=True)
class Requests:
    """The API requests one phase made, from the client's stats."""

    api: Counter[str]
    auth: int

    def by_method(self, method: str) -> int:
        return sum(n for key, n in self.api.items() if key.split(" ", 1)[0] == method)

    @property
    def total(self) -> int:
        return self.api.total() + self.auth

    def routes(self) -> str:
        return ", ".join(f"{key} x{n}" for key, n in sorted(self.api.items())) or "none"


class Meter:
    """Request counts of one client, phase by phase."""

    def __init__(self, client: HaloClient) -> None:
        self._client = client
        self._api: Counter[str] = Counter()
        self._auth = 0
        self.mark()

    def mark(self) -> None:
        self._api = Counter(self._client.stats.api)
        self._auth = self._client.stats.auth.total()

    def since_mark(self) -> Requests:
        stats = self._client.stats
        made = Requests(stats.api - self._api, stats.auth.total() - self._auth)
        self.mark()
        return made


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t:`` leaves the elapsed seconds in ``t[0]``."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def window_wait_s(requests: int, limit: int = HALO_LIMIT, window_s: float = HALO_WINDOW_S) -> float:
    """Least time ``requests`` take under a rolling window: each full window waits."""
    return max(0, math.ceil(requests / limit) - 1) * window_s


# --- the phases ---------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    rules: int
    workflows: int
    event_rules: int
    latency_ms: float
    batch_size: int
    rate_limit: int | None
    concurrency: int
    edit_share: float
    seed: int
    stages: bool = False


@dataclass(frozen=True)
class PlanFigures:
    load_s: float
    compute_s: float
    """plan_tenant over replayed answers: all of planning but the I/O."""
    diff_s: float
    """payload + to_portable (both sides) + diff over every resource, alone."""
    diff_fields: int
    peak_mib: float
    resources: int


@dataclass(frozen=True)
class Phase:
    name: str
    wall_s: float
    requests: Requests
    outcome: str
    naive: int
    """Requests a tool making one per record would need: a GET per resource for a
    plan, a POST per change for an apply."""
    plan: PlanFigures | None = None


@dataclass
class Bench:
    settings: Settings
    root: Path
    client: HaloClient
    meter: Meter
    phases: list[Phase] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def done(self, phase: Phase) -> None:
        self.phases.append(phase)
        elapsed = time.perf_counter() - self.started
        print(f"[{elapsed:6.1f} s] {phase.name}: {phase.outcome}", file=sys.stderr)

    def request(self, repo: Repo) -> PlanRequest:
        return PlanRequest(repo=repo, environment="bench", tenant="emulator", specs=KINDS)

    def load(self) -> Repo:
        repo = validate_repo(self.root)
        repo.diagnostics.raise_for_errors("the generated repo has errors")
        return repo

    async def plan(self, name: str) -> Plan:
        self.meter.mark()
        recorder = Replay(self.client)
        with stopwatch() as wall:
            with stopwatch() as load:
                repo = self.load()
            plan = await plan_tenant(recorder, self.request(repo))
        requests = self.meter.since_mark()
        figures = await self.plan_figures(repo, recorder, load[0])
        resources = len(repo.resources)
        self.done(Phase(name, wall[0], requests, describe_plan(plan), resources, figures))
        return plan

    async def plan_figures(self, repo: Repo, recorder: Replay, load_s: float) -> PlanFigures:
        with stopwatch() as compute:
            await plan_tenant(recorder.replayed(), self.request(repo))
        diff_s, fields = await time_diff(repo, recorder.replayed())
        tracemalloc.start()
        try:
            await plan_tenant(recorder.replayed(), self.request(self.load()))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return PlanFigures(load_s, compute[0], diff_s, fields, peak / 2**20, len(repo.resources))

    async def apply(self, name: str, plan: Plan) -> ApplyReport:
        options = ApplyOptions(batch_size=self.settings.batch_size, verify=True)
        self.meter.mark()
        with stopwatch() as wall:
            report = await Applier(self.client, options).apply(plan)
        made = self.meter.since_mark()
        self.done(Phase(name, wall[0], made, report.summary(), len(plan.changes)))
        return report


def describe_plan(plan: Plan) -> str:
    counts = plan.counts()
    done = ", ".join(f"{counts[action]} {action.value}" for action in Action if counts[action])
    return f"{done or 'no changes'}; {plan.unchanged} unchanged"


async def time_diff(repo: Repo, reader: Reader) -> tuple[float, int]:
    """The diff step of ``plan_tenant`` alone, over the state it read: seconds, fields."""
    specs = {spec.kind: spec for spec in KINDS}
    live = await read_state(reader, specs.values(), used_lookups(repo))
    index = tenant_index(repo, live, {})
    resolved, _ = resolve_all(repo, index, "emulator", "emulator")
    await read_needed_details(reader, live, set_in_files(repo))
    records: list[tuple[KindSpec, Any, Mapping[str, Any] | None]] = [
        (item.spec, item.resource, live.kinds[item.spec.kind].by_guid(item.guid))
        for item in repo.resources
    ]
    fields = 0
    with stopwatch() as elapsed:
        for spec, resource, record in records:
            desired = to_portable(spec, spec.payload(resource, resolved.__getitem__), index)
            if record is not None:
                fields += len(diff(spec, desired, to_portable(spec, record, index)))
    return elapsed[0], fields


async def run_phases(bench: Bench, corpus: Corpus) -> str | None:
    """The five phases; what went wrong, or None."""
    first = await bench.plan("1 plan (empty tenant)")
    report = await bench.apply("2 apply", first)
    if not report.ok:
        return f"the first apply failed: {report.summary()}"
    again = await bench.plan("3 re-plan (must be empty)")
    if again.has_changes:
        changed = ", ".join(f"{c.kind} {c.name!r}" for c in again.changes[:5])
        return f"the plan right after apply is not empty: {len(again.changes)} changes ({changed})"
    edited = edit_rules(corpus, bench.settings.edit_share, bench.settings.seed)
    write(corpus, bench.root)
    second = await bench.plan(f"4 plan ({edited} rules edited)")
    if second.counts()[Action.UPDATE] != edited or len(second.changes) != edited:
        return f"expected {edited} updates after the edit, planned {describe_plan(second)}"
    report = await bench.apply("5 apply edits", second)
    return None if report.ok else f"the second apply failed: {report.summary()}"


# --- output -------------------------------------------------------------------------


def print_header(settings: Settings, corpus: Corpus) -> None:
    limit = "off" if settings.rate_limit is None else f"{settings.rate_limit} / 300 s"
    print(
        f"haloform plan/apply benchmark: {settings.rules} ticket rules, "
        f"{settings.workflows} workflows{' with stages' if settings.stages else ''}, "
        f"{settings.event_rules} event rules ({corpus.size} resources)\n"
        f"emulator latency {settings.latency_ms:g} ms per request; client rate limiter {limit}; "
        f"concurrency {settings.concurrency}; batch size {settings.batch_size}\n"
    )


def print_phases(phases: Sequence[Phase], resources: int) -> None:
    print(
        f"{'phase':<28} {'wall s':>7} {'GET':>5} {'POST':>5} {'DELETE':>6} {'auth':>5} "
        f"{'req/res':>8}  result"
    )
    for phase in phases:
        made = phase.requests
        print(
            f"{phase.name:<28} {phase.wall_s:>7.2f} {made.by_method('GET'):>5} "
            f"{made.by_method('POST'):>5} {made.by_method('DELETE'):>6} {made.auth:>5} "
            f"{made.total / max(resources, 1):>8.3f}  {phase.outcome}"
        )
    print()
    for phase in phases:
        print(f"  {phase.name}: {phase.requests.routes()}")
    print()


def print_plans(phases: Sequence[Phase]) -> None:
    print(
        f"{'plan phase':<28} {'load s':>7} {'compute s':>10} {'diff s':>7} {'fields':>7} "
        f"{'I/O s':>6} {'peak MiB':>9}"
    )
    for phase in phases:
        if (fig := phase.plan) is not None:
            io_s = phase.wall_s - fig.load_s - fig.compute_s
            print(
                f"{phase.name:<28} {fig.load_s:>7.2f} {fig.compute_s:>10.2f} "
                f"{fig.diff_s:>7.3f} {fig.diff_fields:>7} {io_s:>6.2f} {fig.peak_mib:>9.1f}"
            )
    print()


def print_naive(phases: Sequence[Phase]) -> None:
    print(f"At Halo's {HALO_LIMIT} requests / 5 min (least time spent waiting for the window):")
    for phase in phases:
        ours, naive = phase.requests.total, phase.naive
        what = "GET per resource" if phase.plan is not None else "POST per change"
        print(
            f"  {phase.name:<28} haloform {ours:>5} requests ({_duration(window_wait_s(ours))}); "
            f"one {what}: {naive:>5} ({_duration(window_wait_s(naive))})"
        )
    total = sum(phase.requests.total for phase in phases)
    naive = sum(phase.naive for phase in phases)
    print(
        f"  {'all phases':<28} haloform {total:>5} requests ({_duration(window_wait_s(total))}); "
        f"one per record: {naive:>5} ({_duration(window_wait_s(naive))})"
    )


def _duration(seconds: float) -> str:
    return "no wait" if seconds == 0 else f"{seconds / 60:g} min wait"


# --- the command line ---------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--rules", type=int, default=1000, help="ticket rules (1000)")
    parser.add_argument("--workflows", type=int, default=50, help="workflows (50)")
    parser.add_argument("--event-rules", type=int, default=20, help="event rules (20)")
    parser.add_argument("--stages", action="store_true", help="workflows carry stages too")
    parser.add_argument("--latency-ms", type=float, default=20, help="per request (20)")
    parser.add_argument("--batch-size", type=int, default=50, help="records per POST (50)")
    parser.add_argument(
        "--rate-limit", type=int, help="client limiter, requests per 300 s (default: off)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client concurrency (8)")
    parser.add_argument("--edit-share", type=float, default=0.1, help="rules edited (0.1)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 60 rules, 5 flows")
    args = parser.parse_args(argv)
    if args.quick:
        args.rules, args.workflows, args.event_rules = 60, 5, 2
    if min(args.rules, args.workflows, args.event_rules) < 0 or args.batch_size < 1:
        parser.error("counts cannot be negative and --batch-size must be at least 1")
    return Settings(
        args.rules, args.workflows, args.event_rules, args.latency_ms, args.batch_size,
        args.rate_limit, args.concurrency, args.edit_share, args.seed, args.stages,
    )  # fmt: skip


def client_for(emu: Emulator, settings: Settings) -> HaloClient:
    return HaloClient(
        embedded_credentials(emu),
        transport=emulator_transport(emu),
        rate_limit=RateLimiter(settings.rate_limit or WIDE_OPEN, HALO_WINDOW_S),
        max_concurrency=settings.concurrency,
    )


async def bench(settings: Settings, root: Path) -> int:
    corpus = generate(
        settings.rules, settings.workflows, settings.event_rules, settings.seed, settings.stages
    )
    write(corpus, root)
    print_header(settings, corpus)
    emu = Emulator(EmulatorConfig())
    emu.config.faults.latency_ms = settings.latency_ms
    try:
        async with client_for(emu, settings) as client:
            state = Bench(settings, root, client, Meter(client))
            failure = await run_phases(state, corpus)
    finally:
        emu.close()
    print_phases(state.phases, corpus.size)
    print_plans(state.phases)
    print_naive(state.phases)
    if failure is not None:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse(argv)
    with tempfile.TemporaryDirectory(prefix="haloform-bench-") as tmp:
        return asyncio.run(bench(settings, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
