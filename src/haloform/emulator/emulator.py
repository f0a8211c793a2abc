"""The emulated tenant as one object: configuration, database, ASGI app."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from starlette.applications import Starlette

from haloform.emulator.app import ServedRequest, build_app
from haloform.emulator.config import EmulatorConfig
from haloform.emulator.directory import Directory
from haloform.emulator.kinds import kind_of
from haloform.emulator.seed import ensure_seeded, load_seed
from haloform.emulator.store import Doc, Store
from haloform.emulator.tenant import Tenant


class Emulator:
    """A Halo tenant in a process: serve ``.app`` (in-process through
    ``emulator_transport``, or on a socket through ``serve``/``running_server``).

    ``config`` may be changed at any time (a test turns faults on after seeding its
    data); ``db_path``, ``seed_path`` and ``id_offset`` only matter at construction.
    ``clock`` is what tokens and rate-limit windows are timed with.
    """

    def __init__(
        self, config: EmulatorConfig | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        config = config or EmulatorConfig()
        store = Store(config.db_path, config.id_offset)
        ensure_seeded(store, load_seed(config.seed_path), config.id_offset)
        self.tenant = Tenant(config, store, clock)
        self.requests: list[ServedRequest] = []
        """Every request served, in order, as (method, path, status)."""
        self.app: Starlette = build_app(self.tenant, self.requests)

    @property
    def config(self) -> EmulatorConfig:
        return self.tenant.config

    @config.setter
    def config(self, config: EmulatorConfig) -> None:
        self.tenant.config = config

    def records(self, resource: str) -> list[Doc]:
        """What is stored for a resource named as in the API (``"Workflow"``,
        ``"TicketRules"``, ``"workflowstep"``, ``"Agent"``...): no companions added."""
        return Directory(self.tenant.store).rows(kind_of(resource))

    def add_record(self, resource: str, **fields: object) -> Doc:
        """Store a runtime record (``"Automation"``, ``"Event"``) as Halo would have
        logged it, with the next id, and return it: how a test makes a workflow's
        automation fail or an event arrive. The fields are the test's to choose."""
        kind = kind_of(resource)
        store = self.tenant.store
        with store.transaction():
            doc: Doc = {"id": store.next_id(kind), **fields}
            store.put(kind, doc["id"], doc)
        return doc

    def count(self, resource: str) -> int:
        return len(self.records(resource))

    def close(self) -> None:
        self.tenant.store.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
