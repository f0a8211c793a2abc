"""Warnings have codes, can be silenced where the admin decided (in the document, or
for the whole repo in haloform.yaml), and travel in the plan, JSON included."""

from __future__ import annotations

from tests.e2e.conftest import PROJECT, Haloform

RAW = """\
kind: TicketRule
guid: 0f7c2b1e-3d4a-4b5c-8d6e-7f8091a2b3c4
name: Raw status
new_status_id: 12
"""
"""A rule that sets a status by this tenant's id: warned about as not portable."""
WARNING = (
    "rules/raw.yaml:4:1: warning[tenant-id]: new_status_id: 12 is a tenant id and differs "
    "between tenants: write {status: <name>}"
)


def test_a_warning_names_its_code_and_travels_in_the_json_plan(repo: Haloform) -> None:
    repo.write({"rules/raw.yaml": RAW})

    assert WARNING in repo("validate", ".").stdout
    plan = repo.plan()
    assert WARNING in plan["warnings"]
    assert WARNING in repo("plan", ".").stdout  # the text plan lists it too
    # structured for programs too (issue 21): what a CI annotation needs, apart
    assert {
        "message": "12 is a tenant id and differs between tenants: write {status: <name>}",
        "code": "tenant-id",
        "file": "rules/raw.yaml",
        "line": 4,
        "column": 1,
        "field": "new_status_id",
    } in plan["diagnostics"]


def test_a_document_silences_its_own_warning(repo: Haloform) -> None:
    repo.write(
        {
            "rules/raw.yaml": "# haloform: ignore[tenant-id] (status 12 is the same everywhere)\n"
            + RAW
        }
    )

    result = repo("validate", ".")
    assert "warning" not in result.stdout.replace("0 warnings", "")
    assert result.stdout.endswith("0 errors, 0 warnings (1 silenced by ignore)\n")
    assert repo.plan()["warnings"] == []


def test_haloform_yaml_silences_a_code_for_the_whole_repo(repo: Haloform) -> None:
    repo.write({"haloform.yaml": PROJECT + "    ignore: [tenant-id]\n", "rules/raw.yaml": RAW})

    assert "0 errors, 0 warnings (1 silenced by ignore)" in repo("validate", ".").stdout
    assert repo.plan()["warnings"] == []


def test_an_unknown_code_in_haloform_yaml_is_an_error_naming_the_known_ones(
    repo: Haloform,
) -> None:
    repo.write({"haloform.yaml": PROJECT + "    ignore: [tenant-ids]\n", "rules/raw.yaml": RAW})

    result = repo("validate", ".", code=1)
    assert "haloform.yaml" in result.stderr and "ignore[0]" in result.stderr
    assert "'tenant-id'" in result.stderr
