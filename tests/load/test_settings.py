"""project: haloform.yaml, its environments, variables and prune scopes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from haloform.diagnostics import ConfigErrors
from haloform.errors import ConfigError
from haloform.kinds import KINDS
from haloform.load.settings import (
    EMBEDDED,
    Environment,
    Project,
    PruneScope,
    find_project,
    load_project,
    project_root,
)
from tests.repo_builder import write_repo

EXAMPLES = Path(__file__).parents[2] / "examples"


def load_errors(root: Path, text: str) -> list[str]:
    """The located errors ``load_project`` raises for ``text``, paths relative to ``root``."""
    write_repo(root, {"haloform.yaml": text})
    with pytest.raises(ConfigErrors) as raised:
        load_project(root)
    return [str(d).replace(f"{root}/", "") for d in raised.value.diagnostics]


# --- loading ---------------------------------------------------------------------------------


def test_without_a_project_file_everything_is_default(tmp_path: Path) -> None:
    assert find_project(tmp_path) is None
    project = load_project(tmp_path)
    assert project == Project()
    assert project.kinds == tuple(spec.kind for spec in KINDS)
    assert project.environment(None) == (EMBEDDED, Environment(emulator=True))


def test_a_file_or_folder_inside_a_repo_is_governed_by_the_project_above(
    tmp_path: Path,
) -> None:
    write_repo(
        tmp_path,
        {"haloform.yaml": "version: 1\nvariables: {team: Network}\n", "rules/a.yaml": "kind: x\n"},
    )
    assert find_project(tmp_path / "rules" / "a.yaml") == tmp_path / "haloform.yaml"
    assert find_project(tmp_path / "rules") == tmp_path / "haloform.yaml"
    assert load_project(tmp_path / "rules").variables == {"team": "Network"}
    assert project_root(tmp_path / "rules" / "a.yaml") == tmp_path


def test_haloform_yml_is_a_project_file_too(tmp_path: Path) -> None:
    write_repo(tmp_path, {"haloform.yml": "version: 1\nvariables: {a: b}\n"})
    assert load_project(tmp_path).variables == {"a": "b"}


def test_the_example_project_file(tmp_path: Path) -> None:
    project = load_project(EXAMPLES)
    assert project.default_environment == "local"
    assert sorted(project.environments) == ["local", "production", "staging"]
    assert project.environments["staging"].id_offset == 50000
    production = project.environments["production"]
    assert production.url == "https://acme.halopsa.com"
    assert production.client_secret_env == "HALO_PROD_CLIENT_SECRET"
    assert production.rate_limit.requests == 300


def test_an_unknown_key_is_located_with_a_suggestion(tmp_path: Path) -> None:
    text = "version: 1\nenviroments:\n  local: {emulator: true}\n"
    assert load_errors(tmp_path, text) == [
        "haloform.yaml:2:1: error: enviroments: unknown field 'enviroments'; "
        "did you mean 'environments'?"
    ]


def test_an_unknown_key_inside_an_environment(tmp_path: Path) -> None:
    text = "environments:\n  prod:\n    url: https://x\n    client_id_evn: X\n"
    assert load_errors(tmp_path, text) == [
        "haloform.yaml:4:5: error: environments.prod.client_id_evn: unknown field "
        "'client_id_evn'; did you mean 'client_id_env'?"
    ]


def test_an_environment_is_either_a_url_or_the_emulator(tmp_path: Path) -> None:
    text = (
        "environments:\n"
        "  both:\n"
        "    url: https://acme.halopsa.com\n"
        "    emulator: true\n"
        "  neither:\n"
        "    tenant: acme\n"
    )
    message = (
        "an environment needs either 'url' (a Halo tenant) or 'emulator: true' "
        "(the embedded emulator), not both"
    )
    assert load_errors(tmp_path, text) == [
        f"haloform.yaml:3:5: error: environments.both: {message}",
        f"haloform.yaml:6:5: error: environments.neither: {message}",
    ]


def test_the_default_environment_must_be_defined(tmp_path: Path) -> None:
    text = "default_environment: prod\nenvironments:\n  staging: {emulator: true}\n"
    assert load_errors(tmp_path, text) == [
        "haloform.yaml:1:1: error: default_environment 'prod' is not defined "
        "(environments: staging)"
    ]


def test_the_default_may_be_the_implicit_embedded_environment(tmp_path: Path) -> None:
    write_repo(tmp_path, {"haloform.yaml": "default_environment: embedded\n"})
    assert load_project(tmp_path).environment(None) == (EMBEDDED, Environment(emulator=True))


def test_every_problem_of_the_file_is_listed_in_one_error(tmp_path: Path) -> None:
    text = "version: 2\nkinds: [Workflow, Dashboard]\nprune:\n  - {kind: Workflow, nme: x}\n"
    write_repo(tmp_path, {"haloform.yaml": text})
    with pytest.raises(ConfigErrors) as raised:
        load_project(tmp_path)
    assert [
        (d.location.line if d.location else None, d.field) for d in raised.value.diagnostics
    ] == [
        (1, "version"),
        (2, "kinds[1]"),
        (4, "prune[0].nme"),
    ]
    assert f"{tmp_path / 'haloform.yaml'} is not valid (3 errors)" in str(raised.value)


def test_a_project_file_must_be_one_mapping(tmp_path: Path) -> None:
    assert load_errors(tmp_path, "- version: 1\n") == [
        "haloform.yaml: error: expected one mapping (version, environments, ...)"
    ]
    assert load_errors(tmp_path, "version: 1\n---\nversion: 1\n") == [
        "haloform.yaml: error: expected one mapping (version, environments, ...)"
    ]


def test_a_yaml_error_is_reported_alone(tmp_path: Path) -> None:
    assert load_errors(tmp_path, "version: 1\n  environments: {}\n") == [
        "haloform.yaml:2:15: error: mapping values are not allowed here"
    ]


def test_an_environment_name_is_a_plain_word(tmp_path: Path) -> None:
    errors = load_errors(tmp_path, "environments:\n  'prod eu': {url: https://x}\n")
    assert [error.split(": ")[:3] for error in errors] == [
        ["haloform.yaml:2:14", "error", "environments.prod eu"]
    ]


# --- choosing an environment -----------------------------------------------------------------


def test_an_environment_is_chosen_by_name_then_default_then_embedded() -> None:
    local, prod = Environment(emulator=True), Environment(url="https://acme.halopsa.com")
    project = Project(default_environment="prod", environments={"local": local, "prod": prod})
    assert project.environment("local") == ("local", local)
    assert project.environment(None) == ("prod", prod)
    assert project.environment(EMBEDDED) == (EMBEDDED, Environment(emulator=True))
    assert Project(environments={"local": local}).environment(None) == (
        EMBEDDED,
        Environment(emulator=True),
    )


def test_an_explicit_embedded_environment_overrides_the_implicit_one() -> None:
    mine = Environment(emulator=True, id_offset=7)
    assert Project(environments={EMBEDDED: mine}).environment(None) == (EMBEDDED, mine)


def test_an_unknown_environment_lists_the_known_ones() -> None:
    project = Project(environments={"prod": Environment(url="https://x")})
    with pytest.raises(ConfigError, match=r"no environment 'prd' .*\(known: embedded, prod\)"):
        project.environment("prd")


def test_the_models_refuse_a_bad_default_directly() -> None:
    with pytest.raises(ValidationError, match="default_environment 'x' is not defined"):
        Project(default_environment="x")


# --- variables and prune scopes --------------------------------------------------------------


def test_environment_variables_override_the_projects() -> None:
    staging = Environment(emulator=True, variables={"team": "Net Staging", "extra": "1"})
    project = Project(variables={"team": "Network", "region": "eu"})
    assert project.variables_for(staging) == {"team": "Net Staging", "region": "eu", "extra": "1"}
    assert project.variables_for(Environment(emulator=True)) == {"team": "Network", "region": "eu"}
    assert project.variables == {"team": "Network", "region": "eu"}


def test_prune_scopes_are_the_projects_then_the_environments() -> None:
    shared = PruneScope(kind="Workflow", name="[[]hf] *")
    own = PruneScope(kind="TicketRule")
    env = Environment(emulator=True, prune=(own,))
    project = Project(prune=(shared,))
    assert project.prune_scopes(env) == (shared, own)
    assert project.prune_scopes(Environment(emulator=True)) == (shared,)


@pytest.mark.parametrize(
    ("scope", "kind", "name", "covered"),
    [
        (PruneScope(kind="TicketRule"), "TicketRule", "anything at all", True),
        (PruneScope(kind="TicketRule"), "EventRule", "anything at all", False),
        (PruneScope(kind="Workflow", name="Legacy *"), "Workflow", "Legacy Incident", True),
        (PruneScope(kind="Workflow", name="Legacy *"), "Workflow", "legacy Incident", False),
        (PruneScope(kind="Workflow", name="Legacy *"), "Workflow", "Incident Legacy", False),
        (PruneScope(kind="Workflow", name="P? rule"), "Workflow", "P1 rule", True),
        # brackets are a character class: a literal '[' is written '[[]'
        (PruneScope(kind="Workflow", name="[[]hf] *"), "Workflow", "[hf] Incident", True),
        (PruneScope(kind="Workflow", name="[hf] *"), "Workflow", "h Incident", True),
        (PruneScope(kind="Workflow", name="[hf] *"), "Workflow", "[hf] Incident", False),
    ],
)
def test_a_prune_scope_covers_names_by_shell_pattern(
    scope: PruneScope, kind: str, name: str, covered: bool
) -> None:
    assert scope.covers(kind, name) is covered


def test_a_prune_scope_names_a_managed_kind() -> None:
    with pytest.raises(ValidationError):
        PruneScope(kind="Dashboard")
