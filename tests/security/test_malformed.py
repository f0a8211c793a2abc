"""A tenant that answers nonsense gets one clear error, never a traceback.

A scripted Halo on loopback signs the client in properly and then answers one endpoint
with something Halo should never send: a proxy's HTML page, cut-off JSON, wrong types,
an error object under a 200, a 500 page, a 401 after a good token, a 429 forever. The
command exits 1 with a single ``Error:`` line naming the request and what was wrong.
Retry waits are patched to milliseconds (``fast_network``): the CLI has no knob.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.servers import (
    Answer,
    ScriptedTenant,
    assert_one_clear_error,
    fast_network,
    forget_live_tenant,
    haloform,
    minimal_repo,
    project_yaml,
    scripted_server,
)

RULE_GUID = "0d5c8f52-35a4-4c36-9d53-1f0a4b7e2c11"
"""The guid of ``MINIMAL_RULE``, the repo's only resource."""
OTHER_GUID = "6a3a4c1e-2b7d-4f11-8d0a-3c9e5f7b1a22"
WORKFLOW_GUID = "1f6ac796-fe29-4d73-a70d-5a99c2fb514f"
RATE_LIMIT = {"Message": "Rate Limit Reached - 300 Requests per rolling 5 minute window"}
DOTNET_ERROR = {"ClassName": "System.NullReferenceException", "Message": "Object reference"}
TOO_DEEP = "[" * 5000 + "]" * 5000
"""Deeper than Python's recursion limit: ``json.loads`` itself gives up."""
DEEP = json.loads("[" * 200 + "]" * 200)
"""Decodable, but deeper than anything that reads it later should have to handle."""

CASES: dict[str, tuple[str, Answer, str]] = {
    # name: (path answered, the answer, what the message must say after "METHOD /path")
    "html page with 200": (
        "/api/Workflow",
        Answer.html("Sign in - Corporate Proxy"),
        "-> 200: the answer is an HTML page titled 'Sign in - Corporate Proxy' instead of JSON",
    ),
    "truncated json": (
        "/api/Workflow",
        Answer(200, '[{"id": 1, "name": "Incident'),
        "-> 200: the answer is not valid JSON: it ends early (truncated?)",
    ),
    "invalid json": (
        "/api/TicketRules",
        Answer(200, "[{'id': 1}]"),
        "-> 200: the answer is not valid JSON: Expecting property name enclosed",
    ),
    "a list of strings": (
        "/api/Workflow",
        Answer.json(["Incident", "Problem"]),
        "-> 200: expected records, but item 0 is a string",
    ),
    "an object where a list belongs": (
        "/api/TicketRules",
        Answer.json({"id": 4, "name": "One rule"}),
        "-> 200: expected a list of records, got an object with fields id, name",
    ),
    "null": ("/api/EventRule", Answer.json(None), "-> 200: expected a list of records, got null"),
    # plan lists only the lookups the repo names (none here), so these use kinds' lists
    "a number": (
        "/api/TicketRules",
        Answer.json(7),
        "-> 200: expected a list of records, got a number",
    ),
    "an empty body": (
        "/api/Workflow",
        Answer(200, ""),
        "-> 200: the answer is empty where Halo sends JSON",
    ),
    "resultCode error with 200": (
        "/api/Workflow",
        Answer.json({"resultCode": -1, "errorMessage": "Licence expired"}),
        "-> 200: Halo reported an error with a success status: Licence expired",
    ),
    ".NET exception with 200": (
        "/api/EventRule",
        Answer.json(DOTNET_ERROR),
        "-> 200: Halo reported an error with a success status: Object reference",
    ),
    "nested past the recursion limit": (
        "/api/Workflow",
        Answer(200, TOO_DEEP),
        "-> 200: the answer is not usable JSON: it is nested more than 64 levels deep",
    ),
    "nested deep inside a record": (
        "/api/TicketRules",
        Answer.json([{"id": 4, "guid": RULE_GUID, "name": "Deep", "criteria": DEEP}]),
        "-> 200: the answer is not usable JSON: it is nested more than 64 levels deep",
    ),
    "500 html page": (
        "/api/Workflow",
        Answer.html("500 - Internal server error.", 500),
        "-> 500: server error (after 4 attempts): an HTML page titled "
        "'500 - Internal server error.' instead of JSON",
    ),
    "500 nested past the recursion limit": (
        "/api/Workflow",
        Answer(500, TOO_DEEP),
        "-> 500: server error (after 4 attempts): [[[[",
    ),
    "401 after a good token": (
        "/api/Workflow",
        Answer.json({"Message": "Authorization has been denied for this request."}, 401),
        "-> 401: the tenant refused the access token: Authorization has been denied",
    ),
    "403": (
        "/api/TicketRules",
        Answer(403, "Forbidden", "text/plain"),
        "-> 403: forbidden (check the API application's permissions and scope): Forbidden",
    ),
    "429 forever": (
        "/api/Workflow",
        Answer.json(RATE_LIMIT, 429),
        "-> 429: rate limited (after 7 attempts): Rate Limit Reached - 300 Requests per",
    ),
    "answer cut off mid-body": (
        "/api/Workflow",
        Answer(200, '[{"id": 1', claimed_length=4096),
        ": the connection to 127.0.0.1 broke before the answer arrived",
    ),
    "a detail that is a list": (
        "/api/Workflow/7",
        Answer.json([{"id": 7}, {"id": 8}]),
        "-> 200: expected one record, got a list of 2",
    ),
    "token answer is an html page": (
        "/auth/token",
        Answer.html("Login"),
        "-> 200: the answer is an HTML page titled 'Login' instead of JSON",
    ),
    "token answer without access_token": (
        "/auth/token",
        Answer.json({"token_type": "Bearer", "expires_in": 3600}),
        "-> 200: the token answer has no access_token: an object with fields expires_in",
    ),
    "token answer is a list": (
        "/auth/token",
        Answer.json(["token"]),
        "-> 200: the token endpoint answered a list of 1, not a token",
    ),
}
"""Every other endpoint answers an empty list, so the case's endpoint is the only fault."""

