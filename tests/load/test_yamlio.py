"""yamlio: hostile text is refused with a located message, positions are exact, and
writing back leaves every untouched byte as it was."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap

from haloform.diagnostics import Location
from haloform.load import fastyaml, yamlio
from haloform.load.yamlio import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    YamlFile,
    location,
    parse_yaml,
    position,
    read_yaml,
)
from haloform.load.yamlwrite import dump_documents, set_key_after

CORPUS = Path(__file__).parents[1] / "corpus"
VALID = sorted((CORPUS / "valid").glob("*.yaml"))


def _never(*args: object) -> NoReturn:
    raise AssertionError("a file over the size cap reached a parser")


def only_problem(parsed: YamlFile) -> str:
    assert parsed.documents == ()
    assert len(parsed.diagnostics) == 1, parsed.diagnostics
    return str(parsed.diagnostics[0])


# --- what a config file may not contain ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a:\n\tb: 1\n", "f.yaml:2:1: error: tabs are not allowed for indentation, use spaces"),
        ("a:\n  b: 1\n \tc: 2\n", "f.yaml:3:2: error: tabs are not allowed for indentation"),
        ("a:\tb\n", "f.yaml:1:3: error: a tab cannot separate YAML tokens here, use spaces"),
        (
            "a: 1\nb:\n  c: 2\n  c: 3\n",
            "f.yaml:4:3: error: duplicate key 'c' (first defined on line 3)",
        ),
        ("a: &x 1\nb: *x\n", "f.yaml:2:4: error: aliases (*x) are not allowed in config files"),
        ("a: !env HOME\n", "f.yaml:1:4: error: tags such as !env are not allowed; quote text"),
        ("a: !!str 1\n", "f.yaml:1:4: error: tags such as !!str are not allowed"),
        ("a:\n  - ! x\n", "f.yaml:2:5: error: tags such as ! are not allowed"),
        (
            "? [a, b]\n: 1\n",
            "f.yaml:1:3: error: a key must be a single value, not a list or mapping",
        ),
        ("a: b: c\n", "f.yaml:1:5: error: mapping values are not allowed here"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2: error: expected ',' or ']', but got ':' (while parsing"),
        ("a: \x07\n", "f.yaml:1:4: error: character U+0007 is not allowed in YAML"),
    ],
    ids=[
        "tab-indent",
        "tab-after-spaces",
        "tab-separator",
        "duplicate-key",
        "alias",
        "custom-tag",
        "core-tag",
        "non-specific-tag",
        "complex-key",
        "syntax",
        "unclosed-flow",
        "control-char",
    ],
)
def test_refusals_are_located(text: str, expected: str) -> None:
    assert only_problem(parse_yaml(text, "f.yaml")).startswith(expected)


@pytest.mark.parametrize("text", ["a: &anchor 1\n", "\ufeffa: 1\n"])
def test_anchors_without_aliases_and_a_bom_are_fine(text: str) -> None:
    parsed = parse_yaml(text, "f.yaml")
    assert parsed.diagnostics == ()
    assert parsed.documents[0].data == {"a": 1}


def test_a_yaml_bomb_is_refused_at_its_first_alias() -> None:
    parsed = read_yaml(CORPUS / "broken" / "yaml-bomb.yaml", "bomb.yaml")
    assert only_problem(parsed).startswith("bomb.yaml:4:8: error: aliases (*a) are not allowed")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 200_000,
        "{a: " * 50_000,
        "- " * 50_000 + "x\n",
        "".join("  " * depth + f"k{depth}:\n" for depth in range(200)),
    ],
    ids=["flow-lists", "flow-maps", "block-lists", "block-maps"],
)
def test_deep_nesting_is_refused_fast_without_recursion_error(text: str) -> None:
    problem = only_problem(parse_yaml(text, "deep.yaml"))
    assert f"nesting is deeper than {MAX_DEPTH} levels" in problem
    assert problem.startswith("deep.yaml:")


def test_realistic_nesting_is_accepted() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(20)) + "  " * 20 + "leaf: 1\n"
    assert parse_yaml(text, "f.yaml").diagnostics == ()


def test_a_file_over_the_size_cap_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    line = "- {name: padding, value: 1234567890}\n"
    big.write_text("items:\n" + line * (MAX_FILE_BYTES // len(line) + 1))
    with monkeypatch.context() as patched:
        patched.setattr(fastyaml, "parse", _never)
        patched.setattr(yamlio, "new_yaml", _never)
        problem = only_problem(read_yaml(big, "big.yaml"))
    assert problem == "big.yaml: error: the file is larger than 1 MiB; split it"
    assert only_problem(parse_yaml(big.read_text(), "big.yaml")) == problem


def test_binary_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "logo.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert only_problem(read_yaml(binary, "logo.yaml")) == (
        "logo.yaml: error: this is a binary file (it contains NUL bytes), not YAML"
    )
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"kind: Workflow\nname: caf\xe9\n")
    assert only_problem(read_yaml(latin1, "latin1.yaml")) == (
        "latin1.yaml:2: error: not UTF-8 text: byte 0xe9 is invalid"
    )


def test_an_unreadable_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    assert only_problem(read_yaml(tmp_path, "dir.yaml")).startswith(
        "dir.yaml: error: cannot read the file"
    )


# --- documents and positions -----------------------------------------------------------

NESTED = """\
# leading comment
kind: Workflow
steps:
  - step_id: 1
    actions:
      - {action_id: {outcome: Assign}, end_step: 2}
      - action_id: 7
        end_step: 3
