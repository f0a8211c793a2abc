"""What CI tells about the commit becomes the comment's heading and file links."""

from __future__ import annotations

from pathlib import Path

from haloform.cli.ci_env import render_options

SHA = "4f2a9c1e0b7d3f5a6c8e9d0b1a2c3d4e5f6a7b8c"


def test_github_links_to_the_config_directory_at_the_commit(tmp_path: Path) -> None:
    config = tmp_path / "halo"
    config.mkdir()
    environ = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/config",
        "GITHUB_SHA": "merge-commit",
        "HALOFORM_COMMIT": SHA,
        "GITHUB_WORKSPACE": str(tmp_path),
    }
    options = render_options(config, environ, color=False)
    assert options.commit == SHA
    assert options.source_url == f"https://github.com/acme/config/blob/{SHA}/halo"


def test_gitlab_links_at_the_root(tmp_path: Path) -> None:
    environ = {
        "CI_PROJECT_URL": "https://gitlab.com/acme/config",
        "CI_COMMIT_SHA": SHA,
        "CI_PROJECT_DIR": str(tmp_path),
    }
    options = render_options(tmp_path, environ, color=False)
    assert options.source_url == f"https://gitlab.com/acme/config/-/blob/{SHA}"


def test_no_link_for_a_directory_outside_the_checkout(tmp_path: Path) -> None:
    environ = {
        "CI_PROJECT_URL": "https://gitlab.com/acme/config",
        "CI_COMMIT_SHA": SHA,
        "CI_PROJECT_DIR": str(tmp_path / "elsewhere"),
    }
    options = render_options(tmp_path, environ, color=False)
    assert options.commit == SHA
    assert options.source_url is None


def test_outside_ci_nothing_is_claimed(tmp_path: Path) -> None:
    options = render_options(tmp_path, {}, color=True)
    assert (options.commit, options.source_url, options.color) == (None, None, True)
