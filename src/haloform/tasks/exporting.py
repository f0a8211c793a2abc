"""``haloform export`` and ``haloform import``: a tenant written out as portable YAML.

The one request the core needs (``export.run.ExportRequest``) built from the project
and the environment, and the export run over the environment's client.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from haloform.export.read import Picker, ReadProgress
from haloform.export.run import Export, ExportRequest, export_tenant
from haloform.kinds import KindSpec
from haloform.load.settings import Project
from haloform.tasks.workspace import QUIET, Target, Voice, open_client


def export_into(
    project: Project,
    target: Target,
    out: Path,
    specs: tuple[KindSpec, ...],
    *,
    prune_files: bool = False,
    selection: Picker | None = None,
    voice: Voice = QUIET,
    progress: ReadProgress | None = None,
) -> Export:
    """``target``'s resources (all, or ``selection``'s) exported into ``out``; the
    warnings are in the result, for the caller to show."""
    request = ExportRequest(
        out=out,
        tenant=target.label,
        environment=target.name,
        specs=specs,
        lookup_names=target.environment.lookup_names,
        variables=project.variables_for(target.environment),
        prune_files=prune_files,
        selection=selection,
    )

    async def run() -> Export:
        async with open_client(target, voice) as client:
            return await export_tenant(client, request, progress)

    return asyncio.run(run())
