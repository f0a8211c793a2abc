"""Halo's OAuth2 client-credentials flow and the open ``/api/authinfo`` discovery call.

Tokens live in memory only: after a restart every client must authenticate again,
which a client has to cope with anyway because tokens expire.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from haloform.emulator.tenant import Grant, Tenant


def client_of(tenant: Tenant, authorization: str | None) -> str | None:
    """The client a ``Bearer`` header authenticates, or None if it does not."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    grant = tenant.grants.get(token.strip())
    if grant is None or tenant.clock() >= grant.expires_at:
        return None
    return grant.client_id


def routes(tenant: Tenant) -> list[Route]:
    async def token(request: Request) -> Response:
        return await _token(tenant, request)

    async def authinfo(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return JSONResponse({"auth_url": f"{base}/auth", "tenant_id": tenant.config.tenant})

    return [
        Route("/auth/token", token, methods=["POST"]),
        Route("/api/authinfo", authinfo, methods=["GET"]),
    ]


async def _token(tenant: Tenant, request: Request) -> Response:
    config = tenant.config
    form = await request.form()
    wanted_tenant = request.query_params.get("tenant")
    if wanted_tenant is not None and wanted_tenant != config.tenant:
        return _oauth_error("invalid_request", f"unknown tenant {wanted_tenant!r}")
    if form.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", "only client_credentials is supported")
    given = (str(form.get("client_id", "")), str(form.get("client_secret", "")))
    expected = (config.client_id, config.client_secret)
    if not all(
        secrets.compare_digest(a.encode(), b.encode()) for a, b in zip(given, expected, strict=True)
    ):
        return _oauth_error("invalid_client", "unknown client or wrong secret")
    access_token = secrets.token_urlsafe(32)
    _forget_expired(tenant)
    tenant.grants[access_token] = Grant(config.client_id, tenant.clock() + config.token_ttl_s)
    return JSONResponse(
        {
            "token_type": "Bearer",
            "access_token": access_token,
            "expires_in": config.token_ttl_s,
            "scope": str(form.get("scope") or "all"),
        }
    )


def _forget_expired(tenant: Tenant) -> None:
    now = tenant.clock()
    for token in [t for t, grant in tenant.grants.items() if grant.expires_at <= now]:
        del tenant.grants[token]


def _oauth_error(error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=400)
