"""Issue 15 through the command line, with the client exactly as the CLI builds it: a
broken tenant is reported in seconds, a Retry-After of a day stops the run at once, and
long waits are said on stderr, never in a ``--format json`` document."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.servers import (
    Answer,
    ScriptedTenant,
    assert_one_clear_error,
    closed_port,
    forget_live_tenant,
    haloform,
    minimal_repo,
    project_yaml,
    real_network,
    scripted_server,
)


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_live_tenant(monkeypatch)
    real_network(monkeypatch)
    monkeypatch.setenv("LIVE_CLIENT_ID", "haloform")
    monkeypatch.setenv("LIVE_CLIENT_SECRET", "S3NT1NEL-never-hang")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path / "repo"


@pytest.fixture
def tenant() -> ScriptedTenant:
    return ScriptedTenant()


@pytest.fixture
def served(tenant: ScriptedTenant, repo: Path) -> Iterator[str]:
    with scripted_server(tenant) as url:
        yield url


def test_nothing_listening_is_reported_in_seconds_with_the_url_and_what_to_check(
    repo: Path,
) -> None:
    port = closed_port()
    minimal_repo(repo, project_yaml({"live": f"http://127.0.0.1:{port}"}))
    started = time.monotonic()

    result = haloform("plan", str(repo))

    assert_one_clear_error(result, f"connection refused by 127.0.0.1:{port} (after 4 attempts)")
    assert f"tried http://127.0.0.1:{port}/api/authinfo" in result.stderr
    assert "check that the URL" in result.stderr
    assert time.monotonic() - started < 15


def test_an_html_500_on_every_get_gives_up_in_seconds(
    repo: Path, tenant: ScriptedTenant, served: str
) -> None:
    tenant.script["/api/workflow"] = Answer.html("500 - Internal server error.", status=500)
    minimal_repo(repo, project_yaml({"live": served}))
    started = time.monotonic()

    result = haloform("plan", str(repo))

    assert_one_clear_error(result, "-> 500: server error (after 4 attempts): an HTML page")
    assert time.monotonic() - started < 15


def test_a_retry_after_of_a_day_stops_the_run_at_once_saying_why(
    repo: Path, tenant: ScriptedTenant, served: str
) -> None:
    tenant.script["/api/workflow"] = Answer.json([], status=429, **{"Retry-After": "100000"})
    minimal_repo(repo, project_yaml({"live": served}))
    started = time.monotonic()

    result = haloform("plan", str(repo))

    assert_one_clear_error(result, "asks to wait 100000 s (Retry-After), more than one rate")
    assert time.monotonic() - started < 5


def test_a_long_rate_limit_pause_is_announced_on_stderr_and_json_stays_clean(
    repo: Path, served: str
) -> None:
    limit = "    rate_limit: {requests: 3, window_s: 3.5}\n"  # a plan makes more
    minimal_repo(repo, project_yaml({"live": served}) + limit)

    result = haloform("plan", str(repo), "--format", "json")

    assert result.code in (0, 2), str(result)
    assert "waiting" not in result.stdout
    json.loads(result.stdout)
    announced = r"haloform: waiting \d s for the rate limit \(3 requests per 3\.5 s\)"
    assert re.search(announced, result.stderr), str(result)
