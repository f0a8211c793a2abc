"""Secrets a plan will need, checked before anything is planned or sent.

A ``${env:NAME}`` whose variable is not set used to surface only when the applier built
that rule's POST, after every other change had been written. Checked here, with the
other problems of the repo, a missing secret stops the run before its first request,
naming the file, line and field (never a value).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from haloform.diagnostics import Diagnostics
from haloform.load.repo import Repo

_ENV_NAME = re.compile(r"^\$\{env:(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}$")


def secret_variable(value: object) -> str | None:
    """``NAME`` of a ``${env:NAME}`` secret reference, else None."""
    match = _ENV_NAME.match(value) if isinstance(value, str) else None
    return match["name"] if match else None


def missing_secrets(repo: Repo, environ: Mapping[str, str]) -> Diagnostics:
    """An error for each declared secret whose environment variable is not set."""
    found = Diagnostics()
    for item in repo.resources:
        for field in sorted(item.spec.write_only):
            name = secret_variable(getattr(item.resource, field, None))
            if name and not environ.get(name):
                found.error(
                    f"environment variable {name} is not set; the secret is read "
                    "from it where haloform runs (set it, or nothing is planned or applied)",
                    item.at((field,)),
                    field,
                )
    return found
