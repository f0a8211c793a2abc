"""Tenant comparisons the renderer tests share: one of everything, none, and many."""

from __future__ import annotations

from haloform.diff.fields import FieldChange
from haloform.diff.tenants import Difference, Presence, Side, TenantComparison

DEV = Side(environment="dev", tenant="https://dev.halopsa.com")
PROD = Side(environment="prod", tenant="https://acme.halopsa.com")
CRITERION = {"fieldname": "priority_id", "type": 0, "value_int": {"priority": "P1 Critical"}}


def _field(path: str, a: object, b: object) -> FieldChange:
    return FieldChange(path=path, before=a, after=b)


def _differences() -> tuple[Difference, ...]:
    p1 = Difference(
        kind="TicketRule",
        guid="5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01",
        name_a="P1 to Network team",
        name_b="P1 to Network team",
        fields=(
            _field("criteria[-]", CRITERION, None),
            _field("criteria[+]", None, {**CRITERION, "value_int": {"priority": "P2 High"}}),
            _field("new_agent_id", {"agent": "Carol Network"}, {"agent": "Alice Admin"}),
            _field("popupmsg", "dev only", None),
            _field("precedence", 10, 15),
        ),
    )
    incident = Difference(
        kind="Workflow",
        guid="8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11",
        name_a="Incident Lifecycle",
        name_b="Incident",
        fields=(
            _field("name", "Incident Lifecycle", "Incident"),
            _field('steps["Assigned"].actions["Resolve -> Resolved"].time_limit_mins', 240, 480),
            _field('steps["Escalated"].new_flow_id', {"workflow": "Problem Management"}, None),
            _field('steps["Resolved"]', None, {"step_id": 4, "name": "Resolved", "isend": True}),
        ),
    )
    return (p1, incident)


def representative() -> TenantComparison:
    """Resources only in each tenant (one name in both, under two guids), differences in
    scalars, references, nested and unordered items, and a rename."""
    return TenantComparison(
        a=DEV,
        b=PROD,
        kinds=("Workflow", "TicketRule", "EventRule"),
        only_in_a=(
            Presence(
                kind="TicketRule", guid="c1c1c1c1-2222-4333-8444-555555555555", name="Manual VIP"
            ),
            Presence(
                kind="Workflow",
                guid="0b0b0b0b-1111-4222-8333-444444444444",
                name="Problem Management",
            ),
        ),
        only_in_b=(
            Presence(
                kind="EventRule", guid="f0f0f0f0-aaaa-4bbb-8ccc-dddddddddddd", name="Legacy traps"
            ),
            Presence(
                kind="TicketRule", guid="9e9e9e9e-0000-4000-8000-000000000000", name="Manual VIP"
            ),
        ),
        different=_differences(),
        identical=7,
    )


def empty() -> TenantComparison:
    """Two tenants that match."""
    return TenantComparison(a=DEV, b=PROD, kinds=("Workflow",), identical=12)


def many(count: int) -> TenantComparison:
    """``count`` differences, enough to burst a PR comment many times over."""
    different = tuple(
        Difference(
            kind="TicketRule",
            guid=f"00000000-0000-4000-8000-{index:012d}",
            name_a=f"Rule {index:05d}",
            name_b=f"Rule {index:05d}",
            fields=(
                _field("precedence", index, index + 1),
                _field("new_agent_id", {"agent": "Alice Admin"}, {"agent": "Bob Builder"}),
            ),
        )
        for index in range(count)
    )
    return TenantComparison(a=DEV, b=PROD, kinds=("TicketRule",), different=different)
