"""An apply's journal as a JSON-lines file, and what reading one back says ran.

The file is the record that outlives the process: a Ctrl-C, a crash or a killed CI job
leaves it readable, and the next ``apply --resume`` starts from it. One JSON object a
line, each with a ``type``::

    header    format, haloform's version, environment, tenant, plan digest, start time,
              and the plan's changes as key, kind, name and action
    sending   a write about to go out: method, path, kind, and its resources' keys,
              names and actions (never a payload)
    outcome   one resource's result: status, live id, a scrubbed message
    note      what the applier did about a lost or partial answer
    end       the run went through: the summary it printed
    stopped   the run stopped early: why (``interrupted`` for a Ctrl-C), and the summary

Lines are written with unbuffered ``os.write`` calls, so a process killed outright
loses none it wrote; ``header``, ``sending`` and the last line are also fsynced (which
makes every line before them durable) before the call returns, so the request a
``sending`` line announces never goes out unrecorded. A run killed after that leaves
a ``sending`` line without outcomes, which reads as *in flight, outcome unknown*; a
run killed mid-line leaves a half line at the end, which the reader ignores.

Where journals live is the caller's choice (the CLI keeps them in the repo's state
folder): ``new_journal_path`` and ``latest_journal`` only name files in a directory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from haloform import __version__
from haloform.apply.ids import change_key
from haloform.apply.report import ApplyReport, ResourceResult, Status
from haloform.errors import ConfigError
from haloform.plan.model import Action, Change, Plan
from haloform.resolve.edges import edge_key

JOURNAL_FORMAT = 1
"""Bumped when the lines change incompatibly."""
SUFFIX = ".jsonl"


class _Line(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedChange(_Line):
    """A change of the plan as the journal names it: never its payload."""

    key: str
    """``Kind/<guid>``, the guid in one spelling."""
    kind: str
    name: str
    action: Action


class Header(_Line):
    type: Literal["header"] = "header"
    format: int = JOURNAL_FORMAT
    haloform: str = __version__
    environment: str
    tenant: str
    plan_digest: str
    started: datetime
    changes: tuple[PlannedChange, ...] = ()


class Sending(_Line):
    type: Literal["sending"] = "sending"
    at: datetime
    method: str
    path: str
    kind: str
    resources: tuple[PlannedChange, ...]


class OutcomeLine(_Line):
    type: Literal["outcome"] = "outcome"
    at: datetime
    key: str
    result: ResourceResult


class Note(_Line):
    type: Literal["note"] = "note"
    at: datetime
    message: str


class End(_Line):
    type: Literal["end"] = "end"
    at: datetime
    summary: str
    requests: int


class Stopped(_Line):
    type: Literal["stopped"] = "stopped"
    at: datetime
    reason: str
    summary: str
    requests: int


JournalLine = Annotated[
    Header | Sending | OutcomeLine | Note | End | Stopped, Field(discriminator="type")
]
_LINE: TypeAdapter[JournalLine] = TypeAdapter(JournalLine)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _planned(change: Change) -> PlannedChange:
    return PlannedChange(
        key=change_key(change), kind=change.kind, name=change.name, action=change.action
    )


class JournalFile:
    """A ``JournalSink`` writing the file at ``path``, created by ``begin`` (never
    over an existing file) and closed by ``finish`` or ``close``."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.path = path
        self._clock = clock
        self._fd: int | None = None

    def begin(self, plan: Plan) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        _sync_directory(self.path.parent)
        header = Header(
            environment=plan.environment,
            tenant=plan.tenant,
            plan_digest=plan.digest,
            started=self._clock(),
            changes=tuple(_planned(change) for change in plan.changes),
        )
        self._write(header, sync=True)

    def sending(self, method: str, path: str, changes: Sequence[Change]) -> None:
        resources = tuple(_planned(change) for change in changes)
        kind = changes[0].kind if changes else ""
        line = Sending(at=self._clock(), method=method, path=path, kind=kind, resources=resources)
        self._write(line, sync=True)

    def outcome(self, result: ResourceResult) -> None:
        key = edge_key(result.kind, result.guid)
        self._write(OutcomeLine(at=self._clock(), key=key, result=result))

    def note(self, message: str) -> None:
        self._write(Note(at=self._clock(), message=message))

    def finish(self, report: ApplyReport) -> None:
        at, summary, requests = self._clock(), report.summary(), report.requests
        line: End | Stopped = (
            End(at=at, summary=summary, requests=requests)
            if report.stopped is None
            else Stopped(at=at, reason=report.stopped, summary=summary, requests=requests)
        )
        try:
            self._write(line, sync=True)
        finally:
            self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> JournalFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _write(self, line: _Line, *, sync: bool = False) -> None:
        if self._fd is None:
            raise OSError(f"{self.path} is not open")
        data = memoryview((line.model_dump_json() + "\n").encode("utf-8"))
        while data:
            data = data[os.write(self._fd, data) :]
        if sync:
            os.fsync(self._fd)


