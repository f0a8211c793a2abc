"""Issue 15, "never export what cannot be read back", and export's place on disk: a live
value holding ``${`` comes back as itself, shared names and guids are exported into a
repo validate accepts or named for fixing, and export writes only where it should."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haloform.emulator.kinds import kind_of
from tests.e2e.conftest import Haloform

RULES = "/TicketRules"


def export_validate_plan(hf: Haloform, out: str = "exported") -> str:
    """Export the local tenant into ``out``; it must validate and plan as no changes.
    Returns export's stderr (its warnings)."""
    exported = hf("export", "--env", "local", "--out", out)
    assert "0 errors" in hf("validate", out).stdout
    plan = hf("plan", out, "--env", "local", "--detailed-exitcode")
    assert "No changes" in plan.stdout, plan.stdout
    return exported.stderr


def test_a_value_holding_a_variable_reference_exports_as_a_literal(repo: Haloform) -> None:
    repo.write(
        {
            "haloform.yaml": "version: 1\nvariables: {network_team: Network}\n"
            "default_environment: local\nenvironments:\n  local: {emulator: true}\n"
        }
    )
    repo.create_in_tenant(RULES, name="${network_team}", precedence=5)
    repo.create_in_tenant(RULES, name="Costs $${x} and ${env:HOME}", precedence=6)

    export_validate_plan(repo)

    text = "\n".join(p.read_text() for p in sorted((repo.root / "exported").rglob("*.yaml")))
    assert "name: $${network_team}" in text
    assert "Costs $$${x} and $${env:HOME}" in text


def test_names_that_differ_only_in_case_are_named_for_fixing(repo: Haloform) -> None:
    first = repo.create_in_tenant(RULES, name="Route P1", precedence=5)
    second = repo.create_in_tenant(RULES, name="route p1", precedence=6)

    warnings = repo("export", "--env", "local", "--out", "exported").stderr

    assert re.search(r"2 TicketRules share the name '(Route P1|route p1)' in the tenant", warnings)
    assert f"'Route P1' (guid {first['guid']})" in warnings
    assert f"'route p1' (guid {second['guid']})" in warnings
    assert "rename all but one in Halo" in warnings
    assert "another TicketRule is named" in repo("validate", "exported", code=1).output


def test_two_records_sharing_a_guid_export_once_and_plan_warns(repo: Haloform) -> None:
    first = repo.create_in_tenant(RULES, name="Original", precedence=5)
    with repo.tenant() as emu:
        store = emu.tenant.store
        twin = {**store.get(kind_of("TicketRules"), first["id"]), "id": 999, "name": "Twin"}
        store.put(kind_of("TicketRules"), 999, twin)

    warnings = export_validate_plan(repo)

    shared = f"2 TicketRules share guid {first['guid']} in the tenant"
    assert shared in warnings and "'Original' (id" in warnings and "(id 999)" in warnings
    plan = repo("plan", "exported", "--env", "local")
    assert shared in plan.output
    assert len(list((repo.root / "exported" / "ticket-rules").glob("*.yaml"))) == 1


def test_an_out_that_is_neither_empty_nor_a_repo_is_refused_at_once(
    repo: Haloform, tmp_path: Path
) -> None:
    stranger = tmp_path / "home"
    (stranger / "photos").mkdir(parents=True)
    started = time.monotonic()
    result = repo("export", "--env", "local", "--out", str(stranger), code=1)
    assert "is neither empty nor a config repo" in result.stderr
    assert list(stranger.iterdir()) == [stranger / "photos"]
    assert "neither empty" in repo("export", "--env", "local", "--out", "/", code=1).stderr
    assert time.monotonic() - started < 10


def test_export_never_writes_through_a_link_that_leads_outside_out(
    repo: Haloform, tmp_path: Path
) -> None:
    repo.create_in_tenant(RULES, name="Linked", precedence=5)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / "exported").mkdir()
    (repo.root / "exported" / "ticket-rules").symlink_to(elsewhere)

    result = repo("export", "--env", "local", "--out", "exported", code=1)

    assert "a symlink there leads outside exported" in result.stderr
    assert list(elsewhere.iterdir()) == []


HOSTILE = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs",),
        include_characters="${}\u202e\u200b\u2066:'\"#&*!|>%@`\\",
    ),
    min_size=1,
    max_size=24,
).filter(lambda name: name.strip() == name and name.strip())


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(names=st.lists(HOSTILE, min_size=1, max_size=3, unique_by=str.casefold))
def test_any_tenant_with_hostile_names_round_trips(repo: Haloform, names: list[str]) -> None:
    out = f"exported-{uuid.uuid4().hex[:8]}"
    with repo.tenant() as emu:
        store = emu.tenant.store
        for row in store.all(kind_of("TicketRules")):
            store.delete(kind_of("TicketRules"), row["id"])
    for precedence, name in enumerate(names):
        repo.create_in_tenant(RULES, name=name, precedence=precedence)
    export_validate_plan(repo, out)


@pytest.mark.parametrize("name", ["Allow\u202eyrd", "zero\u200bwidth"])
def test_hidden_characters_in_names_are_shown_escaped(repo: Haloform, name: str) -> None:
    repo.create_in_tenant(RULES, name=name, precedence=5)
    escaped = name.encode("ascii", "backslashreplace").decode()  # Allow\u202eyrd

    exported = repo("export", "--env", "local", "--out", "exported")
    extra = repo.root / "exported" / "ticket-rules" / "extra.yaml"
    extra.write_text(f"kind: TicketRule\nguid: {uuid.uuid4()}\nname: '{name} 2'\n")
    planned = repo("plan", "exported", "--env", "local")  # creates "<name> 2"
    extra.write_text(extra.read_text().replace(" 2'", "'"))
    refused = repo("validate", "exported", code=1)  # the same name twice

    for result in (exported, planned, refused):
        assert name not in result.output
        assert escaped in result.output
