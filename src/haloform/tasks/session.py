"""One client per command, however many steps it takes.

``apply`` plans, waits for a typed ``yes``, writes, verifies and may watch. Were each
step its own ``asyncio.run``, each would open its own client: a new token (Halo's
authinfo and token requests again) and a rate limiter that knows nothing of the
requests just made. A ``TenantSession`` keeps one event loop (``asyncio.Runner``) and
one client open between the steps, so the confirmation prompt runs outside the loop
(a Ctrl-C there is a plain ``KeyboardInterrupt``) while the client lives on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import TypeVar

from haloform.errors import AuthError
from haloform.halo import HaloClient
from haloform.tasks.workspace import QUIET, Target, Voice, open_client, with_origin

T = TypeVar("T")


class TenantSession:
    """``with TenantSession(target) as session: session.run(work)`` for each step;
    the client is opened by the first step that needs one and closed on exit."""

    def __init__(self, target: Target, voice: Voice = QUIET) -> None:
        self.target = target
        self.voice = voice
        self._runner = asyncio.Runner()
        self._stack = AsyncExitStack()
        self._client: HaloClient | None = None

    def __enter__(self) -> TenantSession:
        self._runner.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._runner.run(self._stack.aclose())
        finally:
            self._runner.__exit__(kind, error, traceback)

    def run(self, work: Callable[[HaloClient], Awaitable[T]]) -> T:
        """``work(client)`` to completion on the session's loop and client."""
        return self._runner.run(self._call(work))

    async def _call(self, work: Callable[[HaloClient], Awaitable[T]]) -> T:
        if self._client is None:
            self._client = await self._stack.enter_async_context(
                open_client(self.target, self.voice)
            )
        try:
            return await work(self._client)
        except AuthError as error:
            raise with_origin(error, self.target) from error
