"""An apply cut short: by Ctrl-C, by a killed process, and what the next command makes of
it. Every apply leaves a journal in ``.haloform/journal/<env>/``; an interrupted one
says what was applied, what was in flight and what never started, ``plan`` warns about
it, and ``apply --resume`` reports it and converges from the tenant's truth.

The subprocess tests run ``haloform apply`` against the emulator on a loopback socket,
behind a gate that holds one write after reading it whole: the test waits until the
write is held (so its ``sending`` line is in the journal), interrupts or kills the
process, and only then lets the write land, as a slow Halo would after its client died.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from haloform.apply import JournalState, Progress, latest_journal, read_journal
from haloform.emulator import Emulator, running_server
from haloform.load.settings import load_project
from haloform.tasks.journals import tenant_key
from haloform.tasks.workspace import choose
from tests.e2e.conftest import LIVE_TENANT_VARIABLES, Haloform
from tests.repo_builder import write_repo

TIMEOUT_S = 15
CREDENTIALS = {"HF_TEST_CLIENT_ID": "haloform-emulator", "HF_TEST_CLIENT_SECRET": "emulator-secret"}
HALOFORM = "from haloform.cli.main import main; main()"
WORKFLOWS = {
    "Alpha": "0c7c5f0e-1d1a-4b8e-9a51-1f6c2b3d4e01",
    "Bravo": "0c7c5f0e-1d1a-4b8e-9a51-1f6c2b3d4e02",
    "Charlie": "0c7c5f0e-1d1a-4b8e-9a51-1f6c2b3d4e03",
}
RULE = """
    kind: TicketRule
    guid: 0c7c5f0e-1d1a-4b8e-9a51-1f6c2b3d4e04
    name: Alerts to Alpha
    precedence: 10
    new_workflow_id: {workflow: Alpha}
"""


def _workflow(name: str) -> str:
    return f"""
        kind: Workflow
        guid: {WORKFLOWS[name]}
        name: {name}
        steps:
          - {{step_id: 1, name: Logged, isstart: true}}
    """


class Gate:
    """ASGI middleware before the emulator: the ``hold``-th write to ``/api`` is read
    whole, then held until ``release()``, then handed on, client or no client."""

    def __init__(self, app: ASGIApp, hold: int) -> None:
        self.app, self.hold, self.writes = app, hold, 0
        self.held = threading.Event()
        self.released = threading.Event()

    def release(self) -> None:
        self.released.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_write(scope):
            self.writes += 1
            if self.writes == self.hold:
                receive = await self._held(receive)
        await self.app(scope, receive, send)

    async def _held(self, receive: Receive) -> Receive:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.held.set()
        await asyncio.to_thread(self.released.wait, TIMEOUT_S)
        messages: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        return replay


def _is_write(scope: Scope) -> bool:
    """A write to the API (the token request is a POST too, but not one of them)."""
    return (
        scope["type"] == "http"
        and scope["method"] in ("POST", "DELETE")
        and str(scope["path"]).startswith("/api/")
    )


@dataclass(frozen=True)
class LiveTenant:
    url: str
    emu: Emulator
    gate: Gate


@pytest.fixture
def tenant() -> Iterator[LiveTenant]:
    """The emulator on loopback, its second write held at the gate (let go at the end)."""
    emu = Emulator()
    gate = Gate(emu.app, hold=2)
    emu.app = gate  # type: ignore[assignment]
    try:
        with running_server(emu) as url:
            try:
                yield LiveTenant(url, emu, gate)
            finally:
                gate.release()
    finally:
        emu.close()


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tenant: LiveTenant) -> Haloform:
    """A repo of three workflows and a rule, its environment the tenant on loopback."""
    url = tenant.url
    project = f"""
        version: 1
        default_environment: live
        environments:
          live:
            url: {url}
            client_id_env: HF_TEST_CLIENT_ID
            client_secret_env: HF_TEST_CLIENT_SECRET
    """
    files = {f"workflows/{name.lower()}.yaml": _workflow(name) for name in WORKFLOWS}
    root = write_repo(tmp_path / "repo", {"haloform.yaml": project, "rules.yaml": RULE, **files})
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    return Haloform(root)


@contextmanager
def _apply_process(root: Path) -> Iterator[subprocess.Popen[str]]:
    """``haloform apply`` in its own process, one write per POST; killed if still running."""
    env = {k: v for k, v in os.environ.items() if k not in LIVE_TENANT_VARIABLES}
    command = [sys.executable, "-c", HALOFORM, "apply", ".", "--auto-approve", "--batch-size", "1"]
    process = subprocess.Popen(
        command,
        cwd=root,
        env={**env, **CREDENTIALS},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT_S)


def _journal_when_held(root: Path, gate: Gate, process: subprocess.Popen[str]) -> Path:
    """The running apply's journal, once its second write is held at the tenant; the
    journal's last line then announces that very write."""
    if not gate.held.wait(TIMEOUT_S):
        process.kill()
        pytest.fail(f"the write was never held: {process.communicate(timeout=TIMEOUT_S)}")
    path = latest_journal(root / ".haloform" / "journal", journal_key(root, "live"))
    assert path is not None
    last = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert (last["type"], last["method"]) == ("sending", "POST")
    assert [resource["name"] for resource in last["resources"]] == ["Bravo"]
    return path


