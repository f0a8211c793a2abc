"""End-to-end fixtures: the real command line, run in a config repo, against the
embedded emulator it keeps in ``<repo>/.haloform/<env>.db``.

Each test works in its own copy of a repo under ``tmp_path`` and runs there, so the
sources a plan names (``ticket-rules/p1.yaml:2``) are relative and its output is the
same on every machine. Nothing here reaches a real Halo: the conventional
``HALO_*`` variables are removed, so no command can pick a live tenant.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result

from haloform.cli.main import cli
from haloform.emulator import Emulator, EmulatorConfig
from haloform.halo import HaloClient
from haloform.kinds import KINDS, by_kind
from haloform.load.settings import load_project
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest
from tests import goldens
from tests.conftest import LIVE_TENANT_VARIABLES, client_for
from tests.repo_builder import Files, write_repo

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).parent / "golden"
PROJECT = """
    version: 1
    default_environment: local
    environments:
      local: {emulator: true}
      staging: {emulator: true, id_offset: 50000}
"""
"""``haloform.yaml`` of the purpose-built repos: two embedded tenants."""
T = TypeVar("T")


@pytest.fixture(autouse=True)
def _no_live_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LIVE_TENANT_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class Haloform:
    """The ``haloform`` command, run in one repo, and that repo's embedded tenants."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str, code: int | None = 0) -> Result:
        """Run ``haloform ARGS``; with ``code``, fail unless it exits with it."""
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (
                f"haloform {' '.join(args)} exited {result.exit_code}, not {code}\n"
                f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
            )
        return result

    def plan(self, *args: str, code: int = 2) -> dict[str, Any]:
        """``plan --format json --detailed-exitcode``, parsed."""
        result = self("plan", ".", "--format", "json", "--detailed-exitcode", *args, code=code)
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def apply(self, *args: str, code: int = 0) -> Result:
        return self("apply", *(args or (".",)), "--auto-approve", code=code)

    def assert_converged(self) -> dict[str, Any]:
        """A plan right after an apply is empty."""
        result = self("plan", ".", "--detailed-exitcode")
        assert "No changes" in result.stdout
        return self.plan(code=0)

    def write(self, files: Files) -> None:
        write_repo(self.root, files)

    def edit(self, relative: str, old: str, new: str) -> None:
        """Replace the one occurrence of ``old`` in a file of the repo."""
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not in {relative} exactly once"
        path.write_text(text.replace(old, new), encoding="utf-8")

    @contextmanager
    def tenant(self, env: str = "local") -> Iterator[Emulator]:
        """The embedded tenant of ``env``, opened as the CLI opens it (same SQLite file)."""
        _, environment = load_project(self.root).environment(env)
        db = self.root / ".haloform" / f"{env}.db"
        db.parent.mkdir(exist_ok=True)
        seed = str(self.root / environment.seed) if environment.seed else None
        config = EmulatorConfig(db_path=str(db), seed_path=seed, id_offset=environment.id_offset)
        emu = Emulator(config)
        try:
            yield emu
        finally:
            emu.close()

    def records(self, resource: str, env: str = "local") -> list[dict[str, Any]]:
        """What the tenant stores for ``resource`` (``"Workflow"``, ``"TicketRules"``...)."""
        with self.tenant(env) as emu:
            return emu.records(resource)

    def through_api(self, call: Callable[[HaloClient], Awaitable[T]], env: str = "local") -> T:
        """Run ``call`` with a client on the tenant: an admin's edit in Halo's UI."""

        async def run() -> T:
            with self.tenant(env) as emu:
                async with client_for(emu) as client:
                    return await call(client)

        return asyncio.run(run())

    def create_in_tenant(self, path: str, **fields: Any) -> dict[str, Any]:
        """POST one new record straight to the tenant, outside any repo."""
        record = {"guid": str(uuid.uuid4()), **fields}

        async def post(client: HaloClient) -> dict[str, Any]:
            [saved] = await client.post(path, [record])
            return dict(saved)

        return self.through_api(post)


EXAMPLES_PROJECT = """\
version: 1
default_environment: local
variables: {{network_team: Network}}
environments:
  local: {{emulator: true{variant}}}
  other: {{emulator: true, id_offset: 50000{variant}}}
"""


def applied_examples(root: Path, monkeypatch: pytest.MonkeyPatch, variant: str = "") -> Haloform:
    """A repo at ``root`` with the examples under ``config/`` and two embedded tenants,
    ``local`` and ``other`` (whose ids all differ), applied to ``local``; ``variant``
    (``zero_filled: true``) is how both tenants answer. Exports go beside ``config/``."""
    root.mkdir()
    extra = f", variant: {{{variant}}}" if variant else ""
    (root / "haloform.yaml").write_text(EXAMPLES_PROJECT.format(variant=extra), "utf-8")
    for spec in KINDS:
        shutil.copytree(EXAMPLES / spec.directory, root / "config" / spec.directory)
    monkeypatch.chdir(root)
    haloform = Haloform(root)
    haloform("apply", "config", "--env", "local", "--auto-approve")
    return haloform


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Haloform:
    """A copy of ``examples/`` (no tenant yet), the working directory of the test."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".haloform"))
    monkeypatch.chdir(root)
    return Haloform(root)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Haloform:
    """An empty repo with two embedded environments; tests write its files."""
    root = tmp_path / "repo"
    write_repo(root, {"haloform.yaml": PROJECT})
    monkeypatch.chdir(root)
    return Haloform(root)


def plan_request(root: Path, env: str = "local") -> PlanRequest:
    """What ``haloform plan`` asks the core for, for the repo at ``root``."""
    project = load_project(root)
    name, environment = project.environment(env)
    repo = validate_repo(root, project.variables_for(environment))
    repo.diagnostics.raise_for_errors("the repo has errors")
    return PlanRequest(
        repo=repo,
        environment=name,
        tenant=f"embedded:{name}",
        specs=tuple(spec for kind in project.kinds if (spec := by_kind(kind)) is not None),
        prune=project.prune_scopes(environment),
    )


PROGRESS = re.compile(r"\[\d+/\d+\] ")


def without_progress(stderr: str) -> list[str]:
    """The lines of ``stderr`` that are not ``[n/N]`` progress."""
    return [line for line in stderr.splitlines() if not PROGRESS.match(line)]


def changes_by_name(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A JSON plan's changes by resource name."""
    return {change["name"]: change for change in report["changes"]}


def fields_of(change: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """A JSON change's field changes as path -> (before, after)."""
    return {field["path"]: (field["before"], field["after"]) for field in change["fields"]}


def assert_golden(name: str, actual: str) -> None:
    """``actual`` equals ``tests/e2e/golden/<name>`` (see ``tests.goldens``)."""
    goldens.assert_golden(name, actual, GOLDEN)
