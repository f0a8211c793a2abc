"""``haloform.yaml``: the tenants a repo deploys to, its variables, and what it may delete.

The file is optional: without it a directory of YAML resources still plans against
``HALO_URL`` or the embedded emulator. It never holds a secret: a live environment
names the environment variables its credentials come from.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from haloform.common.paths import shown_file
from haloform.diagnostics import SILENCEABLE, Diagnostics, Location
from haloform.errors import ConfigError
from haloform.kinds import KINDS, KindName, KindSpec
from haloform.load.located import validate_document
from haloform.load.yamlio import read_yaml

PROJECT_FILE = "haloform.yaml"
PROJECT_FILES = (PROJECT_FILE, "haloform.yml")
STATE_DIR = ".haloform"
"""Beside haloform.yaml: the embedded emulator's tenants and apply journals."""
EMBEDDED = "embedded"
"""The environment that always exists: the emulator in ``.haloform/``."""

Name = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateLimit(_Strict):
    """The tenant's request budget; hosted Halo documents 300 per rolling 5 minutes."""

    requests: int = Field(300, ge=1)
    window_s: float = Field(300.0, gt=0)


class Retries(_Strict):
    """How long to keep trying a request Halo refused with 429 or lost (GET, DELETE).

    The defaults are a published Halo module's: 5 s doubling to 60 s, six times."""

    max_retries: int = Field(6, ge=0)
    base_delay_s: float = Field(5.0, ge=0)
    max_delay_s: float = Field(60.0, ge=0)


class PruneScope(_Strict):
    """Live resources in this scope that no file describes are deleted (opt-in).

    Without a scope, haloform only reports unmanaged resources and never touches them;
    with one, a reviewer can read in the repo exactly what may be removed.
    """

    kind: KindName
    name: str = "*"
    """A shell-style pattern on the resource's name, e.g. ``"hf-*"`` (``[`` opens a
    character class, as in the shell: write ``[[]`` for a literal ``[``)."""

    def covers(self, kind: str, name: str) -> bool:
        return kind == self.kind and fnmatch.fnmatchcase(name, self.name)