WORKFLOW_FILE = f"""\
kind: Workflow
guid: {WORKFLOW_GUID}
name: Problem Management
steps:
  - {{step_id: 1, name: Investigate, isstart: true}}
  - {{step_id: 2, name: Closed, isend: true}}
"""
"""A reference-free workflow; its live twin (id 7) needs a detail GET to compare steps."""


def _route(path: str) -> str:
    """How haloform names a request: API paths without ``/api``, auth paths as they are."""
    return path.removeprefix("/api")


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_live_tenant(monkeypatch)
    fast_network(monkeypatch)
    monkeypatch.setenv("LIVE_CLIENT_ID", "haloform")
    monkeypatch.setenv("LIVE_CLIENT_SECRET", "S3NT1NEL-malformed")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def serve(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedTenant]:
    """A scripted tenant, served, that the repo's only environment points at."""
    tenant = ScriptedTenant()
    with scripted_server(tenant) as url:
        minimal_repo(repo, project_yaml({"live": url}))
        monkeypatch.chdir(repo)
        yield tenant


@pytest.mark.parametrize("case", CASES)
def test_plan_reports_a_malformed_answer_naming_the_request(
    case: str, serve: ScriptedTenant, repo: Path
) -> None:
    path, answer, complaint = CASES[case]
    serve.script = {path.lower(): answer}
    if path == "/api/Workflow/7":
        (repo / "workflows").mkdir()
        (repo / "workflows" / "problem.yaml").write_text(WORKFLOW_FILE)
        row = {"id": 7, "guid": WORKFLOW_GUID, "name": "Problem Management"}
        serve.script["/api/workflow"] = Answer.json([row])
    method = "POST" if path.startswith("/auth") else "GET"

    result = haloform("plan", ".")

    separator = "" if complaint.startswith(":") else " "
    assert_one_clear_error(result, f"Error: {method} {_route(path)}{separator}{complaint}")
    assert serve.sent(method, path) >= 1


