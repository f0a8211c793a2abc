"""One kind's records saved in one POST, and every answer turned into one outcome each.

Halo's POST takes an array and saves all of it or nothing; its answer may be one
object, an array, or fewer records than were sent. So:

* Records that come back are matched to those sent by guid. A create that comes back
  under another guid fails loudly: haloform could never find it again, and a second
  apply would create it a second time.
* Records left out of the answer are looked for in one list of the kind.
* A 400 names records by index (``[1].new_agent_id``): those fail with Halo's words and
  the rest are sent again; a 400 that names none is narrowed down record by record.
* A lost answer (``OutcomeUnknownError``, or one that cannot be read) is never met by
  sending the same POST again: the kind is re-read, a create found there counts as
  done, and only the rest (creates not found, and updates, which a re-read cannot
  confirm but which are safe to repeat) is sent once more. A second lost answer leaves
  the rest unknown.

Secrets are filled in for each attempt at the last moment and never kept; each value
filled is given to the journal's redactor, so no message can repeat it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from haloform.apply.events import EventKind
from haloform.apply.ids import change_key
from haloform.apply.journal import Outcome
from haloform.apply.readback import STOPPING, by_guid
from haloform.apply.report import Status
from haloform.common.ids import canonical_guid, record_id
from haloform.errors import (
    ConfigError,
    HaloError,
    HaloValidationError,
    OutcomeUnknownError,
    ResponseError,
)
from haloform.fetch.reader import managed_rows
from haloform.halo import HaloClient, Record
from haloform.halo.failures import Redactor
from haloform.kinds import KindSpec
from haloform.plan.model import Change

Outcomes = dict[str, Outcome]
Note = Callable[[EventKind, str], None]
Announce = Callable[[str, str, Sequence[Change], str], None]
"""Told ``(method, path, changes, message)`` right before a write goes out: the
journal's ``sending``, which stores it first and raises rather than let it go
unrecorded."""
Settle = Callable[["Item", Outcome], None]
"""What to do with one record's outcome (a first save and a second pass differ)."""
_INDEXED = re.compile(r"^\[(\d+)\]\.?(.*)$")
_RESENDS = 1
"""How often records whose answer was lost, and which a re-read does not show, are
sent again."""
_NOT_RESENT = "; not sent again, so as not to make a duplicate"


@dataclass(frozen=True)
class Item:
    """One record to POST."""

    change: Change
    body: Mapping[str, Any]
    """What to send: ids swapped in, secrets still ``${env:NAME}``."""

    @property
    def key(self) -> str:
        return change_key(self.change)

    @property
    def guid(self) -> str:
        return canonical_guid(self.change.guid)

    @property
    def creates(self) -> bool:
        """Halo creates a record posted without an id."""
        return "id" not in self.body


