"""The road to the tenant: TLS verified, plain http only to this machine, and a clear
message (fast) when the host is unknown, refuses, or never answers.

Knobs: an environment sets ``timeout_s`` and ``retries`` in haloform.yaml (one test
below uses them as an admin would); ``HALO_URL`` has no such file, so ``fast_network``
patches both where the CLI builds its client, and these tests take seconds, not minutes.
"""

from __future__ import annotations

import concurrent.futures
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from haloform.emulator import Emulator, EmulatorConfig
from tests.security.servers import (
    Certificate,
    Run,
    assert_one_clear_error,
    closed_port,
    fast_network,
    forget_live_tenant,
    haloform,
    minimal_repo,
    project_yaml,
    real_network,
    running_tls_server,
    self_signed_certificate,
    silent_port,
)

CLIENT_ID, CLIENT_SECRET = "haloform-emulator", "S3NT1NEL-transport-secret"
TIMEOUT_S = 0.2


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_live_tenant(monkeypatch)
    fast_network(monkeypatch, timeout_s=TIMEOUT_S, max_retries=2)
    monkeypatch.setenv("LIVE_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("LIVE_CLIENT_SECRET", CLIENT_SECRET)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path / "repo"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the CLI asked httpx's network transport to send to."""
    urls: list[str] = []
    original = httpx.AsyncHTTPTransport.handle_async_request

    async def spy(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return await original(self, request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", spy)
    return urls


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_tenant(certificate: Certificate) -> Iterator[tuple[Emulator, str]]:
    emu = Emulator(EmulatorConfig(client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    try:
        with running_tls_server(emu, certificate) as url:
            yield emu, url
    finally:
        emu.close()


def assert_refused(result: Run, expected: str) -> None:
    """One clear error, and the client secret nowhere in it."""
    assert_one_clear_error(result, expected)
    assert CLIENT_SECRET not in result.output


# --- TLS ----------------------------------------------------------------------------------


def test_a_self_signed_certificate_is_refused_clearly(
    tls_tenant: tuple[Emulator, str], repo: Path
) -> None:
    emu, url = tls_tenant
    minimal_repo(repo, project_yaml({"live": url}))

    result = haloform("plan", str(repo))

    assert_refused(
        result,
        "Error: GET /api/authinfo: TLS certificate verification failed for 127.0.0.1: "
        "self-signed certificate; if the tenant uses a private CA, trust its CA bundle "
        "(an environment's ca_bundle in haloform.yaml)",
    )
    assert emu.requests == [], "no request got through the handshake"


def test_the_environment_ca_bundle_makes_the_same_tenant_work(
    tls_tenant: tuple[Emulator, str], certificate: Certificate, repo: Path
) -> None:
    emu, url = tls_tenant
    minimal_repo(repo, project_yaml({"live": url}, ca_bundle=str(certificate.cert)))

    result = haloform("plan", str(repo), "--detailed-exitcode")

    assert result.code == 2, str(result)
    assert "+ create TicketRule" in result.stdout
    assert ("POST", "/auth/token") in {(r.method, r.path) for r in emu.requests}


def test_halo_url_trusts_the_ca_in_ssl_cert_file(
    tls_tenant: tuple[Emulator, str],
    certificate: Certificate,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HALO_URL has no ca_bundle; httpx's SSL_CERT_FILE is the way to a private CA."""
    _, url = tls_tenant
    minimal_repo(repo, "version: 1\n")
    monkeypatch.setenv("HALO_URL", url)
    monkeypatch.setenv("HALO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("HALO_CLIENT_SECRET", CLIENT_SECRET)

    refused = haloform("plan", str(repo))
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    trusted = haloform("plan", str(repo))

    assert_refused(refused, "TLS certificate verification failed for 127.0.0.1")
    assert trusted.code == 0, str(trusted)


def test_a_ca_bundle_that_is_not_there_is_named(repo: Path, sent: list[str]) -> None:
    minimal_repo(repo, project_yaml({"live": "https://127.0.0.1:9"}, ca_bundle="/no/such.pem"))

    result = haloform("plan", str(repo))

    assert_refused(result, "Error: cannot use the CA bundle /no/such.pem")
    assert sent == []


# --- plain http ---------------------------------------------------------------------------

COMMANDS = {
    "plan": ("plan", "{repo}"),
    "apply": ("apply", "{repo}", "--auto-approve"),
    "export": ("export", "{repo}", "--out", "{repo}/../exported"),
    "lookups": ("lookups", "--repo", "{repo}"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_plain_http_to_another_host_is_refused_before_any_connection(
    command: str, repo: Path, sent: list[str]
) -> None:
    minimal_repo(repo, project_yaml({"live": "http://halo.example.com"}))

    result = haloform(*(arg.format(repo=repo) for arg in COMMANDS[command]))

    assert_refused(
        result, "Error: environment 'live': url uses plain http to halo.example.com; haloform"
    )
    assert sent == []


def test_plain_http_in_halo_url_is_refused_naming_the_variable(
    repo: Path, sent: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    minimal_repo(repo, "version: 1\n")
    monkeypatch.setenv("HALO_URL", "http://10.1.2.3:8080")
    monkeypatch.setenv("HALO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("HALO_CLIENT_SECRET", CLIENT_SECRET)

    result = haloform("plan", str(repo))

    assert_refused(result, "Error: HALO_URL uses plain http to 10.1.2.3")
    assert sent == []


# --- hosts that do not answer -------------------------------------------------------------


def test_a_refused_connection_is_named_with_host_and_port(repo: Path) -> None:
    port = closed_port()
    minimal_repo(repo, project_yaml({"live": f"http://127.0.0.1:{port}"}))

    result = haloform("plan", str(repo))

    assert_refused(result, f"Error: GET /api/authinfo: connection refused by 127.0.0.1:{port}")


def _resolves_quickly(host: str, timeout_s: float = 3.0) -> bool:
    """Whether a lookup of ``host`` fails (or succeeds) within ``timeout_s``."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(socket.getaddrinfo, host, 443)
    try:
        future.result(timeout=timeout_s)
    except socket.gaierror:
        return True
    except concurrent.futures.TimeoutError:
        return False
    finally:
        pool.shutdown(wait=False)
    return True


def test_an_unknown_host_is_named_quickly(repo: Path) -> None:
    if not _resolves_quickly("nonexistent.invalid"):
        pytest.skip("DNS lookups hang in this sandbox")
    minimal_repo(repo, project_yaml({"live": "https://nonexistent.invalid"}))
    started = time.monotonic()

    result = haloform("plan", str(repo))

    assert_refused(result, "Error: GET /api/authinfo: could not resolve host ")
    assert "nonexistent.invalid" in result.stderr
    assert time.monotonic() - started < 10


def test_a_tenant_that_never_answers_times_out(repo: Path) -> None:
    with silent_port() as port:
        minimal_repo(repo, project_yaml({"live": f"http://127.0.0.1:{port}"}))
        started = time.monotonic()

        result = haloform("plan", str(repo))

    assert_refused(
        result,
        f"Error: GET /api/authinfo: no complete answer from 127.0.0.1 within {TIMEOUT_S:g} s",
    )
    assert time.monotonic() - started < 3 * TIMEOUT_S + 2


def test_an_environment_sets_its_own_timeout_and_retries(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_network(monkeypatch)  # no fast_network: the haloform.yaml knobs alone
    project = project_yaml({"live": "http://127.0.0.1:{port}"})
    knobs = (
        "    timeout_s: 0.2\n    retries: {max_retries: 1, base_delay_s: 0.01, max_delay_s: 0.01}\n"
    )
    with silent_port() as port:
        minimal_repo(repo, project.replace("{port}", str(port)) + knobs)
        started = time.monotonic()

        result = haloform("plan", str(repo))

    assert_refused(
        result, "Error: GET /api/authinfo: no complete answer from 127.0.0.1 within 0.2 s"
    )
    assert time.monotonic() - started < 5
