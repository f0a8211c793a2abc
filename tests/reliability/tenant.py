"""A generated config repo, a client with fast retries, and the checks every reliability
test makes: each apply reports every change of its plan exactly once and truthfully,
and in the end the tenant holds exactly what the repo declares (no duplicate by guid or
by name, nothing missing, nothing extra) with references pointing at the right records.

The repo is the benchmark's generated one (``benchmarks/plan_apply.py``) plus a
reference cycle of two workflows, one with a step rule, so that the second pass and
step rules are exercised too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from benchmarks.plan_apply import Corpus, Document, edit_rules, generate, write

from haloform.apply import Applier, ApplyOptions, ApplyReport, Status
from haloform.emulator import Emulator, emulator_transport
from haloform.errors import ApplyError
from haloform.halo import HaloClient, RateLimiter, RetryPolicy
from haloform.kinds import KINDS
from haloform.load.repo import Repo
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest
from haloform.plan.model import Action, Plan
from haloform.tasks.planning import plan_tenant
from tests.conftest import client_for

RESOURCES = {spec.kind: spec.api_path.lstrip("/") for spec in KINDS}
"""Kind -> the emulator's resource name."""
FAST_RETRY = RetryPolicy(max_retries=12, fault_retries=12, base_delay_s=0.02, max_delay_s=0.5)
"""Backoff in milliseconds, yet enough in all (about 4 s) to outlast a 2 s window."""
PING = "aaaaaaaa-0000-4000-8000-00000000f001"
PONG = "aaaaaaaa-0000-4000-8000-00000000f002"


def _cycle_flow(guid: str, name: str, other: str, rules: list[Document]) -> Document:
    switch: Document = {"step_id": 2, "name": f"To {other}", "new_flow_id": {"workflow": other}}
    if rules:
        switch["rules"] = rules
    return {
        "kind": "Workflow",
        "guid": guid,
        "name": name,
        "steps": [
            {
                "step_id": 1,
                "name": "Start",
                "isstart": True,
                "actions": [{"action_id": {"outcome": "Escalate"}, "end_step": 2, "seq": 1}],
            },
            switch,
        ],
    }


def cycle() -> list[Document]:
    """Ping switches tickets to Pong and Pong to Ping; a rule at Ping's step 2 does too."""
    rule = {
        "name": "Chase in Pong",
        "criteria": [{"fieldname": "status_id", "type": 0, "value_int": {"status": "New"}}],
        "new_workflow_id": {"workflow": {"guid": PONG}},
    }
    return [_cycle_flow(PING, "Ping", "Pong", [rule]), _cycle_flow(PONG, "Pong", "Ping", [])]


def corpus(rules: int, flows: int, events: int, seed: int) -> Corpus:
    """The benchmark's generated repo with the Ping/Pong cycle added."""
    generated = generate(rules, flows, events, seed, stages=True)
    generated.workflows.extend(cycle())
    return generated


@dataclass
class Project:
    """A generated repo on disk; edit ``corpus`` and ``write()`` again."""

    root: Path
    corpus: Corpus

    def write(self) -> None:
        for stale in self.root.rglob("*.yaml"):
            stale.unlink()
        write(self.corpus, self.root)

    def repo(self) -> Repo:
        repo = validate_repo(self.root)
        repo.diagnostics.raise_for_errors("the generated repo has errors")
        return repo

    def request(self) -> PlanRequest:
        return PlanRequest(repo=self.repo(), environment="test", tenant="emulator", specs=KINDS)

    def documents(self) -> list[Document]:
        return [*self.corpus.workflows, *self.corpus.rules, *self.corpus.event_rules]

    def edit(self, seed: int) -> int:
        """Edit a quarter of the rules (the benchmark's edit), add a step to a workflow,
        rename another's step and move an event rule: updates of every kind, some with
        new children (which have no ids yet). How many resources changed."""
        edited = edit_rules(self.corpus, 0.25, seed)
        first, second = self.corpus.workflows[0], self.corpus.workflows[1]
        first["steps"][3]["actions"] = [
            {"action_id": {"outcome": "Close"}, "end_step": 5, "seq": 1}
        ]
        first["steps"].append({"step_id": 5, "name": "Closed", "isend": True, "stage_number": 3})
        second["steps"][1]["name"] = "Assigned to an agent"
        self.corpus.event_rules[0]["precedence"] += 100
        self.write()
        return edited + 3

    def tombstone(self, indexes: Iterable[int]) -> list[str]:
        """Replace rules by tombstones (``deleted: true``); their guids."""
        gone = []
        for index in indexes:
            rule = self.corpus.rules[index]
            self.corpus.rules[index] = {
                "kind": "TicketRule",
                "guid": rule["guid"],
                "name": rule["name"],
                "deleted": True,
            }
            gone.append(rule["guid"])
        self.write()
        return gone

    def rename_guid(self, old: str, new: str) -> None:
        """Replace a guid everywhere in the repo: what an admin does to adopt a record."""
        for group in (self.corpus.workflows, self.corpus.rules, self.corpus.event_rules):
            group[:] = [json.loads(json.dumps(doc).replace(old, new)) for doc in group]


