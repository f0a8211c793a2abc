"""Promotion: one repo, two tenants whose ids all differ and whose names may not match.

``dev`` and ``prod`` are embedded tenants with different id offsets; ``prod`` is seeded
with its own directory, where the network team is called "Network Operations" and the
repo's variables and lookup renames make up the difference.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from haloform.emulator import Emulator
from tests.e2e.conftest import EXAMPLES, Haloform

ROOT = Path(__file__).parents[2]
DEFAULT_SEED = ROOT / "src" / "haloform" / "emulator" / "default_seed.yaml"
PROJECT = """\
version: 1
default_environment: dev
variables: {network_team: Network}
environments:
  dev: {emulator: true}
  prod:
    emulator: true
    id_offset: 70000
    seed: .seeds/prod.yaml
    variables: {network_team: Network Operations}
    lookup_names:
      team: {Service Desk: First Line}
"""


@pytest.fixture
def promoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Haloform:
    """examples/ with a dev and a prod tenant; prod's teams have other names."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".haloform"))
    (root / "haloform.yaml").write_text(PROJECT, encoding="utf-8")
    seed = DEFAULT_SEED.read_text(encoding="utf-8")
    seed = seed.replace("name: Network,", "name: Network Operations,")
    seed = seed.replace("name: Service Desk,", "name: First Line,")
    (root / ".seeds").mkdir()
    (root / ".seeds" / "prod.yaml").write_text(seed, encoding="utf-8")
    monkeypatch.chdir(root)
    return Haloform(root)


def _by_guid(emu: Emulator, resource: str) -> dict[str, dict[str, object]]:
    return {str(row["guid"]): row for row in emu.records(resource)}


def test_dev_then_prod_converge_with_their_own_ids_and_names(promoted: Haloform) -> None:
    promoted.apply(".", "--env", "dev")
    promoted.apply(".", "--env", "prod")
    for env in ("dev", "prod"):
        result = promoted("plan", ".", "--env", env, "--detailed-exitcode")
        assert "No changes" in result.stdout
    with promoted.tenant("dev") as dev, promoted.tenant("prod") as prod:
        dev_rules, prod_rules = _by_guid(dev, "TicketRules"), _by_guid(prod, "TicketRules")
        assert dev_rules.keys() == prod_rules.keys()
        p1 = "a45fd437-14f8-4aef-abc5-e87f30184449"
        assert dev_rules[p1]["new_team"] == "Network"
        assert prod_rules[p1]["new_team"] == "Network Operations"
        assert dev_rules[p1]["new_agent_id"] != prod_rules[p1]["new_agent_id"]
        assert dev_rules[p1]["new_workflow_id"] != prod_rules[p1]["new_workflow_id"]
        service = "0957b774-8caa-4723-8005-c8c5ab1d3532"
        assert prod_rules[service]["new_team"] == "First Line"


def test_promoting_leaves_the_source_tenant_untouched(promoted: Haloform) -> None:
    promoted.apply(".", "--env", "dev")
    before = promoted.records("TicketRules", "dev")
    promoted.apply(".", "--env", "prod")
    assert promoted.records("TicketRules", "dev") == before


def test_a_tenant_missing_lookups_fails_the_plan_listing_each_and_sends_nothing(
    promoted: Haloform,
) -> None:
    seed_file = promoted.root / ".seeds" / "prod.yaml"
    seed = seed_file.read_text(encoding="utf-8")
    seed = seed.replace("name: Carol Network,", "name: Caroline Network,")
    seed = seed.replace("name: Platinum,", "name: Gold,")
    seed_file.write_text(seed, encoding="utf-8")
    result = promoted("plan", ".", "--env", "prod", code=1)
    assert "embedded:prod cannot satisfy these references (2 errors)" in result.stderr
    assert (
        "ticket-rules/p1-to-network.yaml:10:1: error: new_agent_id: {agent: Carol Network}: "
        "embedded:prod has no agent of that name"
    ) in result.stderr
    assert (
        "ticket-rules/p1-to-network.yaml:11:1: error: new_sla_id: {sla: Platinum}: "
        "embedded:prod has no sla of that name"
    ) in result.stderr
    with promoted.tenant("prod") as prod:  # nothing was written, not even the workflows
        assert prod.count("TicketRules") == prod.count("Workflow") == prod.count("EventRule") == 0
