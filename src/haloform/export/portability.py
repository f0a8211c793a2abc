"""Export's warnings about values that will not mean the same in another tenant: an
id the tenant has no name for, or a name several of its rows share, each located in
the file export wrote."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haloform.common.ids import canonical_guid
from haloform.common.paths import field_path
from haloform.diagnostics import Diagnostics, Location
from haloform.export.layout import unportable
from haloform.kinds import KindSpec
from haloform.load.yamlio import YamlDocument, location, parse_yaml
from haloform.resolve.index import TenantIndex

if TYPE_CHECKING:
    from haloform.export.run import ExportRequest


def portability_warnings(
    placed: Mapping[str, tuple[KindSpec, str, Any]],
    texts: Mapping[str, str],
    index: TenantIndex,
    request: ExportRequest,
) -> list[str]:
    """A warning, located, for each unportable value of each exported resource (by
    guid: spec, file, data). Only a file with such a value is parsed again, to say
    where in it the value sits."""
    found = Diagnostics()
    parsed: dict[str, tuple[YamlDocument, ...]] = {}
    for guid, (spec, path, data) in placed.items():
        problems = list(unportable(spec, data, index, request.tenant))
        if not problems or path not in texts:
            continue
        if path not in parsed:
            parsed[path] = parse_yaml(texts[path], path).documents
        written = _written(parsed[path], guid)
        shown = str(Path(request.out) / path)
        for at, message in problems:
            where = location(shown, written, at) if written is not None else Location(shown)
            found.warning(message, where, field_path(at))
    return [str(diagnostic) for diagnostic in found]


def _written(documents: Iterable[YamlDocument], guid: str) -> Any:
    """The document of ``guid`` as written, where positions are known."""
    return next(
        (
            doc.data
            for doc in documents
            if isinstance(doc.data, Mapping) and canonical_guid(doc.data.get("guid")) == guid
        ),
        None,
    )
