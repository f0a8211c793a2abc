"""The one error tree of haloform.

Every failure a user can cause or meet is one of these; the CLI turns them into a
message and an exit code, and shows a traceback only under ``--debug``. Anything else
that escapes is a bug in haloform.

::

    HaloformError
    ├── ConfigError              the files in a config repo (YAML, haloform.yaml)
    │   └── ConfigErrors         several located problems at once (diagnostics.py)
    ├── HaloError                talking to a Halo tenant
    │   ├── TransportError       DNS, TLS, connect, timeout, dropped connection
    │   │   └── OutcomeUnknownError   a write was sent but its answer was lost
    │   ├── AuthError            401/403, token endpoint refused the credentials
    │   ├── NotFoundError        404
    │   ├── HaloValidationError  400 with Halo's field-path messages
    │   ├── RateLimitedError     429 that outlasted the retries
    │   ├── ServerError          5xx that outlasted the retries
    │   └── ResponseError        a 2xx whose body is not what Halo sends
    ├── PlanError                a plan cannot be made or trusted (refs, cycles, stale)
    └── ApplyError               an apply stopped; carries the report of what ran

Messages never contain secrets: errors are built from URLs, paths and Halo's own error
text, never from request headers or form bodies.
"""

from __future__ import annotations

from collections.abc import Mapping


class HaloformError(Exception):
    """Base of every error haloform raises on purpose."""

    exit_code: int = 1


class ConfigError(HaloformError):
    """A problem in the config repo's files, located where possible."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.file, self.line, self.column = file, line, column
        super().__init__(message)

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = super().__str__()
        return f"{where}: {text}" if where else text


class HaloError(HaloformError):
    """A request to a Halo tenant failed; carries what was asked and what came back."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
    ) -> None:
        self.method, self.path, self.status = method, path, status
        super().__init__(message)

    def __str__(self) -> str:
        text = super().__str__()
        if self.method and self.path:
            status = f" -> {self.status}" if self.status is not None else ""
            return f"{self.method} {self.path}{status}: {text}"
        return text


class TransportError(HaloError):
    """The tenant could not be reached, or the connection broke."""


class OutcomeUnknownError(TransportError):
    """A write reached the tenant (or may have) but its answer was lost.

    Never re-send the same POST blindly: re-read by guid first, then decide.
    """


class AuthError(HaloError):
    """The tenant refused the credentials or the token."""


class NotFoundError(HaloError):
    """The record or endpoint does not exist in this tenant."""


class HaloValidationError(HaloError):
    """Halo answered 400; ``errors`` maps Halo's field paths (``[0].name``) to messages."""

    def __init__(
        self,
        message: str,
        *,
        errors: Mapping[str, str] | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = 400,
    ) -> None:
        self.errors: dict[str, str] = dict(errors or {})
        super().__init__(message, method=method, path=path, status=status)


class RateLimitedError(HaloError):
    """The tenant kept answering 429 after every retry the policy allowed."""


class ServerError(HaloError):
    """The tenant kept answering 5xx after every retry the policy allowed."""


class ResponseError(HaloError):
    """A successful status with a body that is not what Halo sends (HTML, bad JSON...)."""


class PlanError(HaloformError):
    """A plan cannot be made, or a saved plan can no longer be trusted."""


class ApplyError(HaloformError):
    """An apply stopped before the end; ``report`` says what ran, failed and was skipped."""

    def __init__(self, message: str, *, report: object | None = None) -> None:
        self.report = report
        super().__init__(message)
