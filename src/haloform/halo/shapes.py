"""Tolerate every shape Halo is known (or plausibly able) to answer in.

Lists come bare (``[...]``), wrapped (``{"results": [...]}``, ``{"stdrequests": [...]}``),
or paginated (``{"record_count", "page_no", "page_size", "<plural>": [...]}``, with the
list left out when empty, as Halo leaves out empty fields). A POST answers the single
saved object or an array, possibly of fewer objects than were sent; callers match them
by guid. A DELETE answers the deleted object or nothing. Records are returned as Halo
sent them: unknown fields are kept, never dropped.

These functions see only bodies, not HTTP; they raise ``ShapeError``, which the client
turns into a ``ResponseError`` naming the request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from haloform.halo.failures import describe_html, describe_json, load_json, looks_like_html

Record = dict[str, Any]
_PAGE_KEYS = frozenset({"record_count", "page_no", "page_size"})
_WRAPPERS = ("results", "records", "data", "items")


class ShapeError(ValueError):
    """A body that is not what Halo sends; internal, surfaced as ``ResponseError``."""


@dataclass(frozen=True)
class Page:
    """One answer of a list endpoint."""

    records: list[Record]
    total: int | None = None
    """``record_count`` when the server said how many records there are in all."""


def decode(text: str, *, required: bool = True) -> Any:
    """The JSON in ``text``; ``None`` for an empty body when ``required`` is false."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        if required:
            raise ShapeError("the answer is empty where Halo sends JSON")
        return None
    if looks_like_html(text):
        raise ShapeError(f"the answer is {describe_html(text)}")
    try:
        body = load_json(text)
    except json.JSONDecodeError as exc:
        # A body cut inside a string fails where the string starts, not at its end.
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        where = "it ends early (truncated?)" if cut else exc.msg.removesuffix(" at")
        raise ShapeError(
            f"the answer is not valid JSON: {where} at character {exc.pos} of {len(text)}"
        ) from None
    except ValueError as exc:
        raise ShapeError(f"the answer is not usable JSON: {exc}") from None
    _refuse_error_object(body)
    return body


def _refuse_error_object(body: Any) -> None:
    """A success status carrying Halo's error forms is still a failure."""
    if not isinstance(body, dict) or "id" in body:
        return
    keys = {key.lower(): key for key in body}
    failed = bool(body.get(keys.get("errormessage", ""))) or {"classname", "message"} <= set(keys)
    if failed:
        raise ShapeError(f"Halo reported an error with a success status: {describe_json(body)[0]}")


def page(body: Any, resource: str = "") -> Page:
    """The records of a list answer, bare or wrapped; ``resource`` names the list field."""
    if isinstance(body, list):
        return Page(objects(body))
    if not isinstance(body, dict):
        raise ShapeError(f"expected a list of records, got {kind_of(body)}")
    total = body.get("record_count")
    total = total if isinstance(total, int) and not isinstance(total, bool) else None
    return Page(objects(_unwrap(body, resource)), total)


def _unwrap(body: Mapping[str, Any], resource: str) -> list[Any]:
    lists = {key: value for key, value in body.items() if isinstance(value, list)}
    is_page = bool(_PAGE_KEYS & body.keys())
    if len(lists) == 1 and (is_page or not _is_record(body)):
        return next(iter(lists.values()))
    if not lists and is_page:
        return []
    if not lists or (not is_page and _is_record(body)):
        raise ShapeError(f"expected a list of records, got {kind_of(body)}")
    by_name = {key.lower(): key for key in lists}
    plural = resource.strip("/").rsplit("/", 1)[-1].lower()
    for name in (f"{plural}s", plural, *_WRAPPERS):
        if name in by_name:
            return lists[by_name[name]]
    raise ShapeError(f"cannot tell which field holds the records among {sorted(lists)}")


def _is_record(body: Mapping[str, Any]) -> bool:
    return "id" in body or "guid" in body


def saved(body: Any) -> list[Record]:
    """The records a POST answered with: one object, or an array of them."""
    if isinstance(body, dict):
        return [body]
    if isinstance(body, list):
        return objects(body)
    raise ShapeError(f"expected the saved record(s), got {kind_of(body)}")


def deleted(body: Any) -> Record | None:
    """The record a DELETE answered with, if it answered with one."""
    if isinstance(body, dict):
        return body
    if isinstance(body, list) and len(body) == 1 and isinstance(body[0], dict):
        return body[0]
    return None


def single(body: Any) -> Record:
    """One record (a detail GET), tolerating an array that holds exactly one."""
    if isinstance(body, list) and len(body) == 1:
        body = body[0]
    if not isinstance(body, dict):
        raise ShapeError(f"expected one record, got {kind_of(body)}")
    return body


def objects(items: list[Any]) -> list[Record]:
    """``items`` if every one is a JSON object, else a ShapeError naming the first misfit."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ShapeError(f"expected records, but item {index} is {kind_of(item)}")
    return items


def kind_of(value: Any) -> str:
    """How a JSON value reads in a message, without dumping it."""
    if isinstance(value, dict):
        fields = ", ".join(sorted(map(str, value))[:8])
        return f"an object with fields {fields}" if fields else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "a number" if isinstance(value, int | float) else "a string"