def project(root: Path, rules: int, flows: int, events: int, seed: int = 1) -> Project:
    made = Project(root, corpus(rules, flows, events, seed))
    made.write()
    return made


def fast_client(
    emu: Emulator,
    *,
    limiter: RateLimiter | None = None,
    retry: RetryPolicy = FAST_RETRY,
    transport: httpx.AsyncBaseTransport | None = None,
) -> HaloClient:
    """A real client on the emulator (in-process, or through ``transport``), retrying
    after milliseconds."""
    return client_for(
        emu, transport=transport or emulator_transport(emu), rate_limit=limiter, retry=retry
    )


async def apply_reporting(
    client: HaloClient, plan: Plan, options: ApplyOptions | None = None
) -> ApplyReport:
    """Apply ``plan``; a run that had to stop still hands back its report."""
    try:
        return await Applier(client, options).apply(plan)
    except ApplyError as error:
        assert isinstance(error.report, ApplyReport), error
        assert error.report.stopped, "an apply that raised must say why it stopped"
        return error.report


def assert_exact(plan: Plan, report: ApplyReport) -> None:
    """Every change of ``plan`` is in ``report`` exactly once, in order, with a status;
    ``ok`` is False exactly when something failed, was skipped, or is unknown."""
    assert report.plan_digest == plan.digest
    assert [r.key for r in report.results] == [c.key for c in plan.changes]
    for change, result in zip(plan.changes, report.results, strict=True):
        assert (result.action, result.name) == (change.action, change.name)
        assert result.status in Status
        if result.status is not Status.APPLIED:
            assert result.message, f"{result.describe()} says nothing about why"
    everything_applied = all(r.status is Status.APPLIED for r in report.results)
    assert report.ok == (everything_applied and report.stopped is None), report.summary()


def assert_report_is_true(emu: Emulator, report: ApplyReport) -> None:
    """What the report says was done is what the tenant holds: an applied save is there
    under its guid and reported id, an applied delete is gone, and a create that was
    not attempted, or failed before anything was saved, left nothing behind."""
    live = {kind: _by_guid(_managed(emu, kind)) for kind in RESOURCES}
    ids = {kind: {row["id"]: row for row in _managed(emu, kind)} for kind in RESOURCES}
    for result in report.results:
        row = live[result.kind].get(result.guid.casefold())
        if result.status is Status.APPLIED and result.action is Action.DELETE:
            assert row is None, result.describe()
        elif result.status is Status.APPLIED:
            assert row is not None and row["id"] == result.live_id, result.describe()
        elif result.action is Action.CREATE and result.status is not Status.UNKNOWN:
            if result.live_id is None:
                assert row is None, f"{result.describe()}, yet the tenant holds it"
            else:  # saved but not as planned (second pass, replaced guid): it says where
                assert result.live_id in ids[result.kind], result.describe()


def held(emu: Emulator) -> dict[str, int]:
    """How many records of each managed kind the tenant holds (step rules aside)."""
    return {kind: len(_managed(emu, kind)) for kind in RESOURCES}


def _managed(emu: Emulator, kind: str) -> list[dict[str, Any]]:
    """The tenant's records of ``kind`` that a repo manages (never a step's rules)."""
    return [row for row in emu.records(RESOURCES[kind]) if not row.get("flowdetail_id")]


def _by_guid(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(row["guid"]).casefold(): row for row in rows}


def assert_no_duplicates(emu: Emulator) -> None:
    for kind in RESOURCES:
        rows = _managed(emu, kind)
        for key in ("guid", "name"):
            counts = Counter(str(row[key]).casefold() for row in rows)
            assert [value for value, n in counts.items() if n > 1] == [], (kind, key)


