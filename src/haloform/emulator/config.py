"""How an emulated tenant behaves: credentials, id ranges, the variants of what Halo
might do where nobody has confirmed it, and faults to inject.

Every field has a default, so ``EmulatorConfig()`` is a working tenant. The models
validate on assignment because tests change them at runtime (turning faults on after
seeding data), and a typo there should fail loudly rather than silently do nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Faults(BaseModel):
    """Misbehaviour injected into ``/api`` calls (never into ``/auth/token`` or
    ``/api/authinfo``), each off by default."""

    model_config = ConfigDict(
        validate_assignment=True, extra="forbid", use_attribute_docstrings=True
    )

    latency_ms: float = Field(default=0, ge=0)
    """Delay added before every /api request is handled."""
    rate_limit: int | None = Field(default=None, ge=1)
    """Requests allowed per rolling window and per client; None means unlimited."""
    rate_window_s: float = Field(default=300, gt=0)
    """Length of the rolling window (Halo's is five minutes)."""
    retry_after: bool = False
    """Send Retry-After on 429s; no published client has seen Halo send it."""
    rate_limit_body: Literal["message", "error", "text"] = "message"
    """The 429 body: ``{"Message": ...}``, ``{"error": ...}`` or plain text."""
    error_rate: float = Field(default=0, ge=0, le=1)
    """Share of requests answered 500 before anything is done."""
    drop_rate: float = Field(default=0, ge=0, le=1)
    """Share of requests whose connection is cut, unhandled, mid-answer: the client
    gets a status line and then a closed socket."""
    commit_then_fail_rate: float = Field(default=0, ge=0, le=1)
    """Share of writes (POST, DELETE) that are stored and then answered 500."""
    seed: int | None = None
    """Seed of the fault dice, so a test sees the same faults on every run."""


VARIANTS = (
    "assign_guids",
    "eventrule_list",
    "list_children",
    "workflowstep_actions",
    "post_many_response",
    "returnall",
    "delete_response",
    "accept_zero_id_as_create",
    "require_name_on_update",
    "delete_in_use",
    "not_kept",
    "zero_filled",
)
"""The switches for docs/halo-api.md's inferred facts: what a stand-in tenant may choose."""


class EmulatorConfig(BaseModel):
    """One emulated tenant. The switches named after ``docs/halo-api.md`` entries marked [I]
    offer each plausible behaviour, so a client can be tested against all of them."""

    model_config = ConfigDict(
        validate_assignment=True, extra="forbid", use_attribute_docstrings=True
    )

    db_path: str | None = None
    """SQLite file holding the tenant (kept across restarts); None keeps it in memory."""
    seed_path: str | None = None
    """YAML tenant directory loaded into a new database; None uses the built-in one."""
    client_id: str = "haloform-emulator"
    client_secret: str = "emulator-secret"
    tenant: str = "emulator"
    """Tenant name announced by /api/authinfo and expected in ``?tenant=``."""
    token_ttl_s: int = Field(default=3600, ge=0)
    id_offset: int = Field(default=0, ge=0)
    """Every id (records, their children, seeded lookups) starts above this, so two
    tenants with different offsets never share an id for the same name."""

    assign_guids: bool = False
    """True: the server replaces a client's guid on create with one of its own."""
    eventrule_list: Literal["bare", "wrapped"] = "bare"
    """GET /EventRule as a bare array, or wrapped as ``{"record_count", "eventrules"}``."""
    list_children: bool = False
    """Whether GET /EventRule and GET /workflowstep lists carry children (criteria,
    mappings, step rules) or leave them to the detail endpoints."""
    workflowstep_actions: bool = True
    """Whether GET /workflowstep rows carry each step's actions, as docs/halo-api.md records of
    Halo; False is a stand-in whose rows leave them to GET /Workflow/{id}."""
    post_many_response: Literal["array", "first"] = "array"
    """What a POST of several records answers: all of them, or only the first."""
    returnall: bool = False
    """Whether ``?returnall=true`` ("return all results when letting Halo batch
    process", HaloAPI's New-HaloTicket) makes a POST of several records answer all of
    them even where ``post_many_response`` is ``first``. Whether the configuration
    endpoints honour it is unknown."""
    delete_response: Literal["object", "empty"] = "object"
    """What DELETE answers with its 200: the deleted record, or an empty body."""
    accept_zero_id_as_create: bool = True
    """Whether ``"id": 0`` means create (as an absent id does) or names a record 0."""
    require_name_on_update: bool = False
    """True: every save must post ``name``, updates included (a 400 ``[i].name``
    otherwise); False: an update may leave it out and keep the stored one. Whether
    Halo requires it on an update is not documented."""
    delete_in_use: Literal["refuse", "allow"] = "refuse"
    """DELETE of a workflow that a ticket rule (``new_workflow_id``) or another
    workflow's step (``new_flow_id``) still refers to (``in_use``): refused with a 400
    naming the users, or done, leaving their references dangling."""
    not_kept: dict[str, list[str]] = Field(default_factory=dict)
    """Top-level fields Halo answers 200 for and silently does not keep, by resource
    (``{"TicketRules": ["stopmatching"]}``, ``{"Workflow": ["steps"]}``): the posted
    value is ignored and the stored one (or none) stays, as docs/halo-api.md says Halo can do
    with what it does not accept."""
    zero_filled: bool = False
    """True: answer rows as a real tenant does (docs/halo-api.md, "Real rows are zero-filled"):
    every setter of a rule, criterion, step and action is there whether used or not,
    with 0, "", false or [] for "not set"; False: unset fields are left out."""

    faults: Faults = Field(default_factory=Faults)