def _progress(state: JournalState) -> dict[str, Progress]:
    return {entry.change.name: entry.progress for entry in state.entries}


def _landed(emu: Emulator, name: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while name not in {row["name"] for row in emu.records("Workflow")}:
        assert time.monotonic() < deadline, f"{name} never landed"
        time.sleep(0.01)


def _assert_converged_without_duplicates(live: Haloform, emu: Emulator) -> None:
    result = live("plan", ".", "--detailed-exitcode")
    assert "No changes" in result.stdout
    assert "interrupted" not in result.stderr
    for resource in ("Workflow", "TicketRules"):
        rows = emu.records(resource)
        for field in ("guid", "name"):
            counts = Counter(str(row[field]) for row in rows)
            assert max(counts.values()) == 1, f"duplicate {resource} {field}s: {counts}"
    assert {row["name"] for row in emu.records("Workflow")} == set(WORKFLOWS)
    assert [row["name"] for row in emu.records("TicketRules")] == ["Alerts to Alpha"]


EXPECTED = {
    "Alpha": Progress.APPLIED,
    "Bravo": Progress.IN_FLIGHT,
    "Charlie": Progress.NOT_STARTED,
    "Alerts to Alpha": Progress.NOT_STARTED,
}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_an_interrupted_apply_prints_what_ran_and_exits_128_plus_the_signal(
    live: Haloform, tenant: LiveTenant, stop: signal.Signals, code: int
) -> None:
    gate, emu = tenant.gate, tenant.emu
    with _apply_process(live.root) as process:
        path = _journal_when_held(live.root, gate, process)
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)

    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert "Stopped: interrupted" in stdout
    assert "interrupted: 1 applied, 1 in flight (outcome unknown), 2 not started." in stdout
    assert "UNKNOWN in flight: create Workflow 'Bravo'" in stdout
    assert f"The journal of this apply is {path.relative_to(live.root)}" in stderr
    state = read_journal(path)
    assert state.stopped == "interrupted"
    assert _progress(state) == EXPECTED

    gate.release()
    _landed(emu, "Bravo")
    warned = live("plan", ".").stderr
    assert "Warning: the last apply to live" in warned
    assert "was interrupted: 1 applied, 1 in flight (outcome unknown), 2 not started" in warned
    assert "'haloform apply --resume'" in warned


def test_a_killed_apply_leaves_its_write_in_flight_and_resume_converges(
    live: Haloform, tenant: LiveTenant
) -> None:
    gate, emu = tenant.gate, tenant.emu
    with _apply_process(live.root) as process:
        path = _journal_when_held(live.root, gate, process)
        process.kill()
        process.wait(timeout=TIMEOUT_S)

    state = read_journal(path)
    assert state.last is None and state.interrupted
    assert _progress(state) == EXPECTED

    gate.release()
    _landed(emu, "Bravo")  # the write in flight did land, after its client died
    resumed = live("apply", "--resume", ".", "--auto-approve")

    assert "interrupted: 1 applied, 1 in flight (outcome unknown), 2 not started." in (
        resumed.stdout
    )
    assert f"Resuming from .haloform/journal/{journal_key(live.root, 'live')}/" in resumed.stderr
    assert "Plan: 2 to create, 0 to update, 0 to delete." in resumed.stdout
    assert "Apply: 2 created, 0 updated, 0 deleted; 0 failed, 0 not attempted." in resumed.stdout
    _assert_converged_without_duplicates(live, emu)


