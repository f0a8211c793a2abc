"""Issue 15, "never reach outside the repo": a symlink that leads out of the repo, or
loops, is reported by name and never read, by validate and by plan alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from haloform.load.documents import config_files
from haloform.load.repo import load_repo
from tests.security.servers import MINIMAL_RULE, forget_live_tenant, haloform

SECRET = "S3NT1NEL-dotenv-secret"
PROJECT = "version: 1\ndefault_environment: local\nenvironments:\n  local: {emulator: true}\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    forget_live_tenant(monkeypatch)
    (tmp_path / ".env").write_text(f"kind: TicketRule\nname: {SECRET}\n[oops\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "ticket-rules").mkdir(parents=True)
    (root / "ticket-rules" / "rule.yaml").write_text(MINIMAL_RULE, encoding="utf-8")
    (root / "haloform.yaml").write_text(PROJECT, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def test_a_file_linked_from_outside_is_named_and_never_read(repo: Path) -> None:
    (repo / "ticket-rules" / "x.yaml").symlink_to(repo.parent / ".env")

    for command in ("validate", "plan"):
        result = haloform(command, ".")
        assert result.code == 1, str(result)
        assert "x.yaml: error: is a symlink that leads outside the repo; not read" in result.output
        assert SECRET not in result.output
        assert "oops" not in result.output


def test_a_single_linked_file_given_on_the_command_line_is_refused(repo: Path) -> None:
    (repo / "x.yaml").symlink_to(repo.parent / ".env")
    result = haloform("validate", "x.yaml")
    assert result.code == 1
    assert "leads outside the repo" in result.output and SECRET not in result.output


def test_a_directory_linked_from_outside_is_not_walked(repo: Path) -> None:
    outside = repo.parent / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"name: {SECRET}\n", encoding="utf-8")
    (repo / "more").symlink_to(outside)
    loaded = load_repo(repo)
    assert [d.message for d in loaded.diagnostics] == [
        "is a symlink that leads outside the repo; not read"
    ]
    assert all("elsewhere" not in str(path) for path in config_files(repo))


def test_symlink_loops_are_reported_once_each(repo: Path) -> None:
    (repo / "a.yaml").symlink_to("b.yaml")
    (repo / "b.yaml").symlink_to("a.yaml")
    (repo / "ticket-rules" / "up").symlink_to("..")

    result = haloform("validate", ".")

    assert result.code == 1
    assert result.output.count("a.yaml: error: is a symlink loop; not read") == 1
    assert result.output.count("b.yaml: error: is a symlink loop; not read") == 1
    assert result.output.count("up: error: is a symlink to a directory above it") == 1


def test_a_file_link_inside_the_repo_is_read_and_a_directory_link_is_not_walked(
    repo: Path,
) -> None:
    (repo / "alias.yaml").symlink_to("ticket-rules/rule.yaml")
    (repo / "rules").symlink_to("ticket-rules")
    loaded = load_repo(repo)
    assert [item.name for item in loaded.resources] == ["Reference-free rule"] * 2
