"""Event rules at ``/EventRule``: how incoming events (RMM alerts, webhooks) become
tickets. GET has no flags; whether its list carries the rules' children, and whether
it is a bare array at all, are unconfirmed, so two switches pick."""

from __future__ import annotations

from starlette.responses import Response

from haloform.emulator.api import Call, ok
from haloform.emulator.directory import Directory
from haloform.emulator.resources.records import RecordKind
from haloform.emulator.resources.shape import CRITERION, Child, Node, Ref

EVENT_RULE = Node(
    refs=(
        Ref(
            "tickettype_id",
            "tickettype",
            companions={"tickettype_name": "name", "tickettype_guid": "guid"},
        ),
        Ref(
            "template_id", "template", companions={"template_name": "name", "template_guid": "guid"}
        ),
    ),
    children=(
        Child("criteria", "criteria", CRITERION, link="eventrule_id"),
        Child("ticket_matching_criteria", "criteria", CRITERION, link="eventrule_id"),
        Child("mappings", "eventmapping", link="eventrule_id"),
    ),
    zeros={
        **dict.fromkeys(("tickettype_id", "template_id", "user_id", "defaultsite"), 0),
        **dict.fromkeys(("authorizationtype", "algorithm"), 0),
        **dict.fromkeys(("alwayscreatenew", "hide_actions"), False),
        **dict.fromkeys(("headername", "bearername", "username"), ""),
    },
)


class EventRules(RecordKind):
    kind = "eventrule"
    path = "/EventRule"
    node = EVENT_RULE
    defaults = {"active": True}
    detail_only = frozenset({"criteria", "ticket_matching_criteria", "mappings", "values"})
    """Left out of the list unless the ``list_children`` switch is on."""

    async def list_all(self, call: Call) -> Response:
        omit = frozenset() if self.tenant.config.list_children else self.detail_only
        directory = Directory(self.tenant.store)
        rows = [self.render(doc, directory, omit) for doc in self.tenant.store.all(self.kind)]
        if self.tenant.config.eventrule_list == "wrapped":
            return ok({"record_count": len(rows), "eventrules": rows})
        return ok(rows)

    def single_omit(self, call: Call) -> frozenset[str]:
        return frozenset()
