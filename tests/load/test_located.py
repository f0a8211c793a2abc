"""located: pydantic's errors as messages with a file, line, column and a field path.

The models here are small stand-ins shaped like the real kinds (strict, nested lists,
``int | Ref`` unions); the module under test must work for any model.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError
from ruamel.yaml import YAML

from haloform.diagnostics import Diagnostic, Location
from haloform.load.located import (
    closest,
    describe_value,
    did_you_mean,
    to_plain,
    validate_document,
)
from haloform.load.yamlio import parse_yaml
from tests.load.loading import load_file

BROKEN = sorted((Path(__file__).parents[1] / "corpus" / "broken").glob("*.yaml"))
VALID = sorted((Path(__file__).parents[1] / "corpus" / "valid").glob("*.yaml"))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutcomeRef(Strict):
    outcome: str


class WorkflowRef(Strict):
    workflow: str


class Action(Strict):
    action_id: int | OutcomeRef
    end_step: int
    seq: int = 1


class Step(Strict):
    step_id: int
    name: str
    isstart: bool = False
    actions: list[Action] = []


class Workflow(Strict):
    guid: str
    name: str
    note: str | None = None
    steps: list[Step] = []


class Criterion(Strict):
    fieldname: str
    type: int
    value_int: int | None = None
    value_string: str | None = None


def _positive(value: int) -> int:
    if value < 0:
        raise ValueError("precedence cannot be negative")
    return value


class TicketRule(Strict):
    guid: str
    name: str
    note: str | None = None
    precedence: Annotated[int, AfterValidator(_positive)] = 0
    criteria: list[Criterion] = []
    new_workflow_id: int | WorkflowRef | None = None
    mode: Literal["first", "all"] = "first"


MODELS: dict[str, type[BaseModel]] = {"Workflow": Workflow, "TicketRule": TicketRule}
VARIABLES = {"tenant": "Acme", "region": "eu"}


def halo_owned(name: str) -> bool:
    return name in {"id", "fdid", "in_use"} or name.endswith("_name")


def check(model: type[BaseModel], text: str, **options: Any) -> list[str]:
    """Validate the first document of ``text``; the diagnostics as the CLI prints them."""
    body = parse_yaml(text, "f.yaml").documents[0].data
    result, diagnostics = validate_document(model, body, file="f.yaml", **options)
    assert (result is None) == bool(diagnostics)
    return [str(d) for d in sorted(diagnostics, key=Diagnostic.sort_key)]


def pipeline(path: Path) -> list[str]:
    """What ``haloform validate`` would say about one file: loading, then each model."""
    result = load_file(path, VARIABLES, kinds=MODELS, file=path.name)
    diagnostics = list(result.diagnostics)
    for document in result.documents:
        model = MODELS[document.kind]
        found = validate_document(model, document.body, file=path.name, server_owned=halo_owned)
        diagnostics.extend(found[1])
    return [str(d) for d in sorted(diagnostics, key=Diagnostic.sort_key)]


# --- the corpus ------------------------------------------------------------------------------


def expectations(path: Path) -> list[str]:
    """A corpus file's closing ``# expect: line:col: severity: message`` comments."""
    found = re.findall(r"^# expect: (.*)$", path.read_text(), flags=re.MULTILINE)
    return [f"{path.name}:{e}" if e[:1].isdigit() else f"{path.name}: {e}" for e in found]


@pytest.mark.parametrize("path", BROKEN, ids=[p.name for p in BROKEN])
def test_each_broken_file_says_exactly_what_it_expects(path: Path) -> None:
    expected = expectations(path)
    assert expected, "a broken corpus file must end with what it expects"
    assert pipeline(path) == expected


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_files_have_nothing_to_say(path: Path) -> None:
    assert pipeline(path) == []


# --- messages ------------------------------------------------------------------------------


def test_a_valid_body_gives_a_model_of_plain_values() -> None:
    text = "kind: Workflow\nguid: 'g-1'\nname: \"Incident\"\nsteps: [{step_id: 1, name: a}]\n"
    body = parse_yaml(text, "f.yaml").documents[0].data
    model, diagnostics = validate_document(Workflow, body, file="f.yaml")
    assert diagnostics == []
    assert model == Workflow(guid="g-1", name="Incident", steps=[Step(step_id=1, name="a")])
    assert model is not None and type(model.guid) is str


