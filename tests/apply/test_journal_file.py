"""The apply's journal: written line by line as the apply runs, each write recorded
durably before it goes out, and read back into what ran however the run ended."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from haloform.apply import (
    INTERRUPTED,
    JournalFile,
    Progress,
    Status,
    latest_journal,
    new_journal_path,
    read_journal,
    record_nothing_to_do,
)
from haloform.apply import journal_file as journal_module
from haloform.apply.report import ApplyReport, ResourceResult
from haloform.emulator import Emulator
from haloform.errors import ApplyError, ConfigError
from haloform.halo import HaloClient
from haloform.plan.model import Change, Plan
from haloform.render.report import how_it_ended, interrupted_warning, render_journal
from tests.apply.conftest import API, Tap
from tests.apply.plans import (
    EVENT_RULE,
    RULE,
    WORKFLOW,
    apply_plan,
    create,
    delete,
    levels,
    new_guid,
    plan_of,
    ref,
    rule,
    workflow,
)
from tests.conftest import client_for

WRITES = ("POST", "DELETE")
SECRET = "SENTINEL-journal-secret-9z"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _three_workflows() -> Plan:
    return plan_of(*(create(WORKFLOW, workflow(new_guid(), name)) for name in "ABC"))


class Watch(Tap):
    """The tap, reading the journal as each write arrives at the tenant; and able to
    hold the ``hold``-th write until the test cancels the apply."""

    def __init__(self, emu: Emulator, journal: Path) -> None:
        super().__init__(emu)
        self.journal = journal
        self.seen: list[Seen] = []
        self.hold: int | None = None
        self.holding = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in WRITES and request.url.path.startswith(API):
            path = request.url.path.removeprefix("/api")
            size = self.journal.stat().st_size
            self.seen.append(Seen(request.method, path, _lines(self.journal), size))
            if len(self.seen) == self.hold:
                self.holding.set()
                await asyncio.Event().wait()  # never answered: the test cancels the apply
        return await super().handle_async_request(request)


class Seen(NamedTuple):
    """A write as it reached the tenant, and the journal at that moment."""

    method: str
    path: str
    lines: list[dict[str, Any]]
    size: int


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal" / "test" / "run.jsonl"


@pytest.fixture
def tap(emu: Emulator, journal_path: Path) -> Watch:
    return Watch(emu, journal_path)


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The journal's size at each fsync (which still happens)."""
    sizes: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        sizes.append(os.fstat(fd).st_size)
        real(fd)

    monkeypatch.setattr(journal_module.os, "fsync", fsync)
    return sizes


@pytest.fixture
def journal(journal_path: Path) -> Iterator[JournalFile]:
    with JournalFile(journal_path) as sink:
        yield sink


async def test_each_write_is_announced_and_fsynced_before_it_goes_out(
    emu: Emulator, halo: HaloClient, tap: Watch, journal: JournalFile, synced: list[int]
) -> None:
    async with client_for(emu) as admin:  # not through the tap: before the apply
        [old] = await admin.post("/Workflow", [workflow(new_guid(), "Old")])
    flow = new_guid()
    wf = create(WORKFLOW, workflow(flow, "Flow"))
    rl = create(
        RULE, rule(new_guid(), "Rule", new_workflow_id=ref(WORKFLOW, flow)), depends_on=[wf.key]
    )
    gone = delete(WORKFLOW, str(old["guid"]), "Old", int(old["id"]))
    plan = plan_of(wf, rl, gone)

    report = await apply_plan(plan, halo, levels=levels(plan), allow_delete=True, journal=journal)

    assert report.ok, report.results
    assert [(seen.method, seen.path) for seen in tap.seen] == [
        ("POST", "/Workflow"),
        ("POST", "/TicketRules"),
        ("DELETE", f"/Workflow/{old['id']}"),
    ]
    for seen, name in zip(tap.seen, ["Flow", "Rule", "Old"], strict=True):
        last = seen.lines[-1]
        assert (last["type"], last["method"], last["path"]) == ("sending", seen.method, seen.path)
        assert [resource["name"] for resource in last["resources"]] == [name]
        assert seen.size in synced, "all of the journal was fsynced before the write left"
    lines = _lines(journal.path)
    assert [line["type"] for line in lines] == ["header", *("sending", "outcome") * 3, "end"]
    assert [change["name"] for change in lines[0]["changes"]] == ["Flow", "Rule", "Old"]
    assert lines[-1]["summary"] == report.summary()
    assert synced[-1] == journal.path.stat().st_size, "the last line is fsynced"


