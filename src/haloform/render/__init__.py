"""Rendering a plan: human text (rich), Markdown for a PR comment, versioned JSON.

Usage from the CLI::

    from haloform.render import FORMATS, render

    click.echo(render(plan, "markdown"), nl=False)

Each format is one module implementing :class:`Renderer`; :data:`RENDERERS` is the one
list of them, so ``--format`` choices and the dispatch cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from haloform.plan.model import Plan
from haloform.render.interface import Renderer, RendererFactory, RenderOptions
from haloform.render.json import FORMAT_VERSION, JsonRenderer
from haloform.render.markdown import BUDGET, MarkdownRenderer
from haloform.render.text import TextRenderer

RENDERERS: Mapping[str, RendererFactory] = MappingProxyType(
    {
        "text": lambda options: TextRenderer(color=options.color),
        "markdown": lambda _options: MarkdownRenderer(),
        "json": lambda _options: JsonRenderer(),
    }
)
"""Format name -> renderer factory; the keys are the CLI's ``--format`` choices."""

FORMATS: tuple[str, ...] = tuple(RENDERERS)


def render(plan: Plan, fmt: str, *, color: bool = False) -> str:
    """``plan`` in format ``fmt`` (a key of :data:`RENDERERS`); colour only affects text.

    An unknown format is a programming error (the CLI offers only :data:`FORMATS`),
    hence ``ValueError`` rather than a user-facing ``HaloformError``.
    """
    try:
        factory = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown plan format {fmt!r}; expected one of {FORMATS}") from None
    return factory(RenderOptions(color=color)).render(plan)


__all__ = [
    "BUDGET",
    "FORMATS",
    "FORMAT_VERSION",
    "RENDERERS",
    "JsonRenderer",
    "MarkdownRenderer",
    "RenderOptions",
    "Renderer",
    "RendererFactory",
    "TextRenderer",
    "render",
]