def test_kind_is_kept_when_the_model_declares_it() -> None:
    class Tagged(Strict):
        kind: Literal["Tagged"]
        name: str

    body = parse_yaml("kind: Tagged\nname: x\n", "f.yaml").documents[0].data
    model, _ = validate_document(Tagged, body, file="f.yaml")
    assert model == Tagged(kind="Tagged", name="x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "guid: g\nname: r\nprecedence: high\n",
            "f.yaml:3:13: error: precedence: expected an integer, got 'high'",
        ),
        (
            "guid: g\nname: r\nprecedence: -1\n",
            "f.yaml:3:13: error: precedence: precedence cannot be negative",
        ),
        (
            "guid: g\nname: r\nmode: some\n",
            "f.yaml:3:7: error: mode: expected 'first' or 'all', got 'some'",
        ),
        ("guid: g\nname:\n", "f.yaml:2:1: error: name: expected a string, got an empty value"),
        (
            "guid: g\nname: true\n",
            "f.yaml:2:7: error: name: expected a string, got true (quote it to keep it as text)",
        ),
        ("guid: g\nname: [a]\n", "f.yaml:2:7: error: name: expected a string, got a list"),
        (
            "guid: g\nname: r\ncriteria: {}\n",
            "f.yaml:3:11: error: criteria: expected a list, got a mapping",
        ),
        ("name: r\n", "f.yaml:1:1: error: guid: 'guid' is required"),
    ],
)
def test_wrong_values_say_what_was_expected_and_found(text: str, expected: str) -> None:
    assert check(TicketRule, text) == [expected]


def test_unknown_fields_suggest_the_closest_field_of_the_model_at_that_path() -> None:
    text = (
        "guid: g\nname: r\n"
        "criteria:\n  - fieldname: priority_id\n    type: 0\n    vaule_int: 1\n"
        "new_workflow_id: {worfklow: Incident}\n"
        "zzz: 1\n"
    )
    assert check(TicketRule, text) == [
        "f.yaml:6:5: error: criteria[0].vaule_int: unknown field 'vaule_int'; "
        "did you mean 'value_int'?",
        "f.yaml:7:19: error: new_workflow_id.worfklow: unknown field 'worfklow'; "
        "did you mean 'workflow'?",
        "f.yaml:8:1: error: zzz: unknown field 'zzz'",
    ]


def test_a_misspelt_required_field_is_reported_once() -> None:
    assert check(TicketRule, "guid: g\nName: r\n") == [
        "f.yaml:2:1: error: Name: unknown field 'Name'; did you mean 'name'?"
    ]


@pytest.mark.parametrize("server_owned", [{"id", "fdid"}, halo_owned])
def test_server_owned_fields_are_told_apart_from_typos(server_owned: Any) -> None:
    text = "id: 3\nguid: g\nname: r\ncriteria: [{fieldname: a, type: 0, fdid: 9}]\n"
    assert check(TicketRule, text, server_owned=server_owned) == [
        "f.yaml:1:1: error: id: 'id' is set by Halo and cannot appear in a file (remove it)",
        "f.yaml:4:36: error: criteria[0].fdid: 'fdid' is set by Halo and cannot appear in a "
        "file (remove it)",
    ]


def test_a_models_own_error_about_a_name_is_placed_at_the_name() -> None:
    """The kinds raise ``server_owned`` themselves, from a validator that sees the data."""

    class Owned(Strict):
        name: str

        @model_validator(mode="before")
        @classmethod
        def _refuse(cls, data: Any) -> Any:
            if isinstance(data, dict) and "fdid" in data:
                error = PydanticCustomError("server_owned", "fdid is set by Halo: remove it")
                raise ValidationError.from_exception_data(
                    cls.__name__, [{"type": error, "loc": ("fdid",), "input": data["fdid"]}]
                )
            return data

    assert check(Owned, "name: x\nfdid:   7\n") == [
        "f.yaml:2:1: error: fdid: fdid is set by Halo: remove it"
    ]


