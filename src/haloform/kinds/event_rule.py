"""Event rules: how incoming events (RMM alerts, webhooks) become tickets.

An event rule may authenticate its webhook with a client secret. Halo takes it as
``new_client_secret`` and never answers it back; a file may only name an environment
variable that holds it (``${env:RMM_WEBHOOK_SECRET}``), so that no repo, plan or log
holds the value. The applier fills it in at POST time (``KindSpec.with_secrets``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from haloform.kinds.base import (
    UNORDERED,
    EnvSecret,
    HaloModel,
    Resource,
    UnorderedPassthrough,
)
from haloform.kinds.criteria import CriteriaList
from haloform.kinds.refs import LookupOf, LookupRef, TenantId
from haloform.kinds.spec import KindSpec


class EventMapping(HaloModel):
    """Copies one value of the incoming event into a ticket field."""

    halo_schema = "EventMapping"
    server_owned = frozenset({"id", "_warning", "eventrule_id", "eventrule_guid"})

    integration_method_value_name: str | None = None
    """The key in the incoming event, e.g. ``device``."""
    integration_method_value_id: int | None = None
    field_name: str | None = None
    """The ticket field it fills, e.g. ``summary``."""
    field_id: int | None = None


class EventRule(Resource):
    """An event rule: a document of its own, identified by guid."""

    halo_schema = "EventRule"
    server_owned = frozenset(
        {"id", "intent", "_warning", "user_name", "defaultsite_name", "assetmatchingfield_name"}
        | {"tickettype_guid", "tickettype_name", "template_guid", "template_name"}
    )
    zero_unset = frozenset(
        {"alwayscreatenew", "hide_actions", "user_id", "defaultsite", "authorizationtype"}
        | {"algorithm"}
    )

    kind: Literal["EventRule"] = "EventRule"
    notes: str | None = None
    precedence: int | None = None
    active: bool | None = None
    event_key: str | None = None
    """Which incoming events this rule is for."""
    criteria: CriteriaList | None = None
    """What an event must match for this rule to apply."""
    ticket_matching_criteria: CriteriaList | None = None
    """How an event finds an open ticket to update instead of creating one."""
    mappings: Annotated[list[EventMapping], UNORDERED] | None = None
    values: UnorderedPassthrough | None = None

    create_type: int | None = None
    alwayscreatenew: bool | None = None
    hide_actions: bool | None = None
    tickettype_id: Annotated[LookupRef, LookupOf("tickettype")] | TenantId | None = None
    template_id: Annotated[LookupRef, LookupOf("template")] | TenantId | None = None
    user_id: int | None = None
    defaultsite: int | None = None

    clientmatchingtype: int | None = None
    clientmatchingfield: int | None = None
    clientmatchingparam: str | None = None
    sitematchingtype: int | None = None
    sitematchingfield: int | None = None
    sitematchingparam: str | None = None
    usermatchingtype: int | None = None
    usermatchingfield: int | None = None
    usermatchingparam: str | None = None
    assetmatchingtype: int | None = None
    assetmatchingfield: int | None = None
    assetmatchingparam: str | None = None

    authorizationtype: int | None = None
    headername: str | None = None
    bearername: str | None = None
    username: str | None = None
    algorithm: int | None = None
    new_client_secret: EnvSecret | None = None
    """Only as ``${env:NAME}``: a literal secret is refused."""


EVENT_RULE = KindSpec(
    kind="EventRule",
    model=EventRule,
    api_path="/EventRule",
    directory="event-rules",
    detail_only=frozenset({"criteria", "ticket_matching_criteria", "mappings", "values"}),
    defaults={"active": True},
    order_field="precedence",
)
