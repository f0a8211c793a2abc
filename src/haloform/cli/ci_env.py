"""What a CI job tells about the commit being planned, for the PR comment.

GitHub Actions sets ``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY`` and ``GITHUB_SHA``;
GitLab CI ``CI_PROJECT_URL`` and ``CI_COMMIT_SHA``. On a pull request GitHub's
``GITHUB_SHA`` is a merge commit nobody reviewed, so ``HALOFORM_COMMIT`` (the action
sets it to the PR's head) wins. Renderers never read the environment: the CLI does,
here, and hands the result over as ``RenderOptions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from haloform.render import RenderOptions


def render_options(directory: Path, environ: Mapping[str, str], *, color: bool) -> RenderOptions:
    """Commit and file-link base for a plan of the config repo at ``directory``."""
    github = _github(environ)
    gitlab = _gitlab(environ)
    found = github or gitlab
    if found is None:
        return RenderOptions(color=color, commit=environ.get("HALOFORM_COMMIT") or None)
    base, commit, workspace = found
    prefix = _inside(directory, workspace)
    url = None if prefix is None else f"{base}/{commit}" + (f"/{prefix}" if prefix else "")
    return RenderOptions(color=color, commit=commit, source_url=url)


def _github(environ: Mapping[str, str]) -> tuple[str, str, str | None] | None:
    server, repo = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    commit = environ.get("HALOFORM_COMMIT") or environ.get("GITHUB_SHA")
    if not (server and repo and commit):
        return None
    return f"{server.rstrip('/')}/{repo}/blob", commit, environ.get("GITHUB_WORKSPACE")


def _gitlab(environ: Mapping[str, str]) -> tuple[str, str, str | None] | None:
    project = environ.get("CI_PROJECT_URL")
    commit = environ.get("HALOFORM_COMMIT") or environ.get("CI_COMMIT_SHA")
    if not (project and commit):
        return None
    return f"{project.rstrip('/')}/-/blob", commit, environ.get("CI_PROJECT_DIR")


def _inside(directory: Path, workspace: str | None) -> str | None:
    """The config directory relative to the checkout ("" at its root); None outside it
    (a link would point at the wrong file)."""
    root = Path(workspace).resolve() if workspace else Path.cwd().resolve()
    try:
        relative = directory.resolve().relative_to(root)
    except ValueError:
        return None
    return relative.as_posix() if relative.parts else ""
