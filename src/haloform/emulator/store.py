"""The tenant's state: JSON documents per kind in one SQLite table, plus id counters.

Documents keep whatever fields a client posted, known or not, because Halo keeps
unknown fields too. Ids come from counters that live in the same database, so they
survive restarts and roll back with a failed batch like every other write. One
connection is shared by the event loop and test threads, so a lock serialises it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Doc = dict[str, Any]
"""A stored record: a JSON object as Halo would answer it."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id INTEGER NOT NULL, guid TEXT, doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS records_guid ON records (kind, guid);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """Documents keyed by (kind, integer id), findable by guid."""

    def __init__(self, path: str | None, id_offset: int = 0) -> None:
        self._db = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._lock = threading.RLock()
        self._depth = 0
        self._id_offset = id_offset
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all; nesting joins the outer one."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._db.execute("COMMIT")

    def all(self, kind: str) -> list[Doc]:
        rows = self._query("SELECT doc FROM records WHERE kind = ? ORDER BY id", kind)
        return [json.loads(doc) for (doc,) in rows]

    def get(self, kind: str, rid: int) -> Doc | None:
        rows = self._query("SELECT doc FROM records WHERE kind = ? AND id = ?", kind, rid)
        return json.loads(rows[0][0]) if rows else None

    def find_guid(self, kind: str, guid: str) -> Doc | None:
        rows = self._query(
            "SELECT doc FROM records WHERE kind = ? AND guid = ? ORDER BY id", kind, guid.lower()
        )
        return json.loads(rows[0][0]) if rows else None

    def count(self, kind: str) -> int:
        rows = self._query("SELECT COUNT(*) FROM records WHERE kind = ?", kind)
        return int(rows[0][0])

    def put(self, kind: str, rid: int, doc: Doc, guid: str | None = None) -> None:
        """Insert or replace; ``guid`` defaults to the document's own guid field."""
        key = guid if guid is not None else doc.get("guid")
        self._execute(
            "INSERT OR REPLACE INTO records (kind, id, guid, doc) VALUES (?, ?, ?, ?)",
            kind,
            rid,
            key.lower() if isinstance(key, str) else None,
            json.dumps(doc),
        )

    def delete(self, kind: str, rid: int) -> None:
        self._execute("DELETE FROM records WHERE kind = ? AND id = ?", kind, rid)

    def next_id(self, counter: str) -> int:
        """The next free id of a counter, never at or below the tenant's id offset."""
        with self._lock:
            rows = self._query("SELECT value FROM counters WHERE name = ?", counter)
            value = max(int(rows[0][0]) if rows else 0, self._id_offset) + 1
            self._set_counter(counter, value)
            return value

    def raise_counter(self, counter: str, floor: int) -> None:
        """Make sure the counter never hands out ``floor`` or anything below it."""
        with self._lock:
            rows = self._query("SELECT value FROM counters WHERE name = ?", counter)
            if not rows or int(rows[0][0]) < floor:
                self._set_counter(counter, floor)

    def meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", key)
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self._execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value)

    def _set_counter(self, counter: str, value: int) -> None:
        self._execute("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", counter, value)

    def _query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _execute(self, sql: str, *args: object) -> None:
        with self._lock:
            self._db.execute(sql, args)
