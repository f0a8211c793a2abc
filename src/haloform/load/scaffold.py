"""``haloform init``: the files a new config repo starts from.

A new repo must plan on a fresh machine with no tenant at all, so the default
environment is the embedded emulator; a real tenant is shown commented out, with its
credentials named as environment variables (never values). Nothing is overwritten:
init on an existing repo would silently replace what someone wrote.
"""

from __future__ import annotations

from pathlib import Path

from haloform.errors import ConfigError
from haloform.kinds import KINDS
from haloform.load import schemas

PROJECT_FILE = """\
# yaml-language-server: $schema=schemas/haloform.schema.json
# The tenants this repo deploys to. Credentials come from the environment variables
# named here; they are never written in this file.
version: 1
default_environment: local
kinds: [{kinds}]
variables: {{}}                    # ${{name}} in resource files
environments:
  local:
    emulator: true               # the embedded emulator, kept in .haloform/local.db
  # production:
  #   url: https://acme.halopsa.com
  #   tenant: acme
  #   client_id_env: HALO_PROD_CLIENT_ID         # names of environment variables,
  #   client_secret_env: HALO_PROD_CLIENT_SECRET # never the values
  #   rate_limit: {{requests: 300, window_s: 300}}
"""

GITIGNORE = """\
# haloform's local state: emulator databases, apply journals, locks
.haloform/
"""


def init_repo(root: Path) -> list[Path]:
    """Write a new config repo into ``root`` (created if missing); the files written.

    Refuses when any file it would write exists, before writing anything."""
    planned = {
        root / "haloform.yaml": PROJECT_FILE.format(kinds=", ".join(s.kind for s in KINDS)),
        root / ".gitignore": GITIGNORE,
    }
    existing = [path for path in planned if path.exists()]
    existing += [path for path in (root / "haloform.yml",) if path.exists()]
    if existing:
        names = " and ".join(str(path) for path in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise ConfigError(f"{names} already {verb}: init never overwrites (edit instead)")
    root.mkdir(parents=True, exist_ok=True)
    for path, text in planned.items():
        path.write_text(text, encoding="utf-8")
    written = list(planned)
    written += schemas.write(root / "schemas")
    return written
