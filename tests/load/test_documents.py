"""loader: which files are config, what each document is, and ``${var}`` substitution."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haloform.diagnostics import Location, Severity
from haloform.kinds import KINDS as REGISTRY
from haloform.load.documents import config_files, expand
from tests.load.loading import LoadResult, load_file, load_tree

KINDS = frozenset(spec.kind for spec in REGISTRY)

EMPTY = "f.yaml: warning[empty-file]: the file holds no resource (it is empty)"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def problems(result: LoadResult) -> list[str]:
    """Diagnostics as the CLI prints them, paths relative to the tree."""
    return [str(d) for d in result.diagnostics]


def load_one(tmp_path: Path, text: str, variables: dict[str, str] | None = None) -> LoadResult:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    return load_file(path, variables, kinds=KINDS, file="f.yaml")


# --- which files -------------------------------------------------------------------------


def test_config_files_are_every_yaml_file_in_order_minus_the_non_resources(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "haloform.yaml": "environments: {}\n",
            "workflows/b.yaml": "",
            "workflows/a.yml": "",
            "rules.yaml": "",
            "notes.txt": "",
            ".hidden.yaml": "",
            ".git/config.yaml": "",
            ".haloform/state.yaml": "",
            ".venv/lib/x.yaml": "",
            "schemas/workflow.schema.yaml": "",
            "nested/schemas/kept.yaml": "",
            "nested/haloform.yaml": "",
        },
    )
    found = [path.relative_to(tmp_path).as_posix() for path in config_files(tmp_path)]
    assert found == [
        "nested/haloform.yaml",
        "nested/schemas/kept.yaml",
        "rules.yaml",
        "workflows/a.yml",
        "workflows/b.yaml",
    ]


def test_yaml_suffixes_are_read_in_any_case(tmp_path: Path) -> None:
    write(tmp_path, {"A.YAML": "", "b.Yml": "", "c.yaml.bak": "", "HALOFORM.YAML": ""})
    found = [path.name for path in config_files(tmp_path)]
    assert found == ["A.YAML", "b.Yml"]


def test_a_directory_named_like_yaml_and_a_symlink_loop_are_harmless(tmp_path: Path) -> None:
    (tmp_path / "odd.yaml").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    write(tmp_path, {"odd.yaml/real.yaml": "kind: Workflow\n"})
    assert config_files(tmp_path) == [tmp_path / "odd.yaml" / "real.yaml"]


def test_load_tree_collects_problems_from_every_file_and_names_them(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.yaml": "kind: Workflow\nname: a\n",
            "b.yaml": "kind: [\n",
            "c/d.yaml": "kind: Workflo\n",
            "e.yaml": "",
        },
    )
    result = load_tree(tmp_path, kinds=KINDS)
    assert [(d.file, d.kind) for d in result.documents] == [(str(tmp_path / "a.yaml"), "Workflow")]
    assert [
        (d.location and Path(d.location.file).relative_to(tmp_path).as_posix(), d.severity)
        for d in result.diagnostics
    ] == [
        ("b.yaml", Severity.ERROR),
        ("c/d.yaml", Severity.ERROR),
        ("e.yaml", Severity.WARNING),
    ]


def test_load_tree_of_a_file_loads_that_file_and_of_nothing_says_so(tmp_path: Path) -> None:
    write(tmp_path, {"one.yaml": "kind: EventRule\n"})
    assert [d.kind for d in load_tree(tmp_path / "one.yaml", kinds=KINDS).documents] == [
        "EventRule"
    ]
    missing = load_tree(tmp_path / "nope", kinds=KINDS)
    assert problems(missing) == [f"{tmp_path / 'nope'}: error: no such directory"]


# --- documents and kinds --------------------------------------------------------------------


def test_each_document_knows_file_index_line_and_kind(tmp_path: Path) -> None:
    text = "# two rules\nkind: TicketRule\nname: a\n---\n\n---\nkind: EventRule\nname: b\n"
    result = load_one(tmp_path, text)
    assert problems(result) == []
    assert [(d.file, d.index, d.line, d.kind) for d in result.documents] == [
        ("f.yaml", 0, 2, "TicketRule"),
        ("f.yaml", 2, 7, "EventRule"),
    ]
    assert result.documents[1].location == Location("f.yaml", 7)
    assert dict(result.documents[1].body) == {"kind": "EventRule", "name": "b"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kind: Ticketrule\n",
            "f.yaml:1:7: error: kind: unknown kind 'Ticketrule'; did you mean 'TicketRule'?",
        ),
        (
            "kind: Dashboard\n",
            "f.yaml:1:7: error: kind: unknown kind 'Dashboard'; "
            "expected one of EventRule, TicketRule, Workflow",
        ),
        (
            "# header\nname: x\n",
            "f.yaml:2:1: error: missing 'kind:' (one of EventRule, TicketRule, Workflow)",
        ),
        (
            "kind: {a: 1}\n",
            "f.yaml:1:7: error: kind: 'kind' must be one of EventRule, TicketRule, Workflow, "
            "got a mapping",
        ),
        (
            "- kind: Workflow\n",
            "f.yaml:1: error: a document must be a mapping of fields starting with 'kind:', "
            "got a list",
        ),
        ("just text\n", "f.yaml:1: error: a document must be a mapping of fields starting"),
        ("# nothing here\n", EMPTY),
        ("", EMPTY),
        ("---\n---\n", EMPTY),
    ],
)
def test_documents_without_a_known_kind_are_reported_and_left_out(
    tmp_path: Path, text: str, expected: str
) -> None:
    result = load_one(tmp_path, text)
    assert result.documents == []
    [problem] = problems(result)
    assert problem.startswith(expected)


def test_without_known_kinds_any_kind_name_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, {"x.yaml": "kind: Anything\n"}) / "x.yaml"
    assert [d.kind for d in load_file(path).documents] == ["Anything"]


# --- variables ---------------------------------------------------------------------------------

VARIABLES = {"tenant": "Acme", "port": "8443", "team.name": "Network"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${tenant}", "Acme"),
        ("Alerts for ${tenant} on ${port}", "Alerts for Acme on 8443"),
        ("${team.name}", "Network"),
        ("$${tenant} costs $5", "${tenant} costs $5"),
        ("$$${tenant}", "$${tenant}"),
        ("no reference", "no reference"),
        ("${env:HALO_SECRET}", "${env:HALO_SECRET}"),
    ],
)
def test_expand_replaces_references_and_unescapes(text: str, expected: str) -> None:
    assert expand(text, VARIABLES) == (expected, [])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("${tenat}", "undefined variable 'tenat'; did you mean 'tenant'?"),
        ("${zone}", "undefined variable 'zone'"),
        ("${tenant", "'${' is not closed by '}'; write '$${' for a literal '${'"),
        ("${two words}", "'${two words}' does not name a variable; write '$${' for a literal"),
        ("${}", "'${}' does not name a variable"),
    ],
)
def test_expand_reports_broken_references_and_leaves_them_as_written(
    text: str, problem: str
) -> None:
    result, found = expand(text, VARIABLES)
    assert result == text
    [message] = found
    assert message.startswith(problem)


def test_substitution_reaches_nested_strings_only_and_keeps_values_as_strings(
    tmp_path: Path,
) -> None:
    text = (
        "kind: Workflow\n"
        "name: Incident for ${tenant}\n"
        "port: ${port}\n"
        "steps:\n"
        "  - {name: '${tenant} triage', step_id: 1}\n"
        "${tenant}: keys stay as written\n"
    )
    result = load_one(tmp_path, text, VARIABLES)
    assert problems(result) == []
    body = result.documents[0].body
    assert body["name"] == "Incident for Acme"
    assert body["port"] == "8443"
    assert body["steps"][0]["name"] == "Acme triage"
    assert body["${tenant}"] == "keys stay as written"


def test_undefined_variables_are_located_at_their_value(tmp_path: Path) -> None:
    text = "kind: Workflow\nsteps:\n  - name: x\n    note: ${tenat}\n"
    result = load_one(tmp_path, text, VARIABLES)
    assert problems(result) == [
        "f.yaml:4:11: error: undefined variable 'tenat'; did you mean 'tenant'?"
    ]


def test_no_variables_means_no_substitution_but_empty_variables_mean_none_defined(
    tmp_path: Path,
) -> None:
    text = "kind: Workflow\nname: ${tenant}\n"
    untouched = load_one(tmp_path, text, None)
    assert problems(untouched) == []
    assert untouched.documents[0].body["name"] == "${tenant}"
    assert problems(load_one(tmp_path, text, {})) == [
        "f.yaml:2:7: error: undefined variable 'tenant'"
    ]


# --- nothing escapes ---------------------------------------------------------------------------

DOCUMENTISH = st.lists(
    st.sampled_from(
        [
            "kind: ", "Workflow", "TicketRule", "Tiketrule", "name: ", "${tenant}", "${x",
            "$${", "${}", "\n", "  ", "- ", "{", "}", "[", "]", ", ", ": ", "---\n", "\t", "'",
            '"', "# c", "*a", "&a ", "~", "1", "true",
        ]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(DOCUMENTISH, st.binary(max_size=200)))
def test_loading_any_content_never_raises(
    tmp_path_factory: pytest.TempPathFactory, content: str | bytes
) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz.yaml"
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    result = load_file(path, VARIABLES, kinds=KINDS, file="fuzz.yaml")
    assert all(doc.kind in KINDS for doc in result.documents)
    assert all(d.location and d.location.file == "fuzz.yaml" for d in result.diagnostics)
