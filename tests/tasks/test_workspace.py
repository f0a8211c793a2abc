"""The HALO_URL route's knobs, and the rate budget a live tenant shares across processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haloform.errors import ConfigError
from haloform.load.settings import Environment, Project
from haloform.tasks import workspace

URL = "https://acme.halopsa.com"


def test_the_halo_url_route_takes_every_knob_from_variables() -> None:
    environ = {
        "HALO_RATE_LIMIT": "450",
        "HALO_RATE_WINDOW_S": "120",
        "HALO_TIMEOUT_S": "12.5",
        "HALO_RETRIES": " 2 ",
    }
    environment = workspace.environment_from_env(URL, environ)
    assert environment.url == URL
    assert (environment.rate_limit.requests, environment.rate_limit.window_s) == (450, 120.0)
    assert environment.timeout_s == 12.5
    assert environment.retries.max_retries == 2
    assert environment.retries.base_delay_s == Environment(url=URL).retries.base_delay_s


def test_without_variables_the_halo_url_route_has_the_environment_defaults() -> None:
    assert workspace.environment_from_env(URL, {"HALO_TIMEOUT_S": " "}) == Environment(url=URL)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("HALO_RATE_LIMIT", "0", "HALO_RATE_LIMIT='0': must be greater than or equal to 1"),
        ("HALO_TIMEOUT_S", "soon", "HALO_TIMEOUT_S='soon': must be a valid number"),
        ("HALO_RETRIES", "-1", "HALO_RETRIES='-1': must be greater than or equal to 0"),
    ],
)
def test_a_bad_knob_names_its_variable(name: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        workspace.environment_from_env(URL, {name: value})
    assert str(raised.value).startswith(expected)


def test_choose_gives_the_halo_url_target_its_knobs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HALO_URL", URL)
    monkeypatch.setenv("HALO_CLIENT_ID", "id")
    monkeypatch.setenv("HALO_CLIENT_SECRET", "secret")
    monkeypatch.setenv("HALO_RATE_LIMIT", "500")
    target = workspace.choose(Project(), None, tmp_path)
    assert target.name == "HALO_URL"
    assert target.environment.rate_limit.requests == 500


def test_rate_budgets_live_in_the_users_state_directory(tmp_path: Path) -> None:
    assert workspace.rate_budget_dir({"XDG_STATE_HOME": str(tmp_path)}) == (
        tmp_path / "haloform" / "rate-budgets"
    )
    default = workspace.rate_budget_dir({})
    assert default == Path.home() / ".local" / "state" / "haloform" / "rate-budgets"


async def test_consecutive_clients_of_a_live_tenant_share_one_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    environment = workspace.environment_from_env(URL, {"HALO_RATE_LIMIT": "50"})
    for _ in range(2):  # as two processes in a row would build them
        limiter = workspace._rate_limiter(environment, workspace.QUIET)
        assert limiter.shared is not None and limiter.limit == 50
        await limiter.acquire()
    (budget,) = (tmp_path / "haloform" / "rate-budgets").glob("rate-*.json")
    written = json.loads(budget.read_text(encoding="utf-8"))
    assert written["tenant"] == URL and len(written["starts"]) == 2


def test_the_embedded_emulator_keeps_its_budget_in_process() -> None:
    assert workspace._rate_limiter(Environment(emulator=True), workspace.QUIET).shared is None
