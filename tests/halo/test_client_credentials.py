"""Credentials: read from the environment, validated, and never showing the secret."""

from __future__ import annotations

import pytest

from haloform.errors import ConfigError
from haloform.halo import Credentials
from haloform.halo.credentials import is_loopback
from tests.halo.conftest import SECRET

ENV = {
    "HALO_URL": "https://acme.halopsa.com",
    "HALO_CLIENT_ID": "haloform-ci",
    "HALO_CLIENT_SECRET": SECRET,
}


def test_from_env_reads_every_variable() -> None:
    env = {
        **ENV,
        "HALO_TENANT": "acme",
        "HALO_AUTH_URL": "https://auth.example.com/auth",
        "HALO_SCOPE": "read:tickets edit:tickets",
    }
    creds = Credentials.from_env(env)
    assert (creds.url, creds.client_id, creds.tenant) == (
        "https://acme.halopsa.com",
        "haloform-ci",
        "acme",
    )
    assert creds.client_secret.get_secret_value() == SECRET
    assert creds.auth_url == "https://auth.example.com/auth"
    assert creds.scope == "read:tickets edit:tickets"
    assert creds.api_url == "https://acme.halopsa.com/api"


def test_optional_variables_default() -> None:
    creds = Credentials.from_env({**ENV, "HALO_TENANT": "  ", "HALO_SCOPE": ""})
    assert (creds.tenant, creds.auth_url, creds.scope) == (None, None, "all")


def test_halo_tenant_url_is_accepted_for_halo_url() -> None:
    env = {k: v for k, v in ENV.items() if k != "HALO_URL"}
    creds = Credentials.from_env({**env, "HALO_TENANT_URL": "https://other.halopsa.com"})
    assert creds.url == "https://other.halopsa.com"


def test_halo_url_wins_over_its_alias() -> None:
    creds = Credentials.from_env({**ENV, "HALO_TENANT_URL": "https://other.halopsa.com"})
    assert creds.url == "https://acme.halopsa.com"


def test_missing_variables_are_all_named_and_no_value_is_shown() -> None:
    with pytest.raises(ConfigError) as caught:
        Credentials.from_env({"HALO_CLIENT_SECRET": SECRET, "HALO_CLIENT_ID": " "})
    message = str(caught.value)
    assert "HALO_URL or HALO_TENANT_URL" in message
    assert "HALO_CLIENT_ID" in message
    assert "HALO_CLIENT_SECRET" not in message
    assert SECRET not in message


def test_from_env_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    assert Credentials.from_env().client_id == "haloform-ci"


def test_secret_is_masked_in_every_rendering() -> None:
    creds = Credentials.from_env(ENV)
    renderings = [
        repr(creds),
        str(creds),
        str(creds.model_dump()),
        creds.model_dump_json(),
        str(creds.model_dump(mode="json")),
    ]
    for text in renderings:
        assert SECRET not in text
        assert "**********" in text


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://acme.halopsa.com/", "https://acme.halopsa.com"),
        ("https://acme.halopsa.com/api", "https://acme.halopsa.com"),
        ("https://acme.halopsa.com/API/", "https://acme.halopsa.com"),
        ("  https://halo.example.com/halo  ", "https://halo.example.com/halo"),
    ],
)
def test_instance_url_is_normalised(given: str, expected: str) -> None:
    assert Credentials(url=given, client_id="x", client_secret="y").url == expected


def test_auth_url_loses_a_trailing_token_segment() -> None:
    creds = Credentials(
        url="https://a.halopsa.com",
        client_id="x",
        client_secret="y",
        auth_url="https://a.halopsa.com/auth/token/",
    )
    assert creds.auth_url == "https://a.halopsa.com/auth"


@pytest.mark.parametrize("field", ["url", "auth_url"])
def test_plain_http_to_a_remote_host_is_refused(field: str) -> None:
    values = {"url": "https://acme.halopsa.com", "client_id": "x", "client_secret": "y"}
    values[field] = "http://acme.halopsa.com"
    with pytest.raises(ConfigError, match=rf"{field} uses plain http to acme.halopsa.com"):
        Credentials.model_validate(values)


def test_http_refusal_names_the_environment_variable() -> None:
    with pytest.raises(ConfigError, match="HALO_AUTH_URL uses plain http"):
        Credentials.from_env({**ENV, "HALO_AUTH_URL": "http://auth.example.com"})
    with pytest.raises(ConfigError, match="HALO_TENANT_URL uses plain http"):
        Credentials.from_env(
            {
                "HALO_TENANT_URL": "http://acme.halopsa.com",
                "HALO_CLIENT_ID": "x",
                "HALO_CLIENT_SECRET": "y",
            }
        )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1", "http://127.8.9.10:8080", "http://[::1]:8080", "http://localhost"]
)
def test_plain_http_to_this_machine_is_allowed(url: str) -> None:
    assert Credentials(url=url, client_id="x", client_secret="y", auth_url=url).url == url


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("acme.halopsa.com", "must be an absolute URL"),
        ("ftp://acme.halopsa.com", "must be an absolute URL"),
        ("https://", "must be an absolute URL"),
        ("https://acme.halopsa.com/?tenant=x", r"must not have a \?query"),
    ],
)
def test_unusable_urls_are_refused(url: str, complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        Credentials(url=url, client_id="x", client_secret="y")


def test_a_url_with_a_password_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError) as caught:
        Credentials(url="https://admin:hunter2@acme.halopsa.com", client_id="x", client_secret="y")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("field", ["client_id", "client_secret", "scope"])
def test_blank_fields_are_refused(field: str) -> None:
    values = {"url": "https://a.halopsa.com", "client_id": "x", "client_secret": "y", field: " "}
    with pytest.raises(ConfigError, match=f"{field} must not be empty"):
        Credentials.model_validate(values)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("127.0.0.1", True),
        ("127.255.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("128.0.0.1", False),
        ("10.0.0.1", False),
        ("localhost.evil.com", False),
        ("acme.halopsa.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