class BatchSender:
    """Saves batches of one kind in one tenant.

    Outcomes are gathered into one dict per batch as they become known, and handed to
    ``settle`` even when a stopping error cuts the batch short: a record that a re-read
    found saved is reported saved, whatever happens next.
    """

    def __init__(
        self,
        client: HaloClient,
        spec: KindSpec,
        *,
        environ: Mapping[str, str],
        redact: Redactor,
        known_guids: frozenset[str],
        note: Note,
        announce: Announce,
    ) -> None:
        self._client = client
        self._spec = spec
        self._path = spec.api_path
        self._environ = environ
        self._redact = redact
        self._known = known_guids
        """Guids the plan knows of this kind: any other row was not there when planned."""
        self._note = note
        self._announce = announce

    async def save(self, items: Sequence[Item], settle: Settle) -> None:
        """Save ``items`` and ``settle`` each one's outcome; stopping errors propagate
        after settling what was known by then."""
        done: Outcomes = {}
        ready = []
        for item in items:
            try:
                self._fill(item)
            except ConfigError as error:
                done[item.key] = Outcome(Status.FAILED, message=str(error))
            else:
                ready.append(item)
        try:
            await self._post(ready, _RESENDS, done)
        finally:
            for item in items:
                if item.key in done:
                    settle(item, done[item.key])

    def _fill(self, item: Item) -> dict[str, Any]:
        """The body as sent: secrets filled in from the environment."""
        filled = self._spec.with_secrets(item.body, self._environ)
        for name in self._spec.write_only & filled.keys():
            self._redact.add(str(filled[name]))
        return filled

    async def _post(self, items: Sequence[Item], resends: int, done: Outcomes) -> None:
        if not items:
            return
        changes = [item.change for item in items]
        self._announce("POST", self._path, changes, f"POST {self._path}: {_describe(items)}")
        try:
            answer = await self._client.post(self._path, [self._fill(item) for item in items])
        except HaloValidationError as error:
            await self._refused(items, error, resends, done)
        except (OutcomeUnknownError, ResponseError) as error:
            await self._reconcile(items, error, resends, done)
        except STOPPING:
            raise
        except HaloError as error:
            done.update({item.key: Outcome(Status.FAILED, message=str(error)) for item in items})
        else:
            await self._match(items, answer, done)

    async def _refused(
        self, items: Sequence[Item], error: HaloValidationError, resends: int, done: Outcomes
    ) -> None:
        """Fail the records a 400 names and send the rest again (Halo saved none)."""
        named = _refusals(error.errors, len(items))
        if not named and len(items) == 1:
            done[items[0].key] = Outcome(Status.FAILED, message=str(error))
            return
        if not named:
            self._note(
                EventKind.RECOVERY,
                f"Halo refused POST {self._path} without naming a record; "
                f"sending its {len(items)} records one by one to find which",
            )
            for item in items:
                await self._post([item], resends, done)
            return
        for index, why in named.items():
            done[items[index].key] = Outcome(Status.FAILED, message=f"Halo refused it: {why}")
        rest = [item for index, item in enumerate(items) if index not in named]
        if rest:
            self._note(
                EventKind.RECOVERY,
                f"Halo refused {len(named)} of {len(items)} records; sending the other "
                f"{len(rest)} again without them",
            )
        await self._post(rest, resends, done)

    async def _match(self, items: Sequence[Item], answer: list[Record], done: Outcomes) -> None:
        """Outcomes from what Halo answered, looking up what it left out."""
        returned = by_guid(answer)
        left = []
        for item in items:
            row = returned.pop(item.guid, None)
            if row is not None and record_id(row) is not None:
                done[item.key] = Outcome(Status.APPLIED, record_id(row))
            else:
                left.append(item)
        done.update(_swapped(left, list(returned.values())))
        left = [item for item in left if item.key not in done]
        if left:
            self._note(
                EventKind.RECOVERY,
                f"Halo's answer left out {len(left)} of {len(items)} records; "
                f"reading {self._path} to find them",
            )
            await self._find(left, done)

    async def _find(self, items: Sequence[Item], done: Outcomes) -> None:
        """Outcomes of records Halo accepted but did not answer, from a list of the kind."""
        try:
            rows = await managed_rows(self._client, self._spec)
        except HaloError as error:
            why = f"Halo left it out of its answer, and reading it back failed: {error}"
            done.update({item.key: Outcome(Status.UNKNOWN, message=why) for item in items})
            return
        live = by_guid(rows)
        for item in items:
            row = live.get(item.guid)
            if row is not None:
                done[item.key] = Outcome(Status.APPLIED, record_id(row))
            elif (stranger := self._stranger(item, rows)) is not None:
                done[item.key] = _suspect(item, stranger, "")
            else:
                why = (
                    "Halo accepted the batch but did not save it: it is neither in the "
                    f"answer nor in GET {self._path}"
                )
                done[item.key] = Outcome(Status.FAILED, message=why)

    async def _reconcile(
        self, items: Sequence[Item], error: HaloError, resends: int, done: Outcomes
    ) -> None:
        """After a lost answer: what a re-read shows is done, the rest is sent again
        (``resends`` times at most); a create never twice if a stranger took its place."""
        self._note(EventKind.RECOVERY, f"{error}; reading {self._path} to see what was saved")
        try:
            rows = await managed_rows(self._client, self._spec)
        except HaloError as reread:
            why = f"{error}; reading it back failed too: {reread}"
            done.update({item.key: Outcome(Status.UNKNOWN, message=why) for item in items})
            return
        rest = self._settled_by_reread(items, rows, done)
        if rest and resends > 0:
            self._note(EventKind.RECOVERY, f"sending the {len(rest)} records not saved again")
            await self._post(rest, resends - 1, done)
            return
        why = (
            f"{error}; it may or may not have been saved and was not sent again: "
            "plan again to see where it stands"
        )
        done.update({item.key: Outcome(Status.UNKNOWN, message=why) for item in rest})

    def _settled_by_reread(
        self, items: Sequence[Item], rows: list[Record], done: Outcomes
    ) -> list[Item]:
        """Record the outcomes a re-read settles; return the items it does not."""
        live = by_guid(rows)
        rest = []
        for item in items:
            row = live.get(item.guid)
            if row is not None and item.creates:
                found = "its answer was lost; a re-read found it"
                done[item.key] = Outcome(Status.APPLIED, record_id(row), found)
            elif row is not None:
                # An update's record was there before: a re-read cannot tell whether
                # the update took. Sending it again is safe (it is keyed by id).
                rest.append(item)
            elif (stranger := self._stranger(item, rows)) is not None:
                done[item.key] = _suspect(item, stranger, _NOT_RESENT)
            else:
                rest.append(item)
        return rest

    def _stranger(self, item: Item, rows: list[Record]) -> Record | None:
        """A row named like a create but under a guid the plan did not know: what a
        tenant that replaces guids leaves behind."""
        if not item.creates:
            return None
        name = item.change.name.casefold()
        return next(
            (
                row
                for row in rows
                if str(row.get("name", "")).casefold() == name
                and canonical_guid(row.get("guid")) not in self._known
            ),
            None,
        )


