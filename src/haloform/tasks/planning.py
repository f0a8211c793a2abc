"""Read what a plan needs of a tenant, then plan: the only place the two meet.

Reading comes first and whole (``haloform.fetch``): one list per managed kind and per
lookup the files name; the references are resolved from those lists before any detail
is paid for (a typo fails the plan at the cost of the lists); then the details the
files need (``plan.wants``), every child row a guid-identified field may be paired in,
and the doomed records in full where their rows cannot order the deletes
(``plan.deletions``). The planner then computes from that snapshot alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from haloform.analyze.lint import findings_for
from haloform.fetch.reader import Reader, read_children, read_needed_details, read_state
from haloform.load.repo import Repo
from haloform.load.secrets import missing_secrets
from haloform.load.settings import Project, load_project
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest, check_references, make_plan
from haloform.plan.deletions import needed_by_deletes, planned_deletions
from haloform.plan.model import Plan
from haloform.plan.wants import set_in_files, used_lookups
from haloform.resolve.references import guid_identified_kinds
from haloform.snapshot.state import LiveState
from haloform.tasks.session import TenantSession
from haloform.tasks.workspace import QUIET, Target, Voice, choose

Explain = Callable[[str], None]
"""Hears which detail reads were needed and why (``-v``)."""


async def read_for_plan(
    client: Reader, request: PlanRequest, explain: Explain | None = None
) -> LiveState:
    """Everything ``make_plan`` computes from, read with as few requests as it takes;
    raises ``ConfigErrors`` for unresolvable references once the lists are read."""
    live = await read_state(client, request.specs, used_lookups(request.repo))
    check_references(request, live)
    details = await read_needed_details(client, live, set_in_files(request.repo))
    await read_children(client, live, guid_identified_kinds(request.repo))
    if explain is not None:
        for line in details.lines("set in files"):
            explain(line)
    deletes, _ = planned_deletions(request.repo, request.prune, live)
    if deletes:
        await read_needed_details(client, live, needed_by_deletes(deletes))
    return live


async def plan_tenant(client: Reader, request: PlanRequest, explain: Explain | None = None) -> Plan:
    """The plan for ``request``: the tenant read, then the pure planner."""
    return make_plan(request, await read_for_plan(client, request, explain))


@dataclass(frozen=True)
class Planned:
    """A plan, the tenant it is for, and the repo it was made from (None for a saved
    plan): lint reads that repo for the comment."""

    plan: Plan
    target: Target
    repo: Repo | None = None


def plan_request(
    directory: Path, project: Project, target: Target, targets: tuple[str, ...]
) -> PlanRequest:
    """What to plan, validated offline first: a repo with errors never reaches a tenant."""
    repo = validate_repo(directory, project.variables_for(target.environment), project.ignore)
    repo.diagnostics.extend(missing_secrets(repo, os.environ))
    repo.diagnostics.raise_for_errors("the configuration has errors; nothing was planned")
    return PlanRequest(
        repo=repo,
        environment=target.name,
        tenant=target.label,
        specs=project.specs,
        lookup_names=target.environment.lookup_names,
        prune=project.prune_scopes(target.environment),
        targets=targets,
    )


@dataclass(frozen=True)
class Job:
    """What a plan or an apply works from: a repo to plan, or a plan saved earlier."""

    target: Target
    request: PlanRequest | None = None
    saved: Plan | None = None

    def planned(self, session: TenantSession, explain: Explain | None = None) -> Planned:
        """The saved plan, or the repo planned over the session's client."""
        if self.saved is not None:
            return Planned(self.saved, self.target)
        assert self.request is not None
        plan = session.run(partial(plan_tenant, request=self.request, explain=explain))
        return Planned(plan, self.target, self.request.repo)


def repo_job(directory: Path, env: str | None, targets: tuple[str, ...] = ()) -> Job:
    """Planning the repo at ``directory`` against ``env``'s tenant."""
    project = load_project(directory)
    target = choose(project, env, directory)
    return Job(target, plan_request(directory, project, target, targets))


def plan_directory(
    directory: Path,
    env: str | None,
    targets: tuple[str, ...] = (),
    voice: Voice = QUIET,
    explain: Explain | None = None,
) -> Planned:
    """``haloform plan``: the repo at ``directory`` planned against ``env``'s tenant."""
    job = repo_job(directory, env, targets)
    with TenantSession(job.target, voice) as session:
        return job.planned(session, explain)


def findings(planned: Planned) -> dict[str, tuple[str, ...]]:
    """Rule analysis of the resources the plan touches, by ``Kind/guid``: a reviewer
    sees that a new rule can never fire beside the rule itself."""
    if planned.repo is None:
        return {}
    found: dict[str, list[str]] = {}
    for finding in findings_for(planned.repo, [change.key for change in planned.plan.changes]):
        line = f"{finding.severity.value}[{finding.rule}]: {finding.message}"
        found.setdefault(finding.resource, []).append(line)
    return {key: tuple(lines) for key, lines in found.items()}