def _sync_directory(directory: Path) -> None:
    """Make the new file's name durable too; directories cannot be opened on Windows."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_journal_path(
    directory: Path, environment: str, digest: str, now: datetime | None = None
) -> Path:
    """``<directory>/<environment>/<UTC time>-<digest[:12]>.jsonl``: names sort by time."""
    stamp = (now or utc_now()).astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return directory / environment / f"{stamp}-{digest[:12]}{SUFFIX}"


def latest_journal(directory: Path, environment: str) -> Path | None:
    """The journal of ``environment``'s last apply, if it has one."""
    folder = directory / environment
    found = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    return found[-1] if found else None


class Progress(StrEnum):
    """Where one change of a journaled run got to."""

    APPLIED = "applied"
    FAILED = "failed"
    UNKNOWN = "unknown"
    """Answered, but whether Halo saved it could not be found out."""
    SKIPPED = "skipped"
    """Not sent: something it depends on was not applied, or deletes were refused."""
    IN_FLIGHT = "in flight"
    """Sent, and the run ended before its outcome was recorded."""
    NOT_STARTED = "not started"


_PROGRESS = {status: Progress(status.value) for status in Status}


@dataclass(frozen=True)
class Entry:
    change: PlannedChange
    progress: Progress
    result: ResourceResult | None = None
    """Its last recorded outcome; for one in flight, that of an earlier write of it
    (a second pass), if any."""


@dataclass(frozen=True)
class JournalState:
    """What a journal says ran, change by change, and how the run ended."""

    path: Path
    header: Header
    entries: tuple[Entry, ...]
    last: End | Stopped | None
    """The run's last word; None when it was cut off (killed, or the machine stopped)."""
    writes: int
    """Writes the run sent (POSTs and DELETEs)."""
    notes: tuple[str, ...] = ()
    truncated: bool = False
    """The file ends in a half-written line (the run was killed mid-write)."""

    def count(self, progress: Progress) -> int:
        return sum(1 for entry in self.entries if entry.progress is progress)

    @property
    def finished(self) -> bool:
        """The run went through to its end (whatever its outcomes)."""
        return isinstance(self.last, End)

    @property
    def stopped(self) -> str | None:
        return self.last.reason if isinstance(self.last, Stopped) else None

    @property
    def interrupted(self) -> bool:
        """It began sending and did not get to its end: stopped, cancelled or killed.
        (A run refused before sending anything is not.)"""
        return not self.finished and self.writes > 0


def read_journal(path: Path) -> JournalState:
    """The state of the run ``path`` records. A half-written last line is ignored;
    raises ``ConfigError`` for a file that is not a journal this haloform reads."""
    lines, truncated = _read_lines(path)
    if not lines:
        raise ConfigError("the journal holds no complete line", file=str(path))
    header = _header(path, lines[0])
    results: dict[str, ResourceResult] = {}
    pending: set[str] = set()
    notes: list[str] = []
    last: End | Stopped | None = None
    writes = 0
    for number, raw in lines[1:]:
        line = _parse(path, number, raw)
        if isinstance(line, Sending):
            writes += 1
            pending.update(resource.key for resource in line.resources)
        elif isinstance(line, OutcomeLine):
            results[line.key] = line.result
            pending.discard(line.key)
        elif isinstance(line, Note):
            notes.append(line.message)
        elif isinstance(line, End | Stopped):
            last = line
        else:
            raise ConfigError("a second journal header", file=str(path), line=number)
    entries = tuple(_entry(change, results, pending) for change in header.changes)
    return JournalState(path, header, entries, last, writes, tuple(notes), truncated)


def _entry(change: PlannedChange, results: dict[str, ResourceResult], pending: set[str]) -> Entry:
    result = results.get(change.key)
    if change.key in pending:
        return Entry(change, Progress.IN_FLIGHT, result)
    if result is None:
        return Entry(change, Progress.NOT_STARTED)
    return Entry(change, _PROGRESS[result.status], result)


def _read_lines(path: Path) -> tuple[list[tuple[int, Any]], bool]:
    """The file's lines as JSON values with their numbers; True when the last one was
    cut off mid-write (and left out)."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        raise ConfigError(f"cannot read the journal: {error.strerror}", file=str(path)) from None
    raw_lines = text.split("\n")
    tail = raw_lines.pop()  # after the last newline: "" unless cut off mid-line
    lines: list[tuple[int, Any]] = []
    for number, raw in enumerate(raw_lines, start=1):
        if raw.strip():
            lines.append((number, _json(path, number, raw)))
    if not tail.strip():
        return lines, False
    try:
        lines.append((len(raw_lines) + 1, json.loads(tail)))
    except ValueError:
        return lines, True
    return lines, False


def _json(path: Path, number: int, raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise ConfigError("not a JSON line", file=str(path), line=number) from None


def _header(path: Path, first: tuple[int, Any]) -> Header:
    number, raw = first
    if not isinstance(raw, dict) or raw.get("type") != "header":
        raise ConfigError("not a haloform journal (no header)", file=str(path), line=number)
    if raw.get("format") != JOURNAL_FORMAT:
        raise ConfigError(
            f"journal format {raw.get('format')}; this haloform reads format {JOURNAL_FORMAT}",
            file=str(path),
            line=number,
        )
    line = _parse(path, number, raw)
    assert isinstance(line, Header)
    return line


def _parse(path: Path, number: int, raw: Any) -> JournalLine:
    try:
        return _LINE.validate_python(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = f"not a journal line ({where}: {first['msg']})"
        raise ConfigError(message, file=str(path), line=number) from None
