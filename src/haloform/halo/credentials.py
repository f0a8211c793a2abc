"""Where a Halo tenant is, and the API application haloform signs in as.

The client secret is a ``SecretStr``: repr, str and pydantic dumps show ``**********``,
so a credentials object can be logged, put in an error or dumped without leaking it.
Plain http is refused except to this machine: a token sent over http to a remote host
is a token given away.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationInfo, field_validator

from haloform.errors import ConfigError

#: The environment variables ``from_env`` reads, per field, in order of preference.
#: ``HALO_TENANT_URL`` is halocli's name for the instance URL; accepting it saves an
#: admin who already has it set from setting two.
ENV_VARS: Mapping[str, tuple[str, ...]] = {
    "url": ("HALO_URL", "HALO_TENANT_URL"),
    "client_id": ("HALO_CLIENT_ID",),
    "client_secret": ("HALO_CLIENT_SECRET",),
    "tenant": ("HALO_TENANT",),
    "auth_url": ("HALO_AUTH_URL",),
    "scope": ("HALO_SCOPE",),
}
_REQUIRED = ("url", "client_id", "client_secret")


def is_loopback(host: str) -> bool:
    """Whether ``host`` can only mean this machine, where plain http exposes nothing."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(value: str, label: str, *, drop_suffix: str = "") -> str:
    """``value`` without a trailing slash (or ``drop_suffix``), or a ConfigError.

    ``label`` names where the value came from (``HALO_URL``, ``auth_url``...) so the
    admin knows what to fix. The value is echoed only when it holds no user info.
    """
    text = value.strip().rstrip("/")
    if drop_suffix and text.lower().endswith(drop_suffix):
        text = text[: -len(drop_suffix)]
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL:
        raise ConfigError(f"{label} is not a valid URL") from None
    if url.userinfo:
        raise ConfigError(f"{label} must not carry a user name or password")
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"{label} must be an absolute URL such as https://acme.halopsa.com")
    if url.query or url.fragment:
        raise ConfigError(f"{label} must not have a ?query or #fragment: {text}")
    if url.scheme == "http" and not is_loopback(url.host):
        raise ConfigError(
            f"{label} uses plain http to {url.host}; haloform sends credentials only over "
            "https (plain http is allowed to this machine only: localhost, 127.0.0.1, ::1)"
        )
    return text


class Credentials(BaseModel):
    """A Halo tenant and the client-credentials application haloform uses there.

    Surrounding whitespace is stripped from every field, the secret included: it is
    never part of a real value, and often of one pasted from a web page.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    url: str
    """The instance, e.g. ``https://acme.halopsa.com``; the API is ``{url}/api``."""
    client_id: str
    client_secret: SecretStr
    tenant: str | None = None
    """Hosted Halo's tenant name, sent as ``?tenant=`` to the token endpoint."""
    auth_url: str | None = None
    """The authorisation server; when unset it is discovered via ``/api/authinfo``."""
    scope: str = "all"
    """Space-separated OAuth scopes, e.g. ``all`` or ``read:tickets edit:tickets``."""

    @field_validator("url")
    @classmethod
    def _check_instance_url(cls, value: str, info: ValidationInfo) -> str:
        return check_url(value, _label(info), drop_suffix="/api")

    @field_validator("auth_url")
    @classmethod
    def _check_auth_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        return check_url(value, _label(info), drop_suffix="/token") if value else None

    @field_validator("client_id", "client_secret", "scope")
    @classmethod
    def _not_blank(cls, value: Any, info: ValidationInfo) -> Any:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not str(text).strip():
            raise ConfigError(f"{_label(info)} must not be empty")
        return value

    @property
    def api_url(self) -> str:
        """Base of every API path (``/Workflow`` is ``{api_url}/Workflow``)."""
        return f"{self.url}/api"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Credentials from ``HALO_*`` variables (``os.environ`` by default).

        Errors name the variable at fault, never its value.
        """
        env = os.environ if environ is None else environ
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        for field, names in ENV_VARS.items():
            found = next((name for name in names if env.get(name, "").strip()), None)
            if found is not None:
                values[field], labels[field] = env[found], found
        missing = [" or ".join(ENV_VARS[field]) for field in _REQUIRED if field not in values]
        if missing:
            raise ConfigError(
                f"cannot reach a Halo tenant: set {', '.join(missing)} (an API application "
                "with client credentials, from Halo's Configuration > Integrations > Halo API)"
            )
        return cls.model_validate(values, context={"labels": labels})


def _label(info: ValidationInfo) -> str:
    """The name an error should use for the field: its variable when read from env."""
    field = info.field_name or "value"
    labels = info.context.get("labels", {}) if isinstance(info.context, dict) else {}
    return str(labels.get(field, field))