async def test_a_cancelled_apply_says_it_was_interrupted_and_what_ran(
    emu: Emulator, halo: HaloClient, tap: Watch, journal: JournalFile
) -> None:
    plan = _three_workflows()
    tap.hold = 2
    task = asyncio.create_task(
        apply_plan(plan, halo, levels=levels(plan), batch_size=1, journal=journal)
    )
    await asyncio.wait_for(tap.holding.wait(), timeout=5)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    state = read_journal(journal.path)
    assert state.stopped == INTERRUPTED
    assert state.interrupted and not state.finished
    assert [entry.progress for entry in state.entries] == [
        Progress.APPLIED,
        Progress.IN_FLIGHT,
        Progress.NOT_STARTED,
    ]
    text = render_journal(state, title=False)
    assert text.splitlines()[0].startswith("ok      created Workflow 'A' (id ")
    assert text.splitlines()[1:] == [
        "UNKNOWN in flight: create Workflow 'B': the run ended between recording this "
        "request and Halo's answer, so it may or may not have been sent: plan again to see",
        "--      not started: create Workflow 'C'",
        "Stopped: interrupted",
        "interrupted: 1 applied, 1 in flight (outcome unknown), 1 not started.",
    ]


async def test_a_bug_mid_run_still_closes_the_journal(
    emu: Emulator, halo: HaloClient, journal: JournalFile
) -> None:
    def explode(_event: object) -> None:
        raise RuntimeError("a bug")

    plan = _three_workflows()
    with pytest.raises(RuntimeError):
        await apply_plan(plan, halo, levels=levels(plan), on_event=explode, journal=journal)

    assert read_journal(journal.path).stopped == "the apply stopped: internal error (RuntimeError)"


class FailingSink(JournalFile):
    """A journal whose disk fills up at the first write announced."""

    def sending(self, method: str, path: str, changes: Sequence[Change]) -> None:
        raise OSError(28, "No space left on device")


async def test_a_write_the_journal_cannot_record_is_not_sent(
    emu: Emulator, halo: HaloClient, tap: Watch, journal_path: Path
) -> None:
    plan = _three_workflows()
    with FailingSink(journal_path) as sink, pytest.raises(ApplyError) as raised:
        await apply_plan(plan, halo, levels=levels(plan), journal=sink)

    assert not tap.seen
    assert emu.records("Workflow") == []
    assert "could not write the apply's journal: [Errno 28] No space left" in str(raised.value)
    report = raised.value.report
    assert isinstance(report, ApplyReport)
    assert report.count(Status.SKIPPED) == 3


