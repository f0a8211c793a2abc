"""fastyaml: libyaml's read gives the values, positions and messages ruamel's would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.plan_apply import generate, write
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap

from haloform.load import fastyaml
from haloform.load.fastyaml import LocatedMap, LocatedSeq
from haloform.load.located import to_plain
from haloform.load.yamlio import PARSER_VARIABLE, YamlFile, parse_yaml, position

ROOT = Path(__file__).parents[2]
FILES = sorted([*(ROOT / "tests" / "corpus").rglob("*.yaml"), *(ROOT / "examples").rglob("*.yaml")])

pytestmark = pytest.mark.skipif(not fastyaml.available(), reason="PyYAML's libyaml binding")


def paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index path in ``data``."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        yield (*path, key)
        if isinstance(value, (dict, list)):
            yield from paths(value, (*path, key))


def assert_same(text: str) -> YamlFile:
    """The fast read equals the round-trip read in every way the loader can see."""
    fast, slow = parse_yaml(text, "f.yaml"), parse_yaml(text, "f.yaml", for_writing=True)
    assert fast.diagnostics == slow.diagnostics
    assert [(d.index, d.line if d.data is not None else 0) for d in fast.documents] == [
        (d.index, d.line if d.data is not None else 0) for d in slow.documents
    ]  # an empty document's line is the one thing allowed to differ: nothing reads it
    for mine, theirs in zip(fast.documents, slow.documents, strict=True):
        assert repr(to_plain(mine.data)) == repr(to_plain(theirs.data))  # types too; nan
        if not isinstance(mine.data, (dict, list)):
            continue
        assert position(mine.data, ()) == position(theirs.data, ())
        for path in paths(mine.data):
            for key in (False, True):
                assert position(mine.data, path, key=key) == position(theirs.data, path, key=key)
    return fast


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_corpus_and_example_file_reads_the_same(path: Path) -> None:
    assert_same(path.read_text(encoding="utf-8"))


def test_a_generated_repo_reads_the_same_and_fast(tmp_path: Path) -> None:
    write(generate(rules=60, flows=4, events=2, seed=3), tmp_path)
    for path in sorted(tmp_path.rglob("*.yaml")):
        parsed = assert_same(path.read_text(encoding="utf-8"))
        assert all(isinstance(d.data, LocatedMap) for d in parsed.documents)


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\nb: 0o17\nc: 1_000\nd: 017\ne: 0x1F\nf: 1.50\ng: .inf\nh: 2024-01-02\n",
        "i: 2024-01-02T03:04:05Z\nj: ~\nk:\nl: True\nm: -0\nn: +5\no: 1e3\np: '1'\n",
        'a: |\n  text\n  more\nb: >-\n  folded\n  line\nc: "q\\u00e9"\n',
        "- [1, {a: b}, [c]]\n- {}\n- []\n-\n- - nested\n",
        "é: ünïcode\nkey with spaces: 'x'\n1: int key\nnull: null key\n",
        "a: 1\n---\n- 2\n---\nplain\n---\n",
        "a: 1\r\nb:\r\n  - 2\r\n",
    ],
    ids=["typed", "typed-2", "block", "flow", "keys", "documents", "crlf"],
)
def test_scalars_documents_and_styles_read_the_same(text: str) -> None:
    parsed = assert_same(text)
    assert isinstance(parsed.documents[0].data, (LocatedMap, LocatedSeq))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an alias: refused, in ruamel's words
        "a: &x 1\n",  # an anchor alone: taken by the round trip
        "a: !t 1\n",
        "<<: {a: 1}\nb: 2\n",  # a merge key
        "a: 1\na: 2\n",
        "%YAML 1.1\n---\na: yes\n",  # YAML 1.1 says this is true
        "a:\tb\n",
        "a: [1, 2\n",
        "\ufeffa: 1\n",
        "a: 1\x85b: 2\n",
        "a: |\n...\n",
    ],
)
def test_what_libyaml_cannot_take_exactly_goes_through_the_round_trip(text: str) -> None:
    with pytest.raises(fastyaml.Unusual):
        fastyaml.parse(text, 64)
    assert_same(text)


def test_nesting_past_the_depth_cap_is_worded_by_the_round_trip() -> None:
    text = "a: " + "[" * 70 + "]" * 70 + "\n"
    with pytest.raises(fastyaml.Unusual):
        fastyaml.parse(text, 64)
    assert "nesting is deeper than 64" in str(assert_same(text).diagnostics[0])


def test_the_round_trip_variable_sends_every_file_through_ruamel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PARSER_VARIABLE, "roundtrip")
    assert isinstance(parse_yaml("a: 1\n", "f.yaml").documents[0].data, CommentedMap)


YAMLISH = st.lists(
    st.sampled_from(
        [
            "kind: ", "Workflow", "a", "b", ": ", "\n", "  ", "- ", "{", "}", "[", "]", ", ",
            "&x ", "*x", "!t ", "---\n", "...\n", "'", '"', "# c", "? ", "|\n", ">-\n", "${v}",
            "0x1F", "~", "<<: ", "1", "yes", "1.5", "2024-01-01", "é", "\r\n", ":",
        ]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=2000)
@given(st.one_of(st.text(max_size=120), YAMLISH))
def test_any_text_reads_the_same_both_ways(text: str) -> None:
    assert_same(text)
