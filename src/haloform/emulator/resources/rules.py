"""Ticket rules (Autoassign) at ``/TicketRules``.

Rules created inside a workflow step are stored here too, carrying the step's
``fdid`` in ``flowdetail_id``; the list shows them unless ``excludeworkflow=true``.
"""

from __future__ import annotations

from starlette.responses import Response

from haloform.emulator.api import Call, ok
from haloform.emulator.directory import Directory
from haloform.emulator.resources.records import RecordKind
from haloform.emulator.resources.shape import CRITERION, Child, Node, Ref

RULE = Node(
    refs=(
        Ref("new_agent_id", "agent", companions={"new_agent_name": "name"}),
        Ref("new_team", "team", key="name"),
        Ref("new_status_id", "status", companions={"newstatus_guid": "guid"}),
        Ref("new_priority_id", "priority", key="priorityid"),
        Ref("new_sla_id", "sla", companions={"new_sla_guid": "guid"}),
        Ref(
            "new_workflow_id",
            "workflow",
            companions={"new_workflow_name": "name", "newworkflow_guid": "guid"},
        ),
        Ref(
            "new_template_id",
            "template",
            companions={"new_template_name": "name", "newtemplate_guid": "guid"},
        ),
        Ref("flowdetail_id", "workflowstep", key="fdid"),
    ),
    children=(
        Child("criteria", "criteria", CRITERION, link="rule_id"),
        Child("outcomes", "autoassignoutcome", link="rule_id"),
        Child(
            "criteria_groups",
            "criteriagroup",
            Node(children=(Child("criteria", "criteria", CRITERION),)),
        ),
    ),
    zeros={
        **dict.fromkeys(("new_agent_id", "new_status_id", "new_priority_id", "new_sla_id"), 0),
        **dict.fromkeys(("new_workflow_id", "new_template_id", "new_product_id"), 0),
        **{f"new_category_{n}_id": 0 for n in range(1, 5)},
        **dict.fromkeys(("new_teamid", "script_id", "outcome_id", "group_id"), 0),
        **dict.fromkeys(("flowdetail_id", "batch_size", "batch_sleep", "use"), 0),
        **dict.fromkeys(("new_team", "popupmsg", "new_agent_name", "new_workflow_name"), ""),
        **dict.fromkeys(("pop_up_msg_is_html", "pop_up_msg_modal", "set_colour"), False),
        "dontshownotification": False,
        "olas": [],
        "outcomes": [],
        # the detail's own (left out of a list, as the details are)
        **{key: [] for key in ("access_control", "criteria_groups", "database_lookups")},
        "events": [],
        "access_control_level": 0,
    },
)


class TicketRules(RecordKind):
    kind = "ticketrules"
    path = "/TicketRules"
    node = RULE
    defaults = {"precedence": 50, "active": True}
    detail_only = frozenset(
        {"criteria", "criteria_groups", "database_lookups", "events", "access_control"}
        | {"access_control_level"}
    )
    """``criteria`` joins a list with ``includecriteriainfo``; the rest only come with
    ``GET /TicketRules/{id}?includedetails=true``."""

    async def list_all(self, call: Call) -> Response:
        """``isconfig`` and ``access_control_level`` are accepted and change nothing:
        the emulator's API client is an administrator that sees every rule."""
        docs = self.tenant.store.all(self.kind)
        if call.query.flag("excludeworkflow"):
            docs = [doc for doc in docs if not doc.get("flowdetail_id")]
        use = call.query.number("rule_use")
        if use is not None:
            docs = [doc for doc in docs if doc.get("use") == use]
        omit = self.detail_only
        if call.query.flag("includecriteriainfo"):
            omit = omit - {"criteria"}
        directory = Directory(self.tenant.store)
        return ok([self.render(doc, directory, omit) for doc in docs])
