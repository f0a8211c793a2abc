"""No secret leaves the process: every command, at every verbosity, against real sockets.

Two emulated tenants are served on loopback with sentinel client secrets, and one event
rule carries a sentinel webhook secret (``${env:RULE_SECRET}``). After every command of
a whole workflow (validate, add-guids, schemas, plan, plan --out, apply of the saved
plan, apply of the directory, export, lookups, diff), run with -v, -vv or --debug and
reaching the tenant through haloform.yaml or HALO_URL, nothing haloform printed, logged
(DEBUG, httpx and httpcore included) or wrote under the test's directories holds either
secret, in any encoding, or any access token the tenants issued. The emulators keep
their tenants in memory, so every file under ``tmp_path`` is haloform's own.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from haloform.emulator import Emulator, EmulatorConfig, running_server
from tests.security.servers import (
    Answer,
    Run,
    ScriptedTenant,
    forget_live_tenant,
    haloform,
    haloform_process,
    minimal_repo,
    project_yaml,
    scripted_server,
)

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
CLIENT_ID = "haloform-emulator"
CLIENT_SECRET = "S3NT1NEL-client-secret-prod+/=&x"
"""Characters that form- and URL-encoding change, so an echoed form body is caught too."""
DEV_SECRET = "S3NT1NEL-client-secret-dev+/=&y"
RULE_SECRET = "S3NT1NEL-webhook-secret+/=&z"
WRONG_SECRET = "S3NT1NEL-wrong-secret+/=&w"
SENTINELS = (CLIENT_SECRET, DEV_SECRET, RULE_SECRET, WRONG_SECRET)
SECRET_LINE = "new_client_secret: ${env:RULE_SECRET}"


def _forms(secret: str) -> set[str]:
    return {secret, quote_plus(secret), quote(secret, safe="")}


def _leaks(text: str, tokens: Iterable[str]) -> list[str]:
    """Which forbidden strings occur in ``text``."""
    forbidden = {form for secret in SENTINELS for form in _forms(secret)} | set(tokens)
    found = sorted(secret for secret in forbidden if secret in text)
    if re.search(r"Bearer\s+[\w.~+/=-]{8,}", text):
        found.append("a bearer token")
    return found


def _files(root: Path) -> dict[str, str]:
    """Every file under ``root``, as text (undecodable bytes replaced)."""
    return {
        str(path.relative_to(root)): path.read_bytes().decode("utf-8", "replace")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@dataclass
class Tenants:
    """The two served emulators: ``prod`` (A) and ``dev`` (B)."""

    prod: Emulator
    dev: Emulator
    prod_url: str
    dev_url: str

    def tokens(self) -> set[str]:
        """Every access token either tenant issued (kept until they expire)."""
        return set(self.prod.tenant.grants) | set(self.dev.tenant.grants)


@pytest.fixture
def tenants() -> Iterator[Tenants]:
    prod = Emulator(EmulatorConfig(client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    dev = Emulator(EmulatorConfig(client_id=CLIENT_ID, client_secret=DEV_SECRET, id_offset=500))
    try:
        with running_server(prod) as prod_url, running_server(dev) as dev_url:
            yield Tenants(prod, dev, prod_url, dev_url)
    finally:
        prod.close()
        dev.close()


@pytest.fixture
def repo(tmp_path: Path, tenants: Tenants, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The examples, their haloform.yaml pointing at the served tenants, one event rule
    with a webhook secret; the working directory of the test."""
    forget_live_tenant(monkeypatch)
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".haloform"))
    project = project_yaml({"prod": tenants.prod_url, "dev": tenants.dev_url})
    (root / "haloform.yaml").write_text(project, encoding="utf-8")
    rule = root / "event-rules" / "rmm.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("event_key: rmm-disk\n", f"event_key: rmm-disk\n{SECRET_LINE}\n"))
    for name, secret in (("PROD", CLIENT_SECRET), ("DEV", DEV_SECRET)):
        monkeypatch.setenv(f"{name}_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv(f"{name}_CLIENT_SECRET", secret)
    monkeypatch.setenv("RULE_SECRET", RULE_SECRET)
    monkeypatch.chdir(root)
    return root


def _use_halo_url(monkeypatch: pytest.MonkeyPatch, url: str, secret: str) -> None:
    monkeypatch.setenv("HALO_URL", url)
    monkeypatch.setenv("HALO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("HALO_CLIENT_SECRET", secret)


def _every_command(flags: tuple[str, ...], repo: Path) -> list[Run]:
    """The whole life of a config repo, each command with ``flags``; all must succeed."""
    runs: list[Run] = []

    def run(*args: str, code: int = 0) -> None:
        result = haloform(*args, *flags)
        assert result.code == code, str(result)
        runs.append(result)

    run("validate", ".")
    run("add-guids", ".", "--dry-run")
    run("schemas", "--out", "schemas")
    run("plan", ".", "--out", "plan.json")
    run("apply", "plan.json", "--auto-approve")
    problem = repo / "workflows" / "problem.yaml"
    problem.write_text(problem.read_text().replace("recurring incidents", "repeat incidents"))
    run("apply", ".", "--auto-approve")
    run("plan", ".", "--format", "json", "--detailed-exitcode")
    run("plan", ".", "--format", "markdown")
    run("export", ".", "--out", "exported")
    run("lookups", "--repo", ".")
    run("diff", ".", "--env", "prod", "--env", "dev")
    return runs


SCENARIOS = [
    ("haloform.yaml", ()),
    ("haloform.yaml", ("-v",)),
    ("haloform.yaml", ("-vv",)),
    ("haloform.yaml", ("--debug",)),
    ("HALO_URL", ("-vv", "--debug")),
]
"""Each costs seconds against real sockets: every flag through haloform.yaml, and the
most talkative combination through HALO_URL."""


@pytest.mark.parametrize(
    ("route", "flags"), SCENARIOS, ids=[f"{r} {' '.join(f) or 'quiet'}" for r, f in SCENARIOS]
)
def test_no_command_shows_logs_or_writes_a_secret_or_a_token(
    route: str,
    flags: tuple[str, ...],
    repo: Path,
    tenants: Tenants,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    if route == "HALO_URL":
        _use_halo_url(monkeypatch, tenants.prod_url, CLIENT_SECRET)

    runs = _every_command(flags, repo)

    [stored] = [r for r in tenants.prod.records("EventRule") if r["name"] == "RMM disk alerts"]
    assert stored.get("new_client_secret") == RULE_SECRET, "the secret did reach the tenant"
    tokens = tenants.tokens()
    assert tokens, "the tenants issued tokens, so the scan below means something"
    assert {"httpx", "httpcore.http11", "haloform.halo.session"} <= {
        record.name for record in caplog.records
    }, "DEBUG logging was captured"
    assert "${env:RULE_SECRET}" in (repo / "plan.json").read_text(), "the plan keeps the name"
    leaks = {f"{' '.join(r.args)}: output": _leaks(r.output, tokens) for r in runs}
    leaks["logging"] = _leaks(caplog.text, tokens)
    leaks.update({path: _leaks(text, tokens) for path, text in _files(tmp_path).items()})
    assert {where: found for where, found in leaks.items() if found} == {}


def test_with_debug_in_a_real_process_the_debug_log_holds_no_secret(
    repo: Path, tenants: Tenants
) -> None:
    """Under pytest ``--debug``'s ``logging.basicConfig`` finds handlers and does
    nothing; in a real process it logs everything, httpcore included, to stderr."""
    env = {key: os.environ[key] for key in os.environ if key.endswith("_SECRET")}
    env.update(PROD_CLIENT_ID=CLIENT_ID, DEV_CLIENT_ID=CLIENT_ID)

    loud = ["-vv", "--debug"]
    planned = haloform_process(["plan", ".", "--out", "plan.json", *loud], repo, env)
    applied = haloform_process(["apply", "plan.json", "--auto-approve", *loud], repo, env)

    assert (planned.code, applied.code) == (0, 0), f"{planned}\n{applied}"
    assert "DEBUG httpcore" in applied.stderr, "the debug log was really on"
    assert "POST /EventRule" in applied.stderr
    tokens = tenants.tokens()
    assert tokens
    assert _leaks(planned.output + applied.output, tokens) == []
    assert _leaks("".join(_files(repo).values()), tokens) == []


@pytest.mark.parametrize("flags", [(), ("--debug",)], ids=["quiet", "debug"])
def test_a_wrong_secret_is_named_by_its_variable_never_shown(
    flags: tuple[str, ...],
    repo: Path,
    tenants: Tenants,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("PROD_CLIENT_SECRET", WRONG_SECRET)

    result = haloform("plan", ".", *flags)

    assert result.code == 1, str(result)
    [message] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "POST /auth/token -> 400: the token endpoint refused client id" in message
    assert f"environment 'prod' at {tenants.prod_url}" in message
    assert "PROD_CLIENT_SECRET" in message
    assert ("Traceback" in result.stderr) == bool(flags)
    assert _leaks(result.output + caplog.text, tenants.tokens()) == []
    assert {r.path for r in tenants.prod.requests} == {"/api/authinfo", "/auth/token"}


def test_a_wrong_halo_client_secret_is_named_by_its_variable_never_shown(
    repo: Path, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_halo_url(monkeypatch, tenants.prod_url, WRONG_SECRET)

    result = haloform("export", ".", "--out", "exported")

    assert result.code == 1, str(result)
    assert "the token endpoint refused client id 'haloform-emulator'" in result.stderr
    assert f"{tenants.prod_url}, credentials from HALO_CLIENT_ID and HALO_CLIENT_SECRET" in (
        result.stderr
    )
    assert _leaks(result.output, tenants.tokens()) == []
    assert not (repo / "exported").exists()


def test_a_missing_secret_variable_is_named_and_nothing_is_sent(
    repo: Path, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROD_CLIENT_SECRET")

    result = haloform("plan", ".")

    assert result.code == 1, str(result)
    assert result.stderr == (
        f"Error: environment 'prod' ({tenants.prod_url}) needs its credentials in "
        "PROD_CLIENT_SECRET\n"
    )
    assert tenants.prod.requests == []


@pytest.mark.parametrize("command", [("plan", "."), ("apply", ".", "--auto-approve")])
def test_a_missing_webhook_secret_stops_the_run_before_any_write_naming_file_and_field(
    repo: Path, tenants: Tenants, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.delenv("RULE_SECRET")
    before = {r["name"] for r in tenants.prod.records("EventRule")}

    result = haloform(*command)

    assert result.code == 1, str(result)
    assert "error: new_client_secret: environment variable RULE_SECRET is not set" in (
        result.stderr
    )
    assert ".yaml:" in result.stderr  # file and line
    assert {r["name"] for r in tenants.prod.records("EventRule")} == before
    assert [r for r in tenants.prod.requests if r[0] != "GET"] == []


def test_a_saved_plan_whose_secret_is_missing_is_refused_before_any_write(
    repo: Path, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert haloform("plan", ".", "--out", "plan.json").code in (0, 2)
    monkeypatch.delenv("RULE_SECRET")
    before = {r["name"] for r in tenants.prod.records("EventRule")}

    result = haloform("apply", "plan.json", "--auto-approve")

    assert result.code == 1, str(result)
    assert "new_client_secret: environment variable RULE_SECRET is not set" in result.stderr
    assert "nothing was applied" in result.stderr
    assert {r["name"] for r in tenants.prod.records("EventRule")} == before


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_literal_secret_in_a_file_is_refused_without_being_repeated(
    command: str, repo: Path, tenants: Tenants
) -> None:
    rule = repo / "event-rules" / "rmm.yaml"
    rule.write_text(rule.read_text().replace("${env:RULE_SECRET}", RULE_SECRET))

    result = haloform(command, ".", "--debug")

    assert result.code == 1, str(result)
    assert "new_client_secret" in result.output
    assert "${env:NAME}" in result.output
    assert _leaks(result.output, ()) == []
    assert tenants.prod.requests == []


def test_a_tenant_that_echoes_the_secret_in_its_refusal_is_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    forget_live_tenant(monkeypatch)
    echo = {"error": "invalid_client", "error_description": f"no client with {CLIENT_SECRET}"}
    tenant = ScriptedTenant({"/auth/token": Answer.json(echo, 401)})
    with scripted_server(tenant) as url:
        minimal_repo(tmp_path / "repo", project_yaml({"prod": url}))
        monkeypatch.setenv("PROD_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("PROD_CLIENT_SECRET", CLIENT_SECRET)
        monkeypatch.chdir(tmp_path / "repo")

        result = haloform("plan", ".", "-vv", "--debug")

    assert result.code == 1, str(result)
    assert "invalid_client: no client with **********" in result.stderr
    assert _leaks(result.output + caplog.text, ()) == []