@pytest.mark.parametrize("command", ["export", "lookups", "apply", "diff"])
def test_every_reading_command_reports_it_the_same_way(
    command: str, serve: ScriptedTenant, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # apply's plan lists only the lookups the repo names (none here): its own list then
    route = "/TicketRules" if command == "apply" else "/Team"
    serve.script = {f"/api{route.lower()}": Answer.html("Sign in - Corporate Proxy")}
    project = project_yaml({"live": serve.url, "other": serve.url})
    (repo / "haloform.yaml").write_text(project)
    args = {
        "export": ("export", ".", "--out", "exported"),
        "lookups": ("lookups",),
        "apply": ("apply", ".", "--auto-approve"),
        "diff": ("diff", ".", "--env", "live", "--env", "other"),
    }[command]
    monkeypatch.setenv("OTHER_CLIENT_ID", "haloform")
    monkeypatch.setenv("OTHER_CLIENT_SECRET", "S3NT1NEL-other")

    result = haloform(*args)

    assert_one_clear_error(result, f"Error: GET {route} -> 200: the answer is an HTML page titled")
    assert [r for r in serve.requests if r.method not in ("GET", "POST")] == []
    assert serve.sent("POST", "/api/TicketRules") == 0, "nothing was applied"
    assert not (repo / "exported").exists()


def test_a_429_with_retry_after_zero_gives_up_quickly_with_the_default_policy(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the patched policy: the CLI's own retries, honouring ``Retry-After``."""
    monkeypatch.undo()
    forget_live_tenant(monkeypatch)
    monkeypatch.setenv("LIVE_CLIENT_ID", "haloform")
    monkeypatch.setenv("LIVE_CLIENT_SECRET", "S3NT1NEL-malformed")
    tenant = ScriptedTenant({"/api/workflow": Answer.json(RATE_LIMIT, 429, **{"Retry-After": "0"})})
    with scripted_server(tenant) as url:
        minimal_repo(repo, project_yaml({"live": url}))
        monkeypatch.chdir(repo)
        started = time.monotonic()

        result = haloform("plan", ".")

    assert_one_clear_error(result, "Error: GET /Workflow -> 429: rate limited (after 7 attempts)")
    assert tenant.sent("GET", "/api/Workflow") == 7
    assert time.monotonic() - started < 10


def test_wrong_types_inside_records_are_shown_not_crashed_on(
    serve: ScriptedTenant, repo: Path
) -> None:
    """Halo's records are kept as sent; odd values are reported as differences."""
    odd = {"id": 4, "guid": RULE_GUID, "name": 5, "precedence": "high", "active": "yes"}
    unmanaged = {"id": 5, "guid": 12345, "name": None}
    serve.script = {"/api/ticketrules": Answer.json([odd, unmanaged])}

    result = haloform("plan", ".")

    assert result.code == 0, str(result)
    assert '~ name: 5 -> "Reference-free rule"' in result.stdout
    assert '~ precedence: "high" -> 40' in result.stdout
    assert 'TicketRule "None" (id 5)' in result.stdout


def test_a_live_step_action_with_objects_for_numbers_is_a_difference(
    serve: ScriptedTenant, repo: Path
) -> None:
    (repo / "workflows").mkdir()
    workflow = WORKFLOW_FILE.replace(
        "isstart: true}", "isstart: true, actions: [{action_id: 9, end_step: 2}]}"
    )
    (repo / "workflows" / "problem.yaml").write_text(workflow)
    row = {"id": 7, "guid": WORKFLOW_GUID, "name": "Problem Management"}
    odd_action = {"action_id": "x", "end_step": {"step": 2}, "seq": []}
    steps = [{"step_id": 1, "name": "Investigate", "isstart": True, "actions": [odd_action]}]
    serve.script = {
        "/api/workflow": Answer.json([row]),
        "/api/workflow/7": Answer.json({**row, "steps": steps}),
    }

    result = haloform("plan", ".")

    assert result.code == 0, str(result)
    assert "~ update Workflow" in result.stdout


@pytest.mark.parametrize("live_id", ["abc", None], ids=["id abc", "no id"])
def test_a_managed_record_without_a_usable_id_is_refused(
    live_id: str | None, serve: ScriptedTenant, repo: Path
) -> None:
    row = {"id": live_id, "guid": RULE_GUID, "name": "Reference-free rule", "precedence": 50}
    serve.script = {"/api/ticketrules": Answer.json([row])}

    result = haloform("plan", ".", "--format", "json")

    assert '"live_id": -1' not in result.stdout
    assert_one_clear_error(result, "Error: GET /TicketRules -> 200:")


def test_the_minimal_repo_plans_cleanly_against_the_scripted_tenant(
    serve: ScriptedTenant, repo: Path
) -> None:
    """The control: with nothing scripted, the same plan succeeds."""
    result = haloform("plan", ".")

    assert result.code == 0, str(result)
    assert '+ create TicketRule "Reference-free rule"' in result.stdout