class Environment(_Strict):
    """One tenant. Either ``emulator: true`` (local) or a Halo ``url`` with credentials."""

    url: str | None = None
    """The Halo instance, e.g. ``https://acme.halopsa.com``."""
    emulator: bool = False
    """The embedded emulator, its tenant kept in ``.haloform/<env>.db``."""
    id_offset: int = Field(0, ge=0)
    """Emulator only: first id, so local tenants can differ in every id like real ones."""
    seed: str | None = None
    """Emulator only: a YAML tenant directory (agents, teams...) for a new tenant,
    relative to haloform.yaml; e.g. a stand-in for production's differently named teams.
    Keep it in a hidden folder (``.seeds/``): every other YAML file is a resource."""
    variant: dict[str, bool | str | dict[str, list[str]]] = Field(default_factory=dict)
    """Emulator only: how it answers where docs/halo-api.md only infers Halo's behaviour
    (``{zero_filled: true, eventrule_list: wrapped}``), to try a repo against the other
    plausible tenant (``haloform emulator serve --variant`` takes the same)."""
    tenant: str | None = None
    auth_url: str | None = None
    scope: str = "all"
    client_id_env: str = "HALO_CLIENT_ID"
    """The environment variable holding the client id."""
    client_secret_env: str = "HALO_CLIENT_SECRET"
    """The environment variable holding the client secret (never the secret itself)."""
    ca_bundle: str | None = None
    """A PEM file of CAs to trust, for a self-hosted Halo behind a private CA (relative
    to haloform.yaml)."""
    rate_limit: RateLimit = RateLimit()
    timeout_s: float = Field(30.0, gt=0)
    """Longest wait for any one answer before the request counts as lost."""
    retries: Retries = Retries()
    variables: dict[str, str] = Field(default_factory=dict)
    """Override the project's variables in this environment (``${name}`` in files)."""
    lookup_names: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Per lookup kind, file name -> this tenant's name, where the two differ:
    ``{team: {Network: Network Operations}}``."""
    prune: tuple[PruneScope, ...] = ()
    """Extra prune scopes for this environment only."""

    @model_validator(mode="after")
    def _one_target(self) -> Environment:
        if not self.emulator and (self.seed is not None or self.id_offset or self.variant):
            raise ValueError(
                "'seed', 'id_offset' and 'variant' are for 'emulator: true' environments"
            )
        if self.emulator == (self.url is not None):
            raise ValueError(
                "an environment needs either 'url' (a Halo tenant) or "
                "'emulator: true' (the embedded emulator), not both"
            )
        return self


if TYPE_CHECKING:
    Code = str
else:
    Code = Literal[tuple(sorted(SILENCEABLE))]
"""A warning or lint code ``ignore`` may name (``diagnostics.SILENCEABLE``)."""


class Project(_Strict):
    """The whole ``haloform.yaml``."""

    version: Literal[1] = 1
    default_environment: str | None = None
    environments: dict[Name, Environment] = Field(default_factory=dict)
    variables: dict[str, str] = Field(default_factory=dict)
    kinds: tuple[KindName, ...] = tuple(spec.kind for spec in KINDS)
    """The kinds this repo manages; live resources of other kinds are never read."""
    prune: tuple[PruneScope, ...] = ()
    ignore: tuple[Code, ...] = ()
    """Warning and lint codes silenced in the whole repo (one document silences its
    own with ``# haloform: ignore[code]``)."""

    @property
    def specs(self) -> tuple[KindSpec, ...]:
        """The specs of the kinds this repo manages, in the registry's order."""
        return tuple(spec for spec in KINDS if spec.kind in self.kinds)

    @model_validator(mode="after")
    def _default_exists(self) -> Project:
        default = self.default_environment
        if default is not None and default != EMBEDDED and default not in self.environments:
            known = ", ".join(sorted(self.environments)) or "none"
            raise ValueError(
                f"default_environment {default!r} is not defined (environments: {known})"
            )
        return self

    def environment(self, name: str | None) -> tuple[str, Environment]:
        """The named environment, else the default, else the embedded emulator."""
        chosen = name or self.default_environment or EMBEDDED
        if chosen in self.environments:
            return chosen, self.environments[chosen]
        if chosen == EMBEDDED:
            return chosen, Environment(emulator=True)
        known = ", ".join(sorted({*self.environments, EMBEDDED}))
        raise ConfigError(f"no environment {chosen!r} in {PROJECT_FILE} (known: {known})")

    def variables_for(self, env: Environment) -> dict[str, str]:
        return {**self.variables, **env.variables}

    def prune_scopes(self, env: Environment) -> tuple[PruneScope, ...]:
        return self.prune + env.prune


def find_project(path: Path) -> Path | None:
    """The ``haloform.yaml`` that governs ``path``: in it (a directory) or in the nearest
    directory above, so validating one file or folder of a repo still sees its variables."""
    start = path.resolve()
    for directory in (start, *start.parents) if start.is_dir() else start.parents:
        for name in PROJECT_FILES:
            if (directory / name).is_file():
                return shown_file(directory / name)
    return None


def project_root(path: Path) -> Path:
    """The directory a repo's state (``.haloform/``) lives in: beside its haloform.yaml,
    else the directory given (or holding the file given)."""
    found = find_project(path)
    if found is not None:
        return found.parent
    return path if path.is_dir() else path.parent


def load_project(root: Path) -> Project:
    """The repo's project settings; defaults when it has no ``haloform.yaml``.

    Raises ``ConfigErrors`` listing every problem of the file, located.
    """
    path = find_project(root)
    if path is None:
        return Project()
    parsed = read_yaml(path, str(path))
    problems = Diagnostics()
    problems.extend(parsed.diagnostics)
    project: Project | None = None
    if len(parsed.documents) != 1 or not isinstance(parsed.documents[0].data, Mapping):
        if not problems.errors:
            problems.error("expected one mapping (version, environments, ...)", Location(str(path)))
    else:
        project, found = validate_document(Project, parsed.documents[0].data, file=str(path))
        problems.extend(found)
    problems.raise_for_errors(f"{path} is not valid")
    return project or Project()
