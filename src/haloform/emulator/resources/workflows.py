"""Workflows (FlowHeader) at ``/Workflow``, and every step of every one at
``/workflowstep``.

A workflow owns its steps, their actions, its stages and targets. The rules of a
step are ticket rules stored with the step's ``fdid``: they are saved through the
ticket-rule kind, answered inside the step, and go when the step or workflow goes.
"""

from __future__ import annotations

import copy
from collections import defaultdict

from starlette.responses import Response
from starlette.routing import Route

from haloform.emulator.api import Call, api_route, ok, refused
from haloform.emulator.directory import Directory
from haloform.emulator.resources.records import Errors, RecordKind
from haloform.emulator.resources.rules import TicketRules
from haloform.emulator.resources.shape import (
    CRITERION,
    Child,
    Node,
    Ref,
    decorate,
    present,
    zero_fill,
)
from haloform.emulator.store import Doc, Store
from haloform.emulator.tenant import Tenant

ACTION = Node(
    refs=(
        Ref(
            "action_id", "outcome", companions={"action_name": "buttonname", "action_guid": "guid"}
        ),
    ),
    children=(Child("conditions", "criteria", CRITERION),),
    zeros={
        **dict.fromkeys(("action_id", "time_limit_action_id", "automation_action_id"), 0),
        **dict.fromkeys(("time_limit_mins", "automation_type", "approval_result"), 0),
        **dict.fromkeys(("todo_group_id", "number_of_days", "date_field_id"), 0),
        **dict.fromkeys(("use_work_hours", "restricted"), False),
        "conditions": [],
    },
)
STEP = Node(
    refs=(Ref("new_flow_id", "workflow"),),
    children=(
        Child("actions", "flowsubdetail", ACTION, link="flow_id"),
        Child("step_conditions", "criteria", CRITERION),
    ),
    zeros={
        **dict.fromkeys(("new_flow_id", "duration", "newticket_type", "auto_action"), 0),
        **dict.fromkeys(("newticket_tickettype_id", "newticket_template_id"), 0),
        **dict.fromkeys(("newticket_service_id", "input_field_id", "pipeline_stage_id"), 0),
        **dict.fromkeys(("isend", "islaststep", "allowstartoverride"), False),
        **dict.fromkeys(("allow_all_statuses", "newticket_sendlink"), False),
        **dict.fromkeys(("note", "message"), ""),
    },
)
WORKFLOW = Node(
    children=(
        Child("steps", "flowdetail", STEP, link="flow_id", id_field="fdid", match_key="step_id"),
        Child("stages", "flowstages", link="flow_id", match_key="sequence"),
        Child("targets", "workflowtarget", link="flow_id"),
    )
)