async def test_no_journal_no_apply(
    emu: Emulator, halo: HaloClient, tap: Watch, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    sink = JournalFile(tmp_path / "file" / "run.jsonl")  # its folder cannot be made

    with pytest.raises(ApplyError, match="could not write the apply's journal"):
        await apply_plan(_three_workflows(), halo, journal=sink)
    assert not tap.bodies()


async def test_neither_secret_nor_payload_reaches_the_journal(
    emu: Emulator, halo: HaloClient, tap: Watch, journal: JournalFile
) -> None:
    def echo(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.method != "POST" or not request.url.path.startswith(API):
            return response
        sent = json.loads(request.content)[0]["new_client_secret"]
        return httpx.Response(400, json={"[0].new_client_secret": f"{sent} is bad"})

    tap.rewrite = echo
    payload = {"guid": new_guid(), "name": "RMM", "event_key": "rmm-payload-marker"}
    plan = plan_of(create(EVENT_RULE, {**payload, "new_client_secret": "${env:X}"}))

    report = await apply_plan(
        plan, halo, levels=levels(plan), environ={"X": SECRET}, journal=journal
    )

    assert report.results[0].status is Status.FAILED
    text = journal.path.read_text(encoding="utf-8")
    assert "is bad" in text  # Halo's message is kept, scrubbed
    assert SECRET not in text
    assert "rmm-payload-marker" not in text


def _result(change: Change, status: Status) -> ResourceResult:
    return ResourceResult.of(change, status, None if status is Status.APPLIED else "why", 7)


@pytest.fixture
def five() -> Plan:
    return plan_of(*(create(WORKFLOW, workflow(new_guid(), name)) for name in "ABCDE"))


def test_the_reader_tells_applied_failed_in_flight_and_not_started(
    five: Plan, journal: JournalFile
) -> None:
    a, b, c, d, _ = five.changes
    journal.begin(five)
    journal.sending("POST", "/Workflow", [a, b])
    journal.outcome(_result(a, Status.APPLIED))
    journal.outcome(_result(b, Status.FAILED))
    journal.outcome(_result(d, Status.SKIPPED))
    journal.sending("POST", "/Workflow", [c])

    state = read_journal(journal.path)

    assert [entry.progress for entry in state.entries] == [
        Progress.APPLIED,
        Progress.FAILED,
        Progress.IN_FLIGHT,
        Progress.SKIPPED,
        Progress.NOT_STARTED,
    ]
    assert state.last is None and state.writes == 2
    assert state.interrupted and not state.truncated
    assert render_journal(state).splitlines()[-2:] == [
        "Cut off: the run ended without recording how (killed, or its machine stopped)",
        "interrupted: 1 applied, 1 failed, 1 skipped, 1 in flight (outcome unknown), "
        "1 not started.",
    ]


def test_a_second_write_of_an_applied_change_is_in_flight_until_confirmed(
    five: Plan, journal: JournalFile
) -> None:
    a = five.changes[0]
    journal.begin(five)
    journal.sending("POST", "/Workflow", [a])
    journal.outcome(_result(a, Status.APPLIED))
    journal.sending("POST", "/Workflow", [a])  # the second pass
    [entry, *_] = read_journal(journal.path).entries
    assert entry.progress is Progress.IN_FLIGHT
    assert entry.result is not None and entry.result.live_id == 7

    journal.outcome(_result(a, Status.APPLIED))
    assert read_journal(journal.path).entries[0].progress is Progress.APPLIED


async def test_a_reference_cycle_reads_back_applied(
    emu: Emulator, halo: HaloClient, journal: JournalFile
) -> None:
    a, b = new_guid(), new_guid()
    steps = [{"step_id": 1, "name": "Logged", "isstart": True, "new_flow_id": ref(WORKFLOW, b)}]
    first = create(WORKFLOW, workflow(a, "A"), deferred={"steps": steps})
    second = create(WORKFLOW, workflow(b, "B"), depends_on=[first.key])
    plan = plan_of(first, second)

    assert (await apply_plan(plan, halo, levels=[[first], [second]], journal=journal)).ok

    state = read_journal(journal.path)
    assert state.finished and state.writes == 3
    assert {entry.progress for entry in state.entries} == {Progress.APPLIED}


def test_a_half_written_last_line_is_ignored(five: Plan, journal: JournalFile) -> None:
    journal.begin(five)
    journal.sending("POST", "/Workflow", list(five.changes[:1]))
    journal.close()
    with journal.path.open("a", encoding="utf-8") as file:
        file.write('{"type":"outcome","at":"2025-01-01T00:00:00Z","key":"Work')

    state = read_journal(journal.path)

    assert state.truncated and state.last is None
    assert state.count(Progress.IN_FLIGHT) == 1
    assert "(killed mid-line)" in render_journal(state)


def test_a_damaged_line_inside_the_journal_is_an_error(five: Plan, journal: JournalFile) -> None:
    journal.begin(five)
    journal.close()
    with journal.path.open("a", encoding="utf-8") as file:
        file.write("{not json\n")
        file.write('{"type":"note","at":"2025-01-01T00:00:00Z","message":"m"}\n')

    with pytest.raises(ConfigError, match=r"run\.jsonl:2: not a JSON line"):
        read_journal(journal.path)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "holds no complete line"),
        ('{"type":"note"}\n', "not a haloform journal"),
        ('{"type":"header","format":2}\n', "journal format 2; this haloform reads format 1"),
    ],
)
def test_what_is_not_a_journal_is_refused(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=error):
        read_journal(path)


