"""Count the requests a run makes, since requests are what a Halo run really costs.

At 300 requests per rolling 5 minutes, the number of requests decides how long a plan
or an apply takes; commands report it ("made 7 requests: GET /Workflow x1, ...").
Records hold the method, the route, the status and the time, never headers or bodies,
so they are safe to log.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_ID_SEGMENT = re.compile(
    r"-?\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


def route_of(path: str) -> str:
    """``path`` with its query dropped and ids generalised: ``/TicketRules/{id}``."""
    segments = path.split("?", 1)[0].split("/")
    return "/".join("{id}" if _ID_SEGMENT.fullmatch(part) else part for part in segments)


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP attempt against the tenant."""

    method: str
    route: str
    status: int | None
    """``None`` when no answer came (connection error, timeout)."""
    elapsed_ms: float
    retry: bool = False
    """A repeat of an earlier attempt (after 429, 5xx, a broken connection, or a 401)."""
    auth: bool = False
    """Token discovery or a token request rather than an API call."""

    @property
    def key(self) -> str:
        """What the request is counted under."""
        return f"{self.method} {self.route}"

    def __str__(self) -> str:
        status = "no answer" if self.status is None else str(self.status)
        tags = "".join(tag for flag, tag in ((self.retry, " retry"), (self.auth, " auth")) if flag)
        return f"{self.key} -> {status} ({self.elapsed_ms:.0f} ms){tags}"


class RequestStats:
    """Requests made so far, by method and route; token traffic is counted apart."""

    def __init__(self) -> None:
        self.api: Counter[str] = Counter()
        """API attempts, retries included."""
        self.auth: Counter[str] = Counter()
        """Authinfo and token attempts, retries included."""
        self.retries: Counter[str] = Counter()
        """How many of the attempts above were retries."""

    def __repr__(self) -> str:
        return f"RequestStats(total={self.total}, retries={sum(self.retries.values())})"

    def record(self, request: RequestRecord) -> None:
        """Count one attempt."""
        (self.auth if request.auth else self.api)[request.key] += 1
        if request.retry:
            self.retries[request.key] += 1

    @property
    def total(self) -> int:
        """Every request sent to the tenant, token requests and retries included."""
        return self.api.total() + self.auth.total()

    def summary(self) -> str:
        """One line for a command's report."""
        if not self.total:
            return "made no requests"
        noun = "request" if self.total == 1 else "requests"
        parts = [self._listing(self.api)] if self.api else []
        if self.auth:
            parts.append(f"auth: {self._listing(self.auth)}")
        return f"made {self.total} {noun}: " + "; ".join(parts)

    def _listing(self, counts: Counter[str]) -> str:
        entries = []
        for key in sorted(counts):
            retried = self.retries[key]
            note = f" ({retried} {'retry' if retried == 1 else 'retries'})" if retried else ""
            entries.append(f"{key} x{counts[key]}{note}")
        return ", ".join(entries)