class Workflows(RecordKind):
    kind = "workflow"
    path = "/Workflow"
    node = WORKFLOW
    defaults = {"active": True, "notinuse": False}
    detail_only = frozenset(
        {"steps", "stages", "targets", "always_allow_actions", "flow_chart_json", "access_control"}
    )

    def __init__(self, tenant: Tenant, rules: TicketRules) -> None:
        super().__init__(tenant)
        self.rules = rules

    def routes(self) -> list[Route]:
        return [*super().routes(), api_route(self.tenant, "/workflowstep", "GET", self.list_steps)]

    async def list_all(self, call: Call) -> Response:
        """Inactive workflows only with ``includeinactive``; ``access_control_level`` is
        accepted and changes nothing (the API client is an administrator)."""
        docs = self.tenant.store.all(self.kind)
        if not call.query.flag("includeinactive"):
            docs = [doc for doc in docs if doc.get("active") is not False]
        directory = Directory(self.tenant.store)
        return ok([self.render(doc, directory, self.detail_only) for doc in docs])

    async def list_steps(self, call: Call) -> Response:
        """Each step with its ``flow_id`` and actions (``workflowstep_actions`` turns
        those off); whether it carries its rules is unconfirmed (``list_children``);
        ``includecriteriainfo`` adds step conditions."""
        config = self.tenant.config
        omit = set() if config.list_children else {"rules"}
        if not config.workflowstep_actions:
            omit.add("actions")
        if not call.query.flag("includecriteriainfo"):
            omit.add("step_conditions")
        directory = Directory(self.tenant.store)
        steps = directory.rows("workflowstep")
        return ok([self._render_step(step, directory, omit) for step in steps])

    def prepare(self, doc: Doc, directory: Directory, path: str, errors: Errors) -> None:
        """Number the steps, and give each action its step as ``start_step``. An
        ``end_step`` naming no step is stored as posted: Halo stores ``-98`` ("next
        iteration") and, in a runbook it ships, a step that is not there."""
        steps = [step for step in doc.get("steps") or [] if isinstance(step, dict)]
        _number_steps(steps, path, errors)
        for step in steps:
            for action in step.get("actions") or []:
                if isinstance(action, dict):
                    action.setdefault("start_step", step["step_id"])

    def stored(self, doc: Doc) -> Doc:
        steps = [{k: v for k, v in step.items() if k != "rules"} for step in doc.get("steps") or []]
        return {**doc, "steps": steps} if "steps" in doc else doc

    def settle(
        self, doc: Doc, old: Doc | None, directory: Directory, path: str, errors: Errors
    ) -> None:
        """Save the rules posted inside steps; drop the rules of steps that are gone
        and those a step's posted rules no longer list."""
        steps = doc.get("steps") or []
        saved: set[int] = set()
        replaced: set[int] = set()
        for j, step in enumerate(steps):
            if "rules" not in step:
                continue
            replaced.add(step["fdid"])
            for k, rule in enumerate(step["rules"] or []):
                posted = {**rule, "flowdetail_id": step["fdid"]}
                where = f"{path}.steps[{j}].rules[{k}]"
                saved.add(self.rules.save(directory, posted, where, errors)["id"])
        gone = _fdids(old) - _fdids(doc)
        _drop_step_rules(self.tenant.store, gone | replaced, keep=saved)

    def decorate(self, doc: Doc, directory: Directory) -> None:
        doc["in_use"] = bool(_users(directory).get(doc["id"]))
        for step in doc.get("steps") or []:
            step["rules"] = self._step_rules(step, directory)

    def remove(self, doc: Doc, directory: Directory) -> None:
        """A workflow in use (``in_use``: a rule sets it, another workflow's step
        switches to it) is refused with a 400 naming its users, unless the
        ``delete_in_use`` switch lets it go and leaves their references dangling."""
        users = _users(directory).get(doc["id"])
        if users and self.tenant.config.delete_in_use == "refuse":
            raise refused(
                f"Workflow {doc.get('name')!r} cannot be deleted: it is used by {', '.join(users)}"
            )
        super().remove(doc, directory)
        _drop_step_rules(self.tenant.store, _fdids(doc), keep=set())

    def _render_step(self, step: Doc, directory: Directory, omit: set[str]) -> Doc:
        out = copy.deepcopy({k: v for k, v in step.items() if k not in omit})
        decorate(STEP, out, directory)
        if "rules" not in omit:
            out["rules"] = self._step_rules(step, directory)
        answer = dict(present(out))
        if self.tenant.config.zero_filled:
            zero_fill(STEP, answer, omit)
        return answer

    def _step_rules(self, step: Doc, directory: Directory) -> list[Doc]:
        by_step = directory.memo("step_rules", lambda: _rules_by_step(directory.store))
        return [self.rules.render(rule, directory, ()) for rule in by_step.get(step["fdid"], [])]


def _number_steps(steps: list[Doc], path: str, errors: Errors) -> None:
    """Steps are keyed by ``step_id`` inside their workflow: give the ones posted
    without one the next free number, and refuse duplicates."""
    seen: set[int] = set()
    for j, step in enumerate(steps):
        if not step.get("step_id"):
            step["step_id"] = max([s.get("step_id") or 0 for s in steps], default=0) + 1
        if step["step_id"] in seen:
            errors[f"{path}.steps[{j}].step_id"] = f"Step {step['step_id']} appears twice"
        seen.add(step["step_id"])


def _fdids(doc: Doc | None) -> set[int]:
    return {step["fdid"] for step in (doc or {}).get("steps") or [] if "fdid" in step}


def _drop_step_rules(store: Store, fdids: set[int], keep: set[int]) -> None:
    for rule in store.all("ticketrules"):
        if rule.get("flowdetail_id") in fdids and rule["id"] not in keep:
            store.delete("ticketrules", rule["id"])


def _rules_by_step(store: Store) -> dict[int, list[Doc]]:
    by_step: dict[int, list[Doc]] = defaultdict(list)
    for rule in store.all("ticketrules"):
        if rule.get("flowdetail_id"):
            by_step[rule["flowdetail_id"]].append(rule)
    return by_step


def _users(directory: Directory) -> dict[int, list[str]]:
    return directory.memo("workflow_users", lambda: _workflow_users(directory.store))


def _workflow_users(store: Store) -> dict[int, list[str]]:
    """Who refers to each workflow: ticket rules that set it and other workflows'
    steps that switch to it. A workflow's own steps and step rules do not count."""
    flows = store.all("workflow")
    owner = {step.get("fdid"): flow["id"] for flow in flows for step in flow.get("steps") or []}
    users: dict[int, list[str]] = defaultdict(list)
    for rule in store.all("ticketrules"):
        target = rule.get("new_workflow_id")
        if target and owner.get(rule.get("flowdetail_id")) != target:
            users[target].append(f"ticket rule {rule.get('name')!r}")
    for flow in flows:
        for step in flow.get("steps") or []:
            target = step.get("new_flow_id")
            if target and target != flow["id"]:
                users[target].append(f"workflow {flow.get('name')!r} (step {step.get('name')!r})")
    return users