def assert_tenant_holds(emu: Emulator, project: Project) -> None:
    """Exactly the repo's resources, under their guids and names, with as many children
    as the files declare, references resolved to the ids of the records they name."""
    assert_no_duplicates(emu)
    declared = [doc for doc in project.documents() if not doc.get("deleted")]
    for kind in RESOURCES:
        wanted = {d["guid"].casefold(): d["name"] for d in declared if d["kind"] == kind}
        found = {guid: row["name"] for guid, row in _by_guid(_managed(emu, kind)).items()}
        assert found == wanted, f"{kind}: missing {wanted.keys() - found.keys()}, " + (
            f"unexpected {found.keys() - wanted.keys()}"
        )
    for doc in declared:
        _assert_children(doc, _by_guid(_managed(emu, doc["kind"]))[doc["guid"].casefold()])
    _assert_references(emu, declared)


def _assert_references(emu: Emulator, declared: list[Document]) -> None:
    """Rules and steps switch to the workflow they name, and each step rule sits at its
    step, once."""
    flows = _by_guid(_managed(emu, "Workflow"))
    refer = _Referrer(declared, flows)
    for rule in _managed(emu, "TicketRule"):
        doc = refer.doc("TicketRule", rule["guid"])
        assert rule.get("new_workflow_id") == refer.id_of(doc.get("new_workflow_id")), doc
    wanted_step_rules = []
    for doc in (d for d in declared if d["kind"] == "Workflow"):
        steps = {step["step_id"]: step for step in flows[doc["guid"].casefold()]["steps"]}
        for step in doc.get("steps", []):
            live = steps[step["step_id"]]
            switch = refer.id_of(step.get("new_flow_id"))
            assert live.get("new_flow_id") == switch, (doc["name"], step["step_id"])
            wanted_step_rules += [
                (live["fdid"], rule["name"], refer.id_of(rule.get("new_workflow_id")))
                for rule in step.get("rules", [])
            ]
    step_rules = [row for row in emu.records("TicketRules") if row.get("flowdetail_id")]
    found = [(r["flowdetail_id"], r["name"], r.get("new_workflow_id")) for r in step_rules]
    assert sorted(found) == sorted(wanted_step_rules)


def _assert_children(doc: Document, row: dict[str, Any]) -> None:
    """As many children (criteria, steps, stages, mappings, each step's actions) as the
    file declares: a retried or repeated update must neither lose nor double one."""
    for name, value in doc.items():
        if isinstance(value, list) and name != "rules":
            held = row.get(name) or []
            assert len(held) == len(value), (doc["name"], name, len(held), len(value))
    steps = {step["step_id"]: step for step in row.get("steps") or []}
    for step in doc.get("steps", []):
        _assert_children(
            step | {"name": f"{doc['name']} step {step['step_id']}"}, steps[step["step_id"]]
        )


class _Referrer:
    """Turns a file's ``{workflow: NAME}`` or ``{workflow: {guid: G}}`` into the id of
    the record the tenant holds for it."""

    def __init__(self, declared: list[Document], flows: dict[str, dict[str, Any]]) -> None:
        self._docs = {(d["kind"], d["guid"].casefold()): d for d in declared}
        self._flow_guid = {
            d["name"].casefold(): d["guid"].casefold() for d in declared if d["kind"] == "Workflow"
        }
        self._flows = flows

    def doc(self, kind: str, guid: str) -> Document:
        return self._docs[(kind, guid.casefold())]

    def id_of(self, ref: Any) -> int | None:
        if ref is None:
            return None
        target = ref["workflow"]
        guid = target["guid"] if isinstance(target, dict) else self._flow_guid[target.casefold()]
        return int(self._flows[guid.casefold()]["id"])


def served(emu: Emulator) -> Counter[int]:
    """Statuses of the API requests the emulator served (0: the connection was cut)."""
    return Counter(status for _, path, status in emu.requests if path.startswith("/api/"))


async def converge(
    emu: Emulator,
    client: HaloClient,
    project: Project,
    *,
    options: ApplyOptions | None = None,
    rounds: int = 8,
    before_round: Callable[[int], None] | None = None,
) -> list[ApplyReport]:
    """Plan and apply until the plan is empty, checking every report on the way; the
    reports of the applies it took (failing if ``rounds`` do not suffice)."""
    reports: list[ApplyReport] = []
    request = project.request()
    for number in range(rounds):
        if before_round is not None:
            before_round(number)
        plan = await plan_tenant(client, request)
        if not plan.has_changes:
            return reports
        report = await apply_reporting(client, plan, options)
        assert_exact(plan, report)
        assert_report_is_true(emu, report)
        assert_no_duplicates(emu)
        reports.append(report)
    raise AssertionError(
        f"no empty plan after {rounds} rounds: " + "; ".join(r.summary() for r in reports)
    )


def managed_rows(emu: Emulator) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(kind, record)`` for every record of a managed kind (step rules aside)."""
    for kind in RESOURCES:
        for row in _managed(emu, kind):
            yield kind, row