"""


def test_documents_know_their_index_and_first_line() -> None:
    parsed = parse_yaml("# intro\nkind: A\n---\n\n# about B\nkind: B\n---\n", "f.yaml")
    assert [(d.index, d.line) for d in parsed.documents] == [(0, 2), (1, 6), (2, 8)]
    assert [d.data for d in parsed.documents] == [{"kind": "A"}, {"kind": "B"}, None]


def test_an_empty_text_has_no_documents_and_no_problem() -> None:
    assert parse_yaml("", "f.yaml") == YamlFile("f.yaml")
    assert parse_yaml("# only a comment\n", "f.yaml") == YamlFile("f.yaml")


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        (["steps", 0, "actions", 0, "end_step"], False, (6, 50)),
        (["steps", 0, "actions", 0, "end_step"], True, (6, 40)),
        (["steps", 0, "actions", 0, "action_id", "outcome"], False, (6, 31)),
        (["steps", 0, "actions", 1, "end_step"], False, (8, 19)),
        (["steps", 0, "actions", 1], False, (7, 9)),
        (["steps", 0, "step_id"], True, (4, 5)),
        (["kind"], False, (2, 7)),
        ([], False, (2, 1)),
    ],
)
@pytest.mark.parametrize("for_writing", [False, True], ids=["libyaml", "round-trip"])
def test_position_of_nested_keys_and_values(
    path: list[str | int], key: bool, expected: tuple[int, int], for_writing: bool
) -> None:
    data = parse_yaml(NESTED, "f.yaml", for_writing=for_writing).documents[0].data
    assert position(data, path, key=key) == expected


def test_position_falls_back_to_the_nearest_ancestor() -> None:
    data = parse_yaml(NESTED, "f.yaml", for_writing=True).documents[0].data
    assert position(data, ["steps", 0, "actions", 1, "missing"]) == (7, 9)
    assert position(data, ["steps", 5, "name"]) == (4, 3)  # the list, at its first dash
    set_key_after(data, "guid", "new")
    assert position(data, ["guid"]) == (2, 1)  # added after loading: no position of its own


def test_location_without_positions_names_the_file_only() -> None:
    assert location("f.yaml", {"a": {"b": 1}}, ["a", "b"]) == Location("f.yaml")
    data = parse_yaml(NESTED, "f.yaml").documents[0].data
    assert location("f.yaml", data, ["kind"]) == Location("f.yaml", 2, 7)


# --- writing back ------------------------------------------------------------------------

TRICKY = [
    "kind: A\n",
    "---\nkind: A\n---\n",
    "# before the marker\n---\nkind: A\n...\n# after the end\n---\nkind: B\n",
    'a:   1\nb:     "x"   \nc: ~\nd: null\ne:\nf: 1.50\ng: 0x1F\n',
    "kind: A\r\nlist:\r\n- 1\r\n- 2\r\n",
    "--- # a comment on the marker\nkind: A\n",
    "%YAML 1.2\n---\nkind: A\n",
    "kind: A\n# trailing comment, no newline at the end",
]


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_untouched_corpus_files_round_trip_byte_for_byte(path: Path) -> None:
    text = path.read_text()
    assert dump_documents(parse_yaml(text, path.name, for_writing=True).documents) == text


@pytest.mark.parametrize("text", TRICKY)
def test_untouched_tricky_text_round_trips_byte_for_byte(text: str) -> None:
    assert dump_documents(parse_yaml(text, "f.yaml", for_writing=True).documents) == text


def with_guid(text: str, document: int = 0) -> str:
    parsed = parse_yaml(text, "f.yaml", for_writing=True)
    set_key_after(parsed.documents[document].data, "guid", "1f0e")
    return dump_documents(parsed.documents)


def test_inserting_guid_after_kind_changes_nothing_else() -> None:
    text = (CORPUS / "valid" / "incident.yaml").read_text()
    text = text.replace("guid: 8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11\n", "")
    expected = text.replace("kind: Workflow\n", "kind: Workflow\nguid: 1f0e\n")
    assert with_guid(text) == expected


def test_inserting_into_one_document_leaves_the_others_and_markers_alone() -> None:
    text = (CORPUS / "valid" / "rules.yaml").read_text()
    second = "guid: 5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f02\n"
    without = text.replace(second, "")
    assert with_guid(without, document=1) == text.replace(second, "guid: 1f0e\n")


def test_an_edited_document_keeps_its_sequence_indentation_style() -> None:
    unindented = "kind: A\nlist:\n- x\n- y: 1\n  z: 2\nmap:\n    deep: 1\n"
    assert with_guid(unindented) == unindented.replace("kind: A\n", "kind: A\nguid: 1f0e\n")
    indented = "kind: A\nlist:\n    - x\n    - y: 1\n      z: 2\n"
    assert with_guid(indented) == indented.replace("kind: A\n", "kind: A\nguid: 1f0e\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kind: A  # the kind\n# about name\n\nname: b\n",
            "kind: A  # the kind\nguid: 1f0e\n# about name\n\nname: b\n",
        ),
        ("{kind: A, name: b}\n", "{kind: A, guid: 1f0e, name: b}\n"),
        ("--- {kind: A}\n", "--- {kind: A, guid: 1f0e}\n"),
        ("name: b\n", "guid: 1f0e\nname: b\n"),
        ("kind: A", "kind: A\nguid: 1f0e\n"),
    ],
)
def test_inserting_keeps_comments_with_the_key_they_describe(text: str, expected: str) -> None:
    assert with_guid(text) == expected


def test_an_edited_crlf_document_keeps_crlf() -> None:
    text = "kind: A\r\nname: x\r\n"
    assert with_guid(text) == "kind: A\r\nguid: 1f0e\r\nname: x\r\n"


def test_set_key_after_keeps_an_existing_key_in_place_and_puts_a_new_one_first() -> None:
    mapping = CommentedMap([("name", "x"), ("guid", "old"), ("kind", "A")])
    set_key_after(mapping, "guid", "new")
    assert list(mapping.items()) == [("name", "x"), ("guid", "new"), ("kind", "A")]
    headless = CommentedMap([("name", "x")])
    set_key_after(headless, "guid", "g")
    assert list(headless) == ["guid", "name"]


# --- nothing escapes -----------------------------------------------------------------------

YAMLISH = st.lists(
    st.sampled_from(
        [
            "kind: ", "Workflow", "a", ": ", "\n", "  ", "- ", "{", "}", "[", "]", ", ", "&x ",
            "*x", "!t ", "!!str ", "---\n", "...\n", "\t", "'", '"', "# c", "? ", "|\n", ">-\n",
            "${v}", "%YAML 1.2\n", "\r\n", "\ufeff", "\x85", "0x1F", "~", "<<: ",
        ]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=2000)
@given(st.one_of(st.text(max_size=200), YAMLISH))
def test_parsing_any_text_never_raises_and_untouched_dumps_are_exact(text: str) -> None:
    parsed = parse_yaml(text, "fuzz.yaml", for_writing=True)
    assert not (parsed.documents and parsed.diagnostics)
    if parsed.documents:
        assert dump_documents(parsed.documents) == text
    for diagnostic in parsed.diagnostics:
        assert diagnostic.location is not None and diagnostic.location.file == "fuzz.yaml"


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200))
def test_reading_any_bytes_never_raises(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz.yaml"
    path.write_bytes(data)
    parsed = read_yaml(path, "fuzz.yaml")
    assert isinstance(parsed, YamlFile)


def test_an_edited_document_keeps_braces_on_single_key_mappings_in_flow_lists() -> None:
    parsed = parse_yaml(
        "kind: Workflow\nname: x\nalways_allow_actions: [{outcome: X}, 4]\n",
        "a.yaml",
        for_writing=True,
    )
    parsed.documents[0].data["name"] = "y"
    assert dump_documents(parsed.documents) == (
        "kind: Workflow\nname: y\nalways_allow_actions: [{outcome: X}, 4]\n"
    )
