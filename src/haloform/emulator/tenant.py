"""What every handler of the emulated tenant shares: its configuration, its data and
the tokens it has issued."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from haloform.emulator.config import EmulatorConfig
from haloform.emulator.store import Store


@dataclass(frozen=True)
class Grant:
    """An access token's owner and the clock time it stops working."""

    client_id: str
    expires_at: float


@dataclass
class Tenant:
    """One emulated Halo instance. ``config`` is read on every request, so changing it
    (or one of its fields) takes effect at once."""

    config: EmulatorConfig
    store: Store
    clock: Callable[[], float]
    """Seconds on a monotonic clock; tests swap it to expire tokens and windows."""
    grants: dict[str, Grant] = field(default_factory=dict)
