"""schemas: the JSON Schemas editors use are the models' own, checked in, and not vacuous."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from haloform.kinds import KINDS
from haloform.kinds.offline import OFFLINE_KINDS
from haloform.load import schemas
from haloform.load.located import to_plain
from haloform.load.yamlio import read_yaml
from tests.kinds import documents

ROOT = Path(__file__).parents[2]
CHECKED_IN = ROOT / "schemas"
EXAMPLES = ROOT / "examples"
VALID_CORPUS = Path(__file__).parents[1] / "corpus" / "valid"

GENERATED = schemas.generate()


def validator(file_name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(GENERATED[file_name]))


def example_documents() -> list[tuple[str, dict[str, Any]]]:
    """Every resource document of the examples and the valid corpus, by file and index."""
    found = []
    for path in [*sorted(EXAMPLES.rglob("*.yaml")), *sorted(VALID_CORPUS.glob("*.yaml"))]:
        if path.name == "haloform.yaml":
            continue
        for document in read_yaml(path).documents:
            label = f"{path.relative_to(ROOT)}#{document.index}"
            found.append((label, to_plain(document.data)))
    return found


EXAMPLE_DOCUMENTS = example_documents()


def errors(file_name: str, document: dict[str, Any]) -> list[str]:
    return [error.message for error in validator(file_name).iter_errors(document)]


# --- the checked-in files --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_checked_in_schema_is_what_the_models_generate(name: str) -> None:
    """Fails when a model changes without ``haloform schemas`` being run."""
    path = CHECKED_IN / name
    assert path.is_file(), f"{path} is missing: run 'haloform schemas'"
    assert path.read_text(encoding="utf-8") == GENERATED[name], (
        f"{path} is stale: run 'haloform schemas'"
    )


def test_no_checked_in_schema_is_left_over() -> None:
    assert sorted(path.name for path in CHECKED_IN.glob("*.json")) == sorted(GENERATED)


def test_there_is_one_schema_per_kind_and_one_for_the_project_file() -> None:
    kinds = [spec.kind for spec in KINDS] + [spec.kind for spec in OFFLINE_KINDS]
    assert sorted(GENERATED) == sorted(
        [*(schemas.file_name(kind) for kind in kinds), "haloform.schema.json"]
    )
    assert schemas.file_name("TicketRule") == "ticketrule.schema.json"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = json.loads(GENERATED[name])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_generation_is_byte_stable() -> None:
    assert schemas.generate() == GENERATED


# --- the examples validate -------------------------------------------------------------------


def test_there_are_examples_of_every_kind() -> None:
    kinds = {document["kind"] for _, document in EXAMPLE_DOCUMENTS}
    assert kinds == {spec.kind for spec in KINDS} | {spec.kind for spec in OFFLINE_KINDS}


@pytest.mark.parametrize(
    ("label", "document"), EXAMPLE_DOCUMENTS, ids=[label for label, _ in EXAMPLE_DOCUMENTS]
)
def test_each_example_document_validates_against_its_kinds_schema(
    label: str, document: dict[str, Any]
) -> None:
    assert errors(schemas.file_name(document["kind"]), document) == []


def test_the_example_project_file_validates() -> None:
    (document,) = read_yaml(EXAMPLES / "haloform.yaml").documents
    assert errors("haloform.schema.json", to_plain(document.data)) == []


@pytest.mark.parametrize(
    "document", [documents.workflow(), documents.ticket_rule(), documents.event_rule()]
)
def test_the_model_test_documents_validate(document: dict[str, Any]) -> None:
    assert errors(schemas.file_name(document["kind"]), document) == []


# --- and what the models refuse, the schemas refuse ------------------------------------------


def _broken(change: str) -> dict[str, Any]:
    workflow = documents.workflow()
    if change == "unknown top-level field":
        workflow["nmae"] = "typo"
    elif change == "unknown nested field":
        workflow["steps"][0]["actions"][0]["end_stp"] = 2
    elif change == "unknown reference word":
        workflow["steps"][2]["new_flow_id"] = {"workflw": "Problem Management"}
    elif change == "wrong type":
        workflow["steps"][0]["step_id"] = "first"
    elif change == "wrong nested type":
        workflow["steps"][0]["isstart"] = "maybe"
    elif change == "missing guid":
        del workflow["guid"]
    elif change == "wrong kind":
        workflow["kind"] = "TicketRule"
    elif change == "server-owned field":
        workflow["steps"][0]["fdid"] = 12
    return workflow


@pytest.mark.parametrize(
    "change",
    [
        "unknown top-level field",
        "unknown nested field",
        "unknown reference word",
        "wrong type",
        "wrong nested type",
        "missing guid",
        "wrong kind",
        "server-owned field",
    ],
)
def test_a_broken_document_fails_its_schema(change: str) -> None:
    assert errors("workflow.schema.json", _broken(change)) != []


@pytest.mark.parametrize(
    ("name", "document"),
    [
        (
            "ruletest.schema.json",
            {"kind": "RuleTest", "name": "t", "ticket": {}, "expect": {}, "x": 1},
        ),
        ("ruletest.schema.json", {"kind": "RuleTest", "name": "t", "expect": {}}),
        (
            "ruletest.schema.json",
            {"kind": "RuleTest", "name": "t", "ticket": {}, "expect": {"rule": []}},
        ),
        ("workflowtest.schema.json", {"kind": "WorkflowTest", "name": "t", "workflow": "W"}),
        (
            "workflowtest.schema.json",
            {"kind": "WorkflowTest", "name": "t", "workflow": "W", "expect_step": "S", "path": "A"},
        ),
    ],
)
def test_a_broken_test_document_fails_its_schema(name: str, document: dict[str, Any]) -> None:
    assert errors(name, document) != []


def test_a_literal_secret_fails_the_schema() -> None:
    rule = documents.event_rule()
    assert errors("eventrule.schema.json", rule) == []
    rule["new_client_secret"] = "hunter2"
    assert errors("eventrule.schema.json", rule) != []


@pytest.mark.parametrize(
    "change",
    [
        {"enviroments": {}},
        {"environments": {"prod": {"url": "https://x", "client_secret": "s3cret"}}},
        {"version": 2},
        {"environments": {"local": {"emulator": "yes"}}},
    ],
)
def test_a_broken_project_file_fails_its_schema(change: dict[str, Any]) -> None:
    (document,) = read_yaml(EXAMPLES / "haloform.yaml").documents
    project = copy.deepcopy(to_plain(document.data))
    project.update(change)
    assert errors("haloform.schema.json", project) != []


# --- write and stale -------------------------------------------------------------------------


def test_write_creates_every_file_then_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "schemas"
    written = schemas.write(out)
    assert sorted(path.name for path in written) == sorted(GENERATED)
    assert {path.name: path.read_text(encoding="utf-8") for path in out.iterdir()} == GENERATED
    assert schemas.write(out) == []


def test_write_rewrites_only_the_stale_file(tmp_path: Path) -> None:
    schemas.write(tmp_path)
    (tmp_path / "workflow.schema.json").write_text("{}\n")
    assert schemas.write(tmp_path) == [tmp_path / "workflow.schema.json"]
    assert (tmp_path / "workflow.schema.json").read_text() == GENERATED["workflow.schema.json"]


def test_stale_names_missing_and_differing_files(tmp_path: Path) -> None:
    assert schemas.stale(tmp_path) == list(GENERATED)
    schemas.write(tmp_path)
    assert schemas.stale(tmp_path) == []
    (tmp_path / "ticketrule.schema.json").write_text(GENERATED["ticketrule.schema.json"] + " ")
    (tmp_path / "haloform.schema.json").unlink()
    assert schemas.stale(tmp_path) == ["ticketrule.schema.json", "haloform.schema.json"]


@pytest.mark.parametrize("kind", [spec.kind for spec in KINDS])
def test_a_tombstone_passes_its_kinds_schema_as_validate_accepts_it(kind: str) -> None:
    """Editors must not flag what validate accepts: ``deleted: true`` with the identity."""
    tomb = {"kind": kind, "guid": "5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01", "name": "Old"}
    assert errors(schemas.file_name(kind), {**tomb, "deleted": True}) == []
    assert errors(schemas.file_name(kind), {**tomb, "deleted": False}) != []
    assert errors(schemas.file_name(kind), {**tomb, "deleted": True, "note": "x"}) != []
    assert errors(schemas.file_name(kind), {**tomb, "kind": "Other", "deleted": True}) != []
