"""Small loopback servers for the security tests, and the command line run against them.

Every server binds 127.0.0.1 on a free port, runs in a daemon thread and is shut down
when its ``with`` block ends, whatever the test did. ``ScriptedTenant`` is a Halo that
signs clients in properly and then answers what a test scripts (an HTML page, cut-off
JSON, a 429 forever); ``running_tls_server`` is the emulator behind a self-signed
certificate; ``silent_port`` accepts connections and never answers; ``closed_port`` is
a port nothing listens on.

The CLI has no option for its HTTP timeout or retry policy, so ``fast_network`` patches
both where the CLI builds its client; see the report in ``test_transport.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import uvicorn
from click.testing import CliRunner

from haloform.cli.main import cli
from haloform.emulator import Emulator
from haloform.halo import HaloClient, RetryPolicy
from haloform.tasks import workspace
from tests.conftest import LIVE_TENANT_VARIABLES

LOOPBACK = "127.0.0.1"
SCRIPTED_TOKEN = "S3NT1NEL-scripted-access-token"
_STARTUP_TIMEOUT_S = 10.0


# --- the command line ---------------------------------------------------------------------


class Run(NamedTuple):
    """One ``haloform`` invocation: what it printed and how it exited."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return (
            f"haloform {' '.join(self.args)} exited {self.code}\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


def haloform(*args: str) -> Run:
    """Run the CLI in-process, as ``haloform ARGS`` from the current directory."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return Run(args, result.exit_code, result.stdout, result.stderr)


def assert_one_clear_error(result: Run, expected: str) -> None:
    """Exit 1 with exactly one ``Error:`` line holding ``expected``, and no traceback."""
    assert result.code == 1, str(result)
    assert "Traceback" not in result.output, str(result)
    assert "Internal error" not in result.output, str(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, str(result)
    assert expected in errors[0], str(result)


def forget_live_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may pick up a real tenant from the developer's environment."""
    for name in LIVE_TENANT_VARIABLES:
        monkeypatch.delenv(name, raising=False)


CLI_CLIENT = (workspace.HaloClient, workspace._retry_policy)
"""How the CLI builds its client when nothing is patched (see ``fast_network``)."""


def real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo ``fast_network``: the client exactly as the CLI builds it."""
    monkeypatch.setattr(workspace, "HaloClient", CLI_CLIENT[0])
    monkeypatch.setattr(workspace, "_retry_policy", CLI_CLIENT[1])


def fast_network(
    monkeypatch: pytest.MonkeyPatch, *, timeout_s: float = 30.0, max_retries: int = 6
) -> None:
    """The CLI's client with millisecond retry waits and ``timeout_s``, whichever route
    picked the tenant (``HALO_URL`` has no haloform.yaml to hold ``timeout_s`` and
    ``retries``); the defaults (30 s, 5 s doubling to 60 s) would take minutes."""
    policy = RetryPolicy(
        max_retries=max_retries, base_delay_s=0.001, max_delay_s=0.002, rate_limit_patience_s=0
    )
    monkeypatch.setattr(workspace, "_retry_policy", lambda environment: policy)

    def client(*args: Any, **kwargs: Any) -> HaloClient:
        return HaloClient(*args, **{**kwargs, "timeout": timeout_s})

    monkeypatch.setattr(workspace, "HaloClient", client)


def project_yaml(
    environments: Mapping[str, str], *, ca_bundle: str | None = None, default: str | None = None
) -> str:
    """A ``haloform.yaml`` whose environments are live tenants at the given URLs, each
    taking its credentials from ``<NAME>_CLIENT_ID`` / ``<NAME>_CLIENT_SECRET``."""
    lines = ["version: 1", f"default_environment: {default or next(iter(environments))}"]
    lines += ["variables: {network_team: Network}", "environments:"]
    for name, url in environments.items():
        lines += [
            f"  {name}:",
            f"    url: {url}",
            f"    client_id_env: {name.upper()}_CLIENT_ID",
            f"    client_secret_env: {name.upper()}_CLIENT_SECRET",
        ]
        if ca_bundle is not None:
            lines.append(f"    ca_bundle: {ca_bundle}")
    return "\n".join(lines) + "\n"


MINIMAL_RULE = textwrap.dedent(
    """\
    kind: TicketRule
    guid: 0d5c8f52-35a4-4c36-9d53-1f0a4b7e2c11
    name: Reference-free rule
    precedence: 40
    """
)
"""A resource that references nothing, so a plan needs no lookup to succeed."""


def minimal_repo(root: Path, project: str) -> Path:
    """A repo of one reference-free ticket rule, with ``project`` as its haloform.yaml."""
    (root / "ticket-rules").mkdir(parents=True)
    (root / "ticket-rules" / "rule.yaml").write_text(MINIMAL_RULE, encoding="utf-8")
    (root / "haloform.yaml").write_text(project, encoding="utf-8")
    return root


# --- a scripted Halo ----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the scripted tenant sends back."""

    status: int = 200
    body: bytes | str = b"[]"
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    claimed_length: int | None = None
    """A Content-Length larger than the body, to cut the answer off mid-way."""

    @classmethod
    def json(cls, value: object, status: int = 200, **headers: str) -> Answer:
        return cls(status, json.dumps(value), headers=headers)

    @classmethod
    def html(cls, title: str, status: int = 200) -> Answer:
        page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body>x</body></html>"
        return cls(status, page, "text/html")

    @property
    def data(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else self.body


class Served(NamedTuple):
    method: str
    path: str


class ScriptedTenant:
    """A Halo on loopback: ``/api/authinfo`` and ``/auth/token`` work (unless scripted),
    every other path answers an empty list unless ``script`` maps it (case-insensitive,
    without the query) to an ``Answer``."""

    def __init__(self, script: Mapping[str, Answer] | None = None) -> None:
        self.script = {path.lower(): answer for path, answer in (script or {}).items()}
        self.requests: list[Served] = []
        self.url = ""

    def answer(self, method: str, path: str) -> Answer:
        self.requests.append(Served(method, path))
        scripted = self.script.get(path.split("?", 1)[0].lower())
        if scripted is not None:
            return scripted
        if path == "/api/authinfo":
            return Answer.json({"auth_url": f"{self.url}/auth", "tenant_id": "scripted"})
        if path.startswith("/auth/token"):
            token = {"token_type": "Bearer", "access_token": SCRIPTED_TOKEN, "expires_in": 3600}
            return Answer.json(token)
        return Answer()

    def sent(self, method: str, path: str) -> int:
        """How many requests ``method path`` (query ignored) the tenant received."""
        return sum(1 for r in self.requests if (r.method, r.path.split("?")[0]) == (method, path))


class _Handler(BaseHTTPRequestHandler):
    server: _ScriptedServer

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = self.server.tenant.answer(self.command, self.path)
        data = answer.data
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(answer.claimed_length or len(data)))
        self.send_header("Connection", "close")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read the tenant's request log instead."""


