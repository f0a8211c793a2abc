"""The seam between a plan and its readers: one small protocol, one module per format.

A renderer is a pure function of the plan (no printing, no files, no clock, no
environment), so the same plan always reads the same and golden files can pin it; the
CLI alone decides where the text goes and which exit code follows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from haloform.plan.model import Plan


class Renderer(Protocol):
    """Turns a plan into the text one audience reads (a terminal, a PR, a program)."""

    def render(self, plan: Plan) -> str:
        """The whole document, ending with a newline."""
        ...


@dataclass(frozen=True)
class RenderOptions:
    """What the caller knows and a renderer may need; each format takes what it uses."""

    color: bool = False
    """ANSI colour for a terminal; the CLI decides (a tty, ``NO_COLOR``), not the renderer."""
    commit: str | None = None
    """The commit the plan was made from, shown in a PR comment's heading (CI knows it)."""
    source_url: str | None = None
    """Where the repo's files are browsed at that commit (``https://github.com/o/r/blob/
    SHA`` or a GitLab ``/-/blob/SHA``, plus the config directory): ``file:line`` links."""
    findings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Remarks about resources (by ``Kind/guid``), shown with their change: for the
    rule-analysis findings of the resources a plan touches."""


RendererFactory = Callable[[RenderOptions], Renderer]
"""Builds a renderer from the options, so the registry needs no per-format switch."""