def test_resume_after_a_finished_apply_says_so_and_applies_as_usual(repo: Haloform) -> None:
    repo.write({"workflows/alpha.yaml": _workflow("Alpha")})
    assert "No earlier apply to local is journaled" in repo.apply("--resume", ".").stderr
    repo.write({"workflows/bravo.yaml": _workflow("Bravo")})

    resumed = repo.apply("--resume", ".")

    assert "Nothing to resume: the last apply to local (started " in resumed.stderr
    assert "ran to its end." in resumed.stderr
    assert "Apply: 1 created, 0 updated, 0 deleted" in resumed.stdout


def test_resume_takes_no_saved_plan(repo: Haloform) -> None:
    repo.write({"workflows/alpha.yaml": _workflow("Alpha")})
    repo("plan", ".", "--out", "plan.json")
    refused = repo.apply("--resume", "plan.json", code=1)
    assert "--resume plans afresh from the tenant" in refused.stderr


def test_an_apply_with_nothing_to_do_settles_an_interrupted_one(repo: Haloform) -> None:
    repo.write({"workflows/alpha.yaml": _workflow("Alpha")})
    repo.apply()
    journals = repo.root / ".haloform" / "journal" / journal_key(repo.root, "local")
    [first] = journals.iterdir()
    lines = first.read_text(encoding="utf-8").splitlines()
    first.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # cut off after sending
    assert "was interrupted: 0 applied, 1 in flight" in repo("plan", ".").stderr

    resumed = repo.apply("--resume", ".")

    assert "UNKNOWN in flight: create Workflow 'Alpha'" in resumed.stdout
    assert "No changes" in resumed.stdout
    assert len(list(journals.iterdir())) == 2
    assert "Warning" not in repo("plan", ".").stderr


def test_an_unreadable_journal_is_a_warning_not_a_failure(repo: Haloform) -> None:
    repo.write({"workflows/alpha.yaml": _workflow("Alpha")})
    broken = (
        repo.root
        / ".haloform"
        / "journal"
        / journal_key(repo.root, "local")
        / "20250101T000000.000000Z-x.jsonl"
    )
    broken.parent.mkdir(parents=True)
    broken.write_text("not a journal\n", encoding="utf-8")
    result = repo("plan", ".", "--detailed-exitcode", code=2)
    assert "Warning: cannot read the last apply's journal:" in result.stderr


SENTINEL = "SENTINEL-rmm-secret-7c1e"
EVENT_RULE = """
    kind: EventRule
    guid: 0c7c5f0e-1d1a-4b8e-9a51-1f6c2b3d4e05
    name: RMM webhook
    event_key: rmm-webhook
    new_client_secret: ${env:HF_RMM_SECRET}
"""


def test_no_secret_reaches_the_output_or_the_journal(
    repo: Haloform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_RMM_SECRET", SENTINEL)
    repo.write({"event-rules/rmm.yaml": EVENT_RULE})

    result = repo("apply", ".", "--auto-approve", "-vv")

    assert "created EventRule 'RMM webhook'" in result.stdout
    [journal] = (repo.root / ".haloform" / "journal" / journal_key(repo.root, "local")).iterdir()
    text = journal.read_text(encoding="utf-8")
    assert "RMM webhook" in text
    for seen in (result.stdout, result.stderr, text):
        assert SENTINEL not in seen
        assert "new_client_secret" not in seen  # no payload either
    [saved] = repo.records("EventRule")
    assert saved["name"] == "RMM webhook"


def journal_key(root: Path, env: str) -> str:
    """The folder of ``env``'s journals: keyed by environment and tenant."""
    return tenant_key(choose(load_project(root), env, root))


def _journal_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_apply_leaves_a_finished_journal(repo: Haloform) -> None:
    repo.write({"workflows/alpha.yaml": _workflow("Alpha")})
    repo.apply()
    [path] = (repo.root / ".haloform" / "journal" / journal_key(repo.root, "local")).iterdir()
    lines = _journal_lines(path)
    header = lines[0]
    assert header["environment"] == "local" and header["tenant"] == "embedded:local"
    assert path.name.endswith(f"-{header['plan_digest'][:12]}.jsonl")
    assert header["changes"] == [
        {
            "key": f"Workflow/{WORKFLOWS['Alpha']}",
            "kind": "Workflow",
            "name": "Alpha",
            "action": "create",
        }
    ]
    assert [line["type"] for line in lines] == ["header", "sending", "outcome", "end"]
    assert (
        lines[-1]["summary"] == "Apply: 1 created, 0 updated, 0 deleted; 0 failed, 0 not attempted."
    )