def test_how_a_run_ended(five: Plan, tmp_path: Path) -> None:
    def run(name: str, stopped: str | None, send: bool) -> None:
        with JournalFile(tmp_path / name) as sink:
            sink.begin(five)
            if send:
                sink.sending("POST", "/Workflow", list(five.changes))
            report = ApplyReport(
                environment="test", tenant="t", plan_digest=five.digest, stopped=stopped
            )
            sink.finish(report)

    run("finished", None, True)
    run("refused", "deletes not allowed", False)
    run("stopped", "the apply stopped: token refused", True)
    finished, refused, stopped = (
        read_journal(tmp_path / n) for n in ("finished", "refused", "stopped")
    )
    assert finished.finished and not finished.interrupted
    assert refused.stopped == "deletes not allowed" and not refused.interrupted
    assert stopped.interrupted and stopped.count(Progress.IN_FLIGHT) == 5


def test_a_finished_run_reads_back_as_the_report_it_printed(five: Plan, journal_path: Path) -> None:
    clock = iter(datetime(2025, 1, 2, 3, 4, second, tzinfo=UTC) for second in range(60))
    journal = JournalFile(journal_path, clock=lambda: next(clock))
    a, b, *_ = five.changes
    journal.begin(five)
    journal.sending("POST", "/Workflow", [a, b])
    journal.outcome(_result(a, Status.APPLIED))
    journal.outcome(_result(b, Status.FAILED))
    report = ApplyReport(environment="test", tenant="embedded:test", plan_digest=five.digest)
    journal.finish(report)

    state = read_journal(journal.path)

    assert render_journal(state).splitlines() == [
        f"Apply to test (embedded:test) started 2025-01-02 03:04:00 UTC, plan {five.digest[:12]}:",
        "ok      created Workflow 'A' (id 7)",
        "FAILED  failed: create Workflow 'B': why",
        "--      not started: create Workflow 'C'",
        "--      not started: create Workflow 'D'",
        "--      not started: create Workflow 'E'",
        report.summary(),
    ]
    assert (
        how_it_ended(state)
        == "the last apply to test (started 2025-01-02 03:04:00 UTC) ran to its end"
    )


def test_plan_warns_in_one_line(five: Plan, journal: JournalFile) -> None:
    journal.begin(five)
    journal.sending("POST", "/Workflow", list(five.changes[:2]))
    journal.close()

    warning = interrupted_warning(read_journal(journal.path))

    assert "\n" not in warning
    assert warning.startswith("Warning: the last apply to test (started ")
    assert warning.endswith(
        " UTC) was interrupted: 0 applied, 2 in flight (outcome unknown), 3 not started; "
        "'haloform apply --resume' shows what it did and finishes the job."
    )


def test_an_apply_with_nothing_to_do_is_journaled_as_finished(journal: JournalFile) -> None:
    record_nothing_to_do(plan_of(), journal)
    state = read_journal(journal.path)
    assert state.finished and state.entries == ()


def test_journals_are_named_by_time_and_plan_and_the_latest_is_found(tmp_path: Path) -> None:
    early = datetime(2025, 1, 2, 3, 4, 5, 600_000, tzinfo=UTC)
    late = datetime(2025, 1, 2, 3, 4, 6, tzinfo=UTC)
    first = new_journal_path(tmp_path, "prod", "ab" * 32, early)
    assert first == tmp_path / "prod" / "20250102T030405.600000Z-abababababab.jsonl"
    assert latest_journal(tmp_path, "prod") is None
    second = new_journal_path(tmp_path, "prod", "cd" * 32, late)
    for path in (second, first):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    assert latest_journal(tmp_path, "prod") == second
    assert latest_journal(tmp_path, "dev") is None
