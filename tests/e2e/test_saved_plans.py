"""``plan --out FILE`` then ``apply FILE``: exactly the reviewed plan, or nothing.

A saved plan is refused when the tenant moved under it, when it was edited by hand,
and when it was made for another tenant; a refused apply sends no write.
"""

from __future__ import annotations

import json
from typing import Any

from haloform.halo import HaloClient
from haloform.plan.model import Plan
from tests.e2e.conftest import Haloform, changes_by_name, fields_of
from tests.examples import RESOURCE_COUNT

P1 = "P1 to Network team"
PRINTERS = """
    kind: TicketRule
    guid: 6b0f3f0e-4a4e-4a51-9d1c-7f0e2a9b3c41
    name: Printers to Service Desk
    precedence: 50
    criteria:
      - {fieldname: summary, tablename: faults, type: 2, value_type: string, value_string: printer}
    new_team: Service Desk
"""


def _p1(examples: Haloform) -> dict[str, Any]:
    [rule] = [r for r in examples.records("TicketRules") if r["name"] == P1]
    return rule


def _rule_names(examples: Haloform) -> set[str]:
    return {str(rule["name"]) for rule in examples.records("TicketRules")}


def _edit_in_halo(examples: Haloform, precedence: int) -> None:
    """An admin changes P1's precedence in Halo's UI after the plan was saved."""
    rule = _p1(examples)

    async def post(client: HaloClient) -> None:
        await client.post(
            "/TicketRules", [{"id": rule["id"], "guid": rule["guid"], "precedence": precedence}]
        )

    examples.through_api(post)


def _save_plan(examples: Haloform, out: str) -> dict[str, Any]:
    """``plan --out OUT`` (it has changes); the JSON report of the same plan."""
    report = examples.plan("--out", out)
    assert (examples.root / out).is_file()
    return report


def test_a_plan_whose_record_moved_is_refused_and_a_fresh_one_applies(
    examples: Haloform,
) -> None:
    examples.apply()
    examples.edit("ticket-rules/p1-to-network.yaml", "precedence: 10", "precedence: 15")
    examples.write({"ticket-rules/printers.yaml": PRINTERS})
    saved = _save_plan(examples, "plan.json")
    assert [(c["action"], c["name"]) for c in saved["changes"]] == [
        ("create", "Printers to Service Desk"),
        ("update", P1),
    ]

    _edit_in_halo(examples, precedence=12)
    stale = examples("apply", "plan.json", "--auto-approve", code=1)
    assert f"TicketRule '{P1}' changed in the tenant since the plan was made" in stale.stderr
    assert "nothing was applied" in stale.stderr
    assert _p1(examples)["precedence"] == 12
    assert "Printers to Service Desk" not in _rule_names(examples)

    fresh = _save_plan(examples, "fresh.json")
    assert fields_of(changes_by_name(fresh)[P1]) == {"precedence": (12, 15)}
    applied = examples("apply", "fresh.json", "--auto-approve").stdout
    assert "Apply: 1 created, 1 updated, 0 deleted; 0 failed, 0 not attempted." in applied
    assert _p1(examples)["precedence"] == 15
    assert "Printers to Service Desk" in _rule_names(examples)
    examples.assert_converged()


def test_a_plan_whose_create_already_happened_is_refused(examples: Haloform) -> None:
    _save_plan(examples, "plan.json")
    examples.apply()
    late = examples("apply", "plan.json", "--auto-approve", code=1)
    assert "was created in the tenant since the plan was made" in late.stderr
    assert len(examples.records("Workflow")) == 3


def test_a_plan_edited_by_hand_is_refused(examples: Haloform) -> None:
    _save_plan(examples, "plan.json")
    path = examples.root / "plan.json"
    plan = json.loads(path.read_text(encoding="utf-8"))
    [change] = [c for c in plan["changes"] if c["name"] == P1]
    change["payload"]["precedence"] = 1
    path.write_text(json.dumps(plan, indent=2), encoding="utf-8")

    refused = examples("apply", "plan.json", "--auto-approve", code=1)
    assert "plan.json was changed after it was made (digest mismatch)" in refused.stderr
    assert examples.records("TicketRules") == []


def test_a_plan_for_another_environment_is_refused(examples: Haloform) -> None:
    examples.plan("--env", "staging", "--out", "staging.json")

    refused = examples("apply", "staging.json", "--env", "local", "--auto-approve", code=1)
    assert "was made for embedded:staging, not embedded:local" in refused.stderr
    assert examples.records("Workflow") == []
    assert examples.records("Workflow", env="staging") == []

    assert (
        f"Apply: {RESOURCE_COUNT} created"
        in examples("apply", "staging.json", "--auto-approve").stdout
    )
    assert len(examples.records("Workflow", env="staging")) == 3
    assert examples.records("Workflow") == []


def test_show_renders_a_saved_plan_offline_in_every_format(examples: Haloform) -> None:
    examples.plan("--out", "plan.json")
    text = examples("show", "plan.json").stdout
    assert text == examples("plan", ".", code=0).stdout
    shown = json.loads(examples("show", "plan.json", "--format", "json").stdout)
    assert [c["name"] for c in shown["changes"]] == [c["name"] for c in examples.plan()["changes"]]
    assert "haloform" in examples("show", "plan.json", "--format", "markdown").stdout
    examples("show", "plan.json", "--detailed-exitcode", code=2)


def test_apply_of_a_moved_plan_finds_the_repo_it_records(
    examples: Haloform, tmp_path_factory: Any
) -> None:
    examples.plan("--out", "plan.json")
    elsewhere = tmp_path_factory.mktemp("artifacts") / "reviewed.json"
    (examples.root / "plan.json").rename(elsewhere)
    applied = examples("apply", str(elsewhere), "--auto-approve").stdout
    assert "Apply: 10 created" in applied
    examples.assert_converged()


def test_apply_of_a_plan_whose_repo_is_gone_says_what_to_pass(
    examples: Haloform, tmp_path_factory: Any
) -> None:
    examples.plan("--out", "plan.json")
    plan = json.loads((examples.root / "plan.json").read_text(encoding="utf-8"))
    gone = str(examples.root / "moved-away")
    elsewhere = tmp_path_factory.mktemp("artifacts") / "reviewed.json"
    # A plan made in another checkout: re-saved with its digest, as that haloform would.
    moved = Plan.model_validate({**{k: v for k, v in plan.items() if k != "digest"}, "repo": gone})
    elsewhere.write_text(moved.to_json(), encoding="utf-8")
    refused = examples("apply", str(elsewhere), "--auto-approve", code=1)
    assert f"made from the repo at {gone}, which is not here" in refused.stderr
    assert f"'haloform apply {elsewhere} --repo DIR'" in refused.stderr
    applied = examples("apply", str(elsewhere), "--repo", str(examples.root), "--auto-approve")
    assert "Apply: 10 created" in applied.stdout
