"""Text a reviewer reads, with nothing in it that can hide or disguise itself.

A rule name can carry a right-to-left override (U+202E), zero-width characters or bidi
isolates: shown raw, ``"Allow\u202eyrd"`` reads as something it is not in a terminal or a
PR comment. Every name, value and message that came from a file or a tenant passes
through ``visible`` on its way to a reader, which escapes such characters JSON-style
(``\\u202e``, ``\\n``) so they are seen rather than obeyed.
"""

from __future__ import annotations

import json
import unicodedata

_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
"""Controls, format characters (bidi overrides and isolates, zero-width space and
joiners, the byte-order mark), line/paragraph separators, surrogates, private-use and
unassigned code points: none has a visible glyph a reviewer could trust. Spaces other
than the plain one (no-break, thin, ideographic) are escaped too: they look alike."""


def visible(text: str, *, keep: str = "") -> str:
    """``text`` with every hidden character escaped; characters in ``keep`` (e.g. the
    newlines of a multi-line message) are left as they are."""
    if text.isprintable() and text.isascii():
        return text
    return "".join(
        char if char in keep or not _hidden(char) else json.dumps(char)[1:-1] for char in text
    )


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    return category in _HIDDEN or (category == "Zs" and char != " ")
