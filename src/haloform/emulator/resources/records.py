"""What workflows, ticket rules and event rules have in common: Halo's save semantics.

POST takes an array and is all-or-nothing: every element is resolved (by id, else by
guid, else created), merged over what is stored (fields not posted keep their value;
a posted child list replaces the stored one), given ids and defaults, and checked;
any error rolls the whole batch back and answers 400 keyed by field path. A kind
declares its shape (see ``shape``) and overrides a hook or two for what is its own.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from starlette.responses import Response
from starlette.routing import Route

from haloform.emulator.api import Call, api_route, invalid, ok
from haloform.emulator.directory import Directory
from haloform.emulator.kinds import LABELS
from haloform.emulator.resources.common import deleted, fetch
from haloform.emulator.resources.shape import (
    Node,
    assign_ids,
    check_refs,
    decorate,
    present,
    strip_server_fields,
    zero_fill,
)
from haloform.emulator.store import Doc
from haloform.emulator.tenant import Tenant

Errors = dict[str, str]


class RecordKind:
    """A kind of configuration record served at ``path`` (as the published API spells
    it): list, create/update, read one, delete."""

    kind: ClassVar[str]
    path: ClassVar[str]
    node: ClassVar[Node]
    defaults: ClassVar[Mapping[str, Any]] = {}
    detail_only: ClassVar[frozenset[str]] = frozenset()
    """Fields a list (and a read without ``includedetails``) leaves out."""
    server_fields: ClassVar[frozenset[str]] = frozenset({"in_use", "_warning", "workflow_history"})

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.label = LABELS[self.kind]

    def routes(self) -> list[Route]:
        one = f"{self.path}/{{id}}"
        return [
            api_route(self.tenant, self.path, "GET", self.list_all),
            api_route(self.tenant, self.path, "POST", self.post),
            api_route(self.tenant, one, "GET", self.get_one),
            api_route(self.tenant, one, "DELETE", self.delete),
        ]

    async def list_all(self, call: Call) -> Response:
        directory = Directory(self.tenant.store)
        docs = self.tenant.store.all(self.kind)
        return ok([self.render(doc, directory, self.detail_only) for doc in docs])

    async def get_one(self, call: Call) -> Response:
        doc = self.find(call.path())
        return ok(self.render(doc, Directory(self.tenant.store), self.single_omit(call)))

    def single_omit(self, call: Call) -> frozenset[str]:
        """What GET /{id} leaves out: the details, unless ``includedetails`` asks."""
        return frozenset() if call.query.flag("includedetails") else self.detail_only

    async def post(self, call: Call) -> Response:
        elements = await call.body()
        if not elements:
            raise invalid({"$": "At least one record is required"})
        store, errors = self.tenant.store, Errors()
        with store.transaction():
            directory = Directory(store)
            saved = [self.save(directory, el, f"[{i}]", errors) for i, el in enumerate(elements)]
            if errors:
                raise invalid(errors)
        directory = Directory(store)
        answers = [self.render(doc, directory, frozenset()) for doc in saved]
        config = self.tenant.config
        every = config.post_many_response == "array" or (
            config.returnall and call.query.undeclared_flag("returnall")
        )
        if len(answers) > 1 and every:
            return ok(answers)
        return ok(answers[0])

    async def delete(self, call: Call) -> Response:
        doc = self.find(call.path())
        directory = Directory(self.tenant.store)
        answer = self.render(doc, directory, frozenset())
        with self.tenant.store.transaction():
            self.remove(doc, directory)
        return deleted(self.tenant, answer)

    def find(self, rid: int) -> Doc:
        return fetch(self.tenant, self.kind, rid)

    def save(self, directory: Directory, element: Doc, path: str, errors: Errors) -> Doc:
        """Create or update one posted element; problems go into ``errors``."""
        store = self.tenant.store
        old = self._target(element, path, errors)
        rid = old["id"] if old else store.next_id(self.kind)
        doc: Doc = {"id": rid, "guid": self._guid(element, old)}
        merged = {**self.defaults, **(old or {}), **self._kept(element)}
        doc.update(
            (k, v) for k, v in merged.items() if k not in doc and k not in self.server_fields
        )
        strip_server_fields(self.node, doc)
        posted = element if self.tenant.config.require_name_on_update else doc
        name = posted.get("name")
        if not isinstance(name, str) or not name.strip():
            errors[f"{path}.name"] = "Name is required"
        assign_ids(self.node, doc, old, rid, store)
        self.prepare(doc, directory, path, errors)
        check_refs(self.node, doc, directory, path, errors)
        stored = self.stored(doc)
        store.put(self.kind, rid, stored)
        directory.forget(self.kind)
        self.settle(doc, old, directory, path, errors)
        return stored

    def prepare(self, doc: Doc, directory: Directory, path: str, errors: Errors) -> None:
        """Kind-specific checks and server-filled fields, before the doc is stored."""

    def stored(self, doc: Doc) -> Doc:
        """What of a saved doc goes into this kind's table (all of it, by default)."""
        return doc

    def settle(
        self, doc: Doc, old: Doc | None, directory: Directory, path: str, errors: Errors
    ) -> None:
        """Kind-specific writes that need the record stored first."""

    def render(self, doc: Doc, directory: Directory, omit: Collection[str]) -> Doc:
        """A stored doc as Halo answers it: ``omit`` left out, companions joined in."""
        out = copy.deepcopy({k: v for k, v in doc.items() if k not in omit})
        decorate(self.node, out, directory)
        self.decorate(out, directory)
        answer = dict(present(out))
        if self.tenant.config.zero_filled:
            zero_fill(self.node, answer, omit)
        return answer

    def decorate(self, doc: Doc, directory: Directory) -> None:
        """Kind-specific server fields added to an answer (in place)."""

    def remove(self, doc: Doc, directory: Directory) -> None:
        """Delete a record; a kind may refuse (raise) or take dependents with it."""
        self.tenant.store.delete(self.kind, doc["id"])

    def _target(self, element: Doc, path: str, errors: Errors) -> Doc | None:
        """The stored record an element updates: by id, else by guid (Halo treats a
        known guid as an update of that row); None for a create."""
        store = self.tenant.store
        guid = _guid_or_none(element.get("guid"))
        by_guid = store.find_guid(self.kind, guid) if guid else None
        rid = element.get("id", 0)
        if rid == 0 and ("id" not in element or self.tenant.config.accept_zero_id_as_create):
            return by_guid
        old = store.get(self.kind, rid)
        if old is None:
            errors[f"{path}.id"] = f"{self.label} {rid} does not exist"
        elif by_guid is not None and by_guid["id"] != rid:
            errors[f"{path}.guid"] = f"guid {guid} belongs to {self.label.lower()} {by_guid['id']}"
        return old

    def _kept(self, element: Doc) -> Doc:
        """The posted fields Halo keeps: all but the ``not_kept`` knob's, for this kind."""
        dropped = {
            field
            for resource, fields in self.tenant.config.not_kept.items()
            if resource.lower() == self.kind
            for field in fields
        }
        return {name: value for name, value in element.items() if name not in dropped}

    def _guid(self, element: Doc, old: Doc | None) -> str:
        kept = old.get("guid") if old else None
        posted = None if self.tenant.config.assign_guids else _guid_or_none(element.get("guid"))
        return posted or kept or str(uuid.uuid4())


def _guid_or_none(value: object) -> str | None:
    """A guid in .NET's canonical form; absent and Guid.Empty both mean none."""
    if not isinstance(value, str) or not value:
        return None
    parsed = uuid.UUID(value)
    return str(parsed) if parsed.int else None
