"""The one layout haloform writes keeps every string as it was: what is written reads
back the same."""

from __future__ import annotations

import io

import pytest
from ruamel.yaml import YAML

from haloform.load.style import to_node


@pytest.mark.parametrize("text", ["0\x850", "a\u2028b", "a\u2029b", "plain", "two\nlines\n"])
def test_a_string_reads_back_as_written(text: str) -> None:
    stream = io.StringIO()
    YAML().dump(to_node({"name": text}), stream)
    assert YAML(typ="safe", pure=True).load(stream.getvalue()) == {"name": text}
    assert YAML().load(stream.getvalue()) == {"name": text}
