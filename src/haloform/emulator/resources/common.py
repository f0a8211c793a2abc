"""Answer shapes every family of resource shares: Halo's paging, reading one record,
and what DELETE answers."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.responses import Response

from haloform.emulator.api import Query, invalid, not_found, ok
from haloform.emulator.kinds import LABELS
from haloform.emulator.store import Doc
from haloform.emulator.tenant import Tenant

PAGING = {"pageinate": "boolean", "page_size": "integer", "page_no": "integer"}
"""Halo's paging parameters, for operations whose published entry leaves them out."""

DEFAULT_PAGE_SIZE = 50


def page(rows: Sequence[Doc], query: Query, key: str, always_wrap: bool = False) -> object:
    """``pageinate=true&page_size=N&page_no=K`` answers one page wrapped as
    ``{"record_count", "page_no", "page_size", key: [...]}``; without it, a bare list
    (or, where Halo always wraps, the whole list as page 1)."""
    if not query.flag("pageinate"):
        if not always_wrap:
            return list(rows)
        return {"page_no": 1, "page_size": len(rows), "record_count": len(rows), key: list(rows)}
    size, number = query.number("page_size"), query.number("page_no")
    size = DEFAULT_PAGE_SIZE if size is None else size
    number = 1 if number is None else number
    if size < 1 or number < 1:
        raise invalid({"page_size" if size < 1 else "page_no": "must be 1 or more"})
    start = (number - 1) * size
    return {
        "page_no": number,
        "page_size": size,
        "record_count": len(rows),
        key: list(rows[start : start + size]),
    }


def fetch(tenant: Tenant, kind: str, rid: int) -> Doc:
    doc = tenant.store.get(kind, rid)
    if doc is None:
        raise not_found(f"{LABELS[kind]} {rid} not found")
    return doc


def deleted(tenant: Tenant, doc: Doc) -> Response:
    """DELETE answers 200 with the deleted record, or (a plausible variant) nothing."""
    if tenant.config.delete_response == "empty":
        return Response(status_code=200)
    return ok(doc)
