"""Rendering a plan: human text (rich), Markdown for a PR comment, versioned JSON.

Usage from the CLI::

    from haloform.render import FORMATS, render

    click.echo(render(plan, "markdown"), nl=False)

Each format is one module implementing :class:`Renderer`; :data:`RENDERERS` is the one
list of them, so ``--format`` choices and the dispatch cannot disagree. A tenant
comparison (``haloform diff``) has renderers of its own, in the same formats:
:data:`COMPARISON_RENDERERS` and :func:`render_comparison`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TypeVar

from haloform.diff.tenants import TenantComparison
from haloform.plan.model import Plan
from haloform.render.compare_json import ComparisonJsonRenderer
from haloform.render.compare_markdown import ComparisonMarkdownRenderer
from haloform.render.compare_text import ComparisonTextRenderer
from haloform.render.comparison import ComparisonRenderer
from haloform.render.interface import Renderer, RendererFactory, RenderOptions
from haloform.render.json import FORMAT_VERSION, JsonRenderer
from haloform.render.markdown import BUDGET, MarkdownRenderer
from haloform.render.text import TextRenderer

RENDERERS: Mapping[str, RendererFactory] = MappingProxyType(
    {
        "text": lambda options: TextRenderer(color=options.color),
        "markdown": lambda options: MarkdownRenderer(options=options),
        "json": lambda _options: JsonRenderer(),
    }
)
"""Format name -> renderer factory; the keys are the CLI's ``--format`` choices."""

FORMATS: tuple[str, ...] = tuple(RENDERERS)

COMPARISON_RENDERERS: Mapping[str, Callable[[RenderOptions], ComparisonRenderer]] = (
    MappingProxyType(
        {
            "text": lambda options: ComparisonTextRenderer(color=options.color),
            "markdown": lambda _options: ComparisonMarkdownRenderer(),
            "json": lambda _options: ComparisonJsonRenderer(),
        }
    )
)
"""Format name -> comparison renderer factory; the same names as :data:`FORMATS`."""

F = TypeVar("F")


def render(
    plan: Plan, fmt: str, *, color: bool = False, options: RenderOptions | None = None
) -> str:
    """``plan`` in format ``fmt`` (a key of :data:`RENDERERS`); colour only affects text.

    An unknown format is a programming error (the CLI offers only :data:`FORMATS`),
    hence ``ValueError`` rather than a user-facing ``HaloformError``.
    """
    factory = _factory(RENDERERS, fmt, "plan")
    chosen = replace(options, color=color) if options is not None else RenderOptions(color=color)
    return factory(chosen).render(plan)


def render_comparison(comparison: TenantComparison, fmt: str, *, color: bool = False) -> str:
    """``comparison`` in format ``fmt`` (one of :data:`FORMATS`), like :func:`render`."""
    factory = _factory(COMPARISON_RENDERERS, fmt, "diff")
    return factory(RenderOptions(color=color)).render(comparison)


def _factory(table: Mapping[str, F], fmt: str, what: str) -> F:
    try:
        return table[fmt]
    except KeyError:
        raise ValueError(f"unknown {what} format {fmt!r}; expected one of {FORMATS}") from None


__all__ = [
    "BUDGET",
    "COMPARISON_RENDERERS",
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
    "render_comparison",
]