def test_a_union_failing_on_type_alone_is_one_message() -> None:
    text = "guid: g\nname: r\nnew_workflow_id: Incident\n"
    assert check(TicketRule, text) == [
        "f.yaml:3:18: error: new_workflow_id: expected an integer or a mapping, got 'Incident'"
    ]


def test_a_union_branch_the_value_aimed_at_reports_only_its_own_errors() -> None:
    text = "guid: g\nname: w\nsteps:\n  - step_id: 1\n    name: a\n    actions:\n"
    text += "      - action_id: {outcome: 7}\n        end_step: 2\n"
    assert check(Workflow, text) == [
        "f.yaml:7:30: error: steps[0].actions[0].action_id.outcome: expected a string, got 7 "
        "(quote it to keep it as text)"
    ]


def test_to_plain_drops_ruamel_types_but_keeps_values() -> None:
    data = parse_yaml("a: 'x'\nb: 0x10\nc: &t true\nd: [1.50, ~]\n", "f.yaml").documents[0].data
    plain = to_plain(data)
    assert plain == {"a": "x", "b": 16, "c": True, "d": [1.5, None]}
    assert [type(v) for v in (plain["a"], plain["b"], plain["c"], plain["d"][0])] == [
        str,
        int,
        bool,
        float,
    ]
    assert type(plain) is dict and type(plain["d"]) is list


def test_aliases_are_the_names_a_file_uses() -> None:
    class Aliased(Strict):
        display_name: str = Field(alias="displayName")

    assert check(Aliased, "displayname: x\n") == [
        "f.yaml:1:1: error: displayname: unknown field 'displayname'; did you mean 'displayName'?"
    ]


def test_a_body_without_positions_still_names_the_file() -> None:
    model, diagnostics = validate_document(Workflow, {"name": "x"}, file="f.yaml")
    assert model is None
    assert diagnostics == [Diagnostic("'guid' is required", Location("f.yaml"), "guid")]


def test_suggestions_ignore_case_and_stay_quiet_when_nothing_is_close() -> None:
    assert closest("ticketrule", ["Workflow", "TicketRule"]) == "TicketRule"
    assert did_you_mean("nmae", ["name", "guid"]) == "; did you mean 'name'?"
    assert did_you_mean("zzz", ["name", "guid"]) == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "an empty value"), (False, "false"), ({}, "a mapping"), ("x" * 100, "'" + "x" * 57)],
)
def test_values_are_shown_in_yaml_words(value: Any, shown: str) -> None:
    assert describe_value(value).startswith(shown)


# --- nothing escapes ------------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
KEYS = st.sampled_from(["guid", "name", "steps", "actions", "action_id", "outcome", "id", "x"])
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=2000)
@given(body=st.dictionaries(KEYS, VALUES, max_size=6))
def test_validating_any_body_never_raises(body: dict[str, Any]) -> None:
    for model in MODELS.values():
        result, diagnostics = validate_document(model, body, file="f.yaml", server_owned=halo_owned)
        assert (result is None) == bool(diagnostics)
        assert all(d.location == Location("f.yaml") for d in diagnostics)


@settings(max_examples=200, deadline=2000)
@given(body=st.dictionaries(KEYS, VALUES, max_size=6), flow=st.booleans())
def test_validating_any_loaded_document_never_raises_and_places_every_problem(
    body: dict[str, Any], flow: bool
) -> None:
    yaml = YAML()
    yaml.default_flow_style = flow
    stream = io.StringIO()
    yaml.dump(body, stream)
    parsed = parse_yaml(stream.getvalue(), "f.yaml")
    # ruamel may dump text it cannot read back (`{guid: ?0}` in flow style): the
    # property is about validating what loads, so such examples are not drawn.
    assume(parsed.documents)
    data = parsed.documents[0].data
    for model in MODELS.values():
        _, diagnostics = validate_document(model, data, file="f.yaml", server_owned=halo_owned)
        assert all(d.location and d.location.line for d in diagnostics)