def _swapped(items: Sequence[Item], unmatched: list[Record]) -> Outcomes:
    """Items that came back under another guid: an update by its id, a create by its
    name (or as the only one of each left)."""
    outcomes: Outcomes = {}
    creates = [item for item in items if item.creates]
    for item in items:
        row = _counterpart(item, unmatched, creates)
        if row is not None:
            unmatched.remove(row)
            outcomes[item.key] = Outcome(Status.FAILED, record_id(row), _replaced(item, row))
    return outcomes


def _counterpart(item: Item, rows: list[Record], creates: list[Item]) -> Record | None:
    if not item.creates:
        return next((row for row in rows if record_id(row) == item.body.get("id")), None)
    named = [
        row for row in rows if str(row.get("name", "")).casefold() == item.change.name.casefold()
    ]
    if len(named) == 1:
        return named[0]
    return rows[0] if len(rows) == 1 and len(creates) == 1 else None


def _replaced(item: Item, row: Record) -> str:
    theirs = row.get("guid")
    return (
        f"the tenant replaced guid {item.change.guid} with {theirs}: haloform tracks a "
        "resource by the guid it sends, so it cannot manage this one. A record named "
        f"{row.get('name')!r} (id {record_id(row)}) now exists with the tenant's guid; "
        f"delete it or adopt its guid (write {theirs} into {item.change.source or 'its file'})"
    )


def _suspect(item: Item, row: Record, then: str) -> Outcome:
    why = (
        f"Halo did not save it under guid {item.change.guid}, but a record named "
        f"{row.get('name')!r} that the plan did not know of exists with guid "
        f"{row.get('guid')} (id {record_id(row)}): the tenant probably replaced the guid; "
        f"delete that record or adopt its guid{then}"
    )
    return Outcome(Status.FAILED, record_id(row), why)


def _refusals(errors: Mapping[str, str], size: int) -> dict[int, str]:
    """Halo's field errors by the index of the record they name (``[1].name`` -> 1)."""
    found: dict[int, list[str]] = {}
    for path, message in errors.items():
        match = _INDEXED.match(path)
        if match and int(match.group(1)) < size:
            field = match.group(2)
            found.setdefault(int(match.group(1)), []).append(
                f"{field}: {message}" if field else message
            )
    return {index: "; ".join(parts) for index, parts in found.items()}


def _describe(items: Sequence[Item]) -> str:
    creates = sum(1 for item in items if item.creates)
    parts = [
        f"{n} to {verb}" for n, verb in ((creates, "create"), (len(items) - creates, "update")) if n
    ]
    noun = "record" if len(items) == 1 else "records"
    return f"{len(items)} {noun} ({', '.join(parts)})"