class _ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64
    """The client opens 8 connections at once; the default backlog of 5 drops some
    handshakes, which the kernel then retries only after a second."""

    def __init__(self, tenant: ScriptedTenant) -> None:
        self.tenant = tenant
        super().__init__((LOOPBACK, 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that hung up (a command that stopped at its first error)
        is no failure, and the default prints to whatever ``sys.stderr`` is now, which
        may be the output of the command under test."""


@contextmanager
def scripted_server(tenant: ScriptedTenant) -> Iterator[str]:
    """Serve ``tenant`` on loopback; yields (and sets ``tenant.url`` to) its base URL."""
    server = _ScriptedServer(tenant)
    tenant.url = f"http://{LOOPBACK}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield tenant.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=_STARTUP_TIMEOUT_S)


# --- TLS ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def self_signed_certificate(directory: Path) -> Certificate:
    """A self-signed CA certificate for 127.0.0.1 and localhost, made by ``openssl``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a certificate")
    directory.mkdir(parents=True, exist_ok=True)
    made = Certificate(directory / "halo-ca.pem", directory / "halo-key.pem")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
            *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
            *("-keyout", str(made.key), "-out", str(made.cert)),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return made


@contextmanager
def running_tls_server(emulator: Emulator, certificate: Certificate) -> Iterator[str]:
    """The emulator over https on a free loopback port (``running_server``, with TLS)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOOPBACK, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        emulator.app,
        lifespan="off",
        log_config=None,
        access_log=False,
        ssl_certfile=str(certificate.cert),
        ssl_keyfile=str(certificate.key),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _STARTUP_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the TLS server did not start")
            time.sleep(0.005)
        yield f"https://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_STARTUP_TIMEOUT_S)
        sock.close()


# --- sockets that do not answer -----------------------------------------------------------


@contextmanager
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel completes the handshake from the
    listen backlog) and never reads or answers a byte."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, 0))
        sock.listen(64)
        yield sock.getsockname()[1]
    finally:
        sock.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
    return port


# --- the real executable ------------------------------------------------------------------


def haloform_process(
    args: list[str], cwd: Path, env: Mapping[str, str], timeout_s: float = 60
) -> Run:
    """``haloform ARGS`` in a child process, where ``--debug`` really configures logging
    (under pytest, the root logger already has handlers, so ``basicConfig`` is a no-op)."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    # The child imports the same haloform as the test (a worktree's src/), from its cwd.
    search = [str(Path(entry).resolve()) for entry in sys.path if entry.endswith("src")]
    keep["PYTHONPATH"] = os.pathsep.join(search)
    code = "from haloform.cli.main import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env={**keep, **env},
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    return Run(tuple(args), done.returncode, done.stdout, done.stderr)
