"""Read-only commands never write: only GETs (and the token request) reach the tenant.

The tenants are real servers on loopback, and the evidence is their own request log,
not haloform's accounting. The repo differs from the tenant in every way a plan can
report (a create, an update, a delete by tombstone), so a planner that "tried" a
change, or an apply that was refused, would show up as a write.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from haloform.emulator import Emulator, EmulatorConfig, ServedRequest, running_server
from tests.security.servers import Run, haloform, project_yaml

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
TOKEN_REQUEST = ("POST", "/auth/token")
NEW_RULE = """\
kind: TicketRule
guid: 5b0e7a9e-8f0c-4a57-9a41-0c0d8f3f6e21
name: Created by the next apply
precedence: 60
"""
TOMBSTONE = """\
kind: TicketRule
guid: 0957b774-8caa-4723-8005-c8c5ab1d3532
name: Service requests use fulfilment
deleted: true
"""


@dataclass
class Setting:
    """A repo that differs from ``prod`` (applied once, then edited) and a ``dev``."""

    repo: Path
    prod: Emulator
    dev: Emulator

    def run(self, *args: str, code: int = 0) -> Run:
        self.prod.requests.clear()
        self.dev.requests.clear()
        result = haloform(*args)
        assert result.code == code, str(result)
        return result

    def sent(self) -> list[ServedRequest]:
        return [*self.prod.requests, *self.dev.requests]


def _writes(requests: list[ServedRequest]) -> list[ServedRequest]:
    return [r for r in requests if r.method != "GET" and (r.method, r.path) != TOKEN_REQUEST]


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setting]:
    prod, dev = Emulator(EmulatorConfig()), Emulator(EmulatorConfig(id_offset=500))
    root = tmp_path_factory.mktemp("read-only") / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".haloform"))
    with (
        pytest.MonkeyPatch.context() as patch,
        running_server(prod) as prod_url,
        running_server(dev) as dev_url,
    ):
        for name in ("HALO_URL", "HALO_TENANT_URL", "HALO_CLIENT_ID", "HALO_CLIENT_SECRET"):
            patch.delenv(name, raising=False)
        for name in ("PROD", "DEV"):
            patch.setenv(f"{name}_CLIENT_ID", "haloform-emulator")
            patch.setenv(f"{name}_CLIENT_SECRET", "emulator-secret")
        (root / "haloform.yaml").write_text(project_yaml({"prod": prod_url, "dev": dev_url}))
        setting = Setting(root, prod, dev)
        setting.run("apply", str(root), "--auto-approve")
        problem = root / "workflows" / "problem.yaml"
        problem.write_text(problem.read_text().replace("recurring incidents", "repeats"))
        (root / "ticket-rules" / "new.yaml").write_text(NEW_RULE)
        incidents = root / "ticket-rules" / "incidents.yaml"
        kept, _ = incidents.read_text().split("\n---\n")
        incidents.write_text(f"{kept}\n---\n{TOMBSTONE}")
        yield setting
    prod.close()
    dev.close()


READ_ONLY = {
    "plan": ("plan", "{repo}"),
    "plan --detailed-exitcode": ("plan", "{repo}", "--detailed-exitcode"),
    "plan --out": ("plan", "{repo}", "--out", "{repo}/plan.json", "--format", "json", "-vv"),
    "plan --target": ("plan", "{repo}", "--target", "Workflow/Problem Management"),
    "diff": ("diff", "{repo}", "--env", "prod", "--env", "dev", "--format", "markdown"),
    "export": ("export", "{repo}", "--out", "{repo}/../exported"),
    "lookups": ("lookups", "--repo", "{repo}"),
    "apply without approval": ("apply", "{repo}"),
    "apply without --allow-delete": ("apply", "{repo}", "--auto-approve"),
    "apply over --max-deletes": (
        *("apply", "{repo}", "--auto-approve"),
        *("--allow-delete", "--max-deletes", "0"),
    ),
}
EXIT_CODES = {"plan --detailed-exitcode": 2, "apply without approval": 1}
EXIT_CODES |= {"apply without --allow-delete": 1, "apply over --max-deletes": 1}


@pytest.mark.parametrize("name", READ_ONLY)
def test_a_read_only_command_sends_only_gets(name: str, setting: Setting) -> None:
    args = [arg.format(repo=setting.repo) for arg in READ_ONLY[name]]

    setting.run(*args, code=EXIT_CODES.get(name, 0))

    sent = setting.sent()
    assert any(request.method == "GET" for request in sent), "the tenant was read"
    assert _writes(sent) == []


def test_the_plan_had_every_kind_of_change(setting: Setting) -> None:
    """What makes the test above meaningful: the plans it ran did change things."""
    result = setting.run("plan", str(setting.repo))

    assert "Plan: 1 to create, 1 to update, 1 to delete." in result.stdout


@pytest.mark.parametrize("env", ["prod", "dev"])
def test_validate_sends_nothing_at_all(env: str, setting: Setting) -> None:
    setting.run("validate", str(setting.repo), "--env", env, "-vv")

    assert setting.sent() == []
