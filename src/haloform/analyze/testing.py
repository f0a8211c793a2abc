"""``haloform test``: run the repo's RuleTest and WorkflowTest documents.

A rule test simulates its ticket and compares the matching rules (exactly, in order)
and the fields they set; a workflow test presses its actions from the start step and
compares where the ticket ends. A failure says what was expected and what happened,
in the files' terms, so the fix is obvious from the message alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from haloform.analyze.rules import ticket_rules
from haloform.analyze.simulate import simulate
from haloform.analyze.values import equal, scalar, shown
from haloform.diagnostics import Location
from haloform.kinds import by_ref_key
from haloform.kinds.offline import RuleTest, WorkflowTest
from haloform.kinds.refs import Ref, WorkflowRef
from haloform.kinds.workflow import Step, Workflow
from haloform.load.repo import OfflineDocument, Repo


@dataclass(frozen=True)
class TestResult:
    """One test's outcome: passed when it has no failures."""

    __test__ = False  # not a pytest class, whatever its name

    kind: str
    name: str
    location: Location
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def run_tests(repo: Repo) -> list[TestResult]:
    """Every test document of the repo, in file order."""
    results = []
    for document in repo.offline:
        test = document.model
        if isinstance(test, RuleTest):
            failures = list(_rule_test(repo, test))
        elif isinstance(test, WorkflowTest):
            failures = list(_workflow_test(repo, test))
        else:
            continue
        results.append(_result(document, test.kind, test.name, failures))
    return results


def _result(document: OfflineDocument, kind: str, name: str, failures: list[str]) -> TestResult:
    return TestResult(kind, name, document.location, tuple(failures))


def _rule_test(repo: Repo, test: RuleTest) -> Iterator[str]:
    run = simulate(repo, test.ticket, test.event)
    for undecided in run.undecided:
        yield f"rule {undecided.rule.name!r} is undecidable: {'; '.join(undecided.reasons)}"
    actual = [match.rule.name for match in run.matched]
    expected = test.expect.rules
    if expected is not None:
        known = {view.casefold() for view in _rule_names(repo)}
        for name in expected:
            if name.casefold() not in known:
                yield f"expect.rules names {name!r}: no TicketRule of that name in this repo"
        if [n.casefold() for n in expected] != [n.casefold() for n in actual]:
            yield f"rules: expected {_names(expected)}\n       actual   {_names(actual)}"
    merged: dict[str, object] = {}
    for match in run.matched:
        merged.update(match.sets)
    for field, want in (test.expect.sets or {}).items():
        have = merged.get(field)
        if not _same(want, have):
            got = "not set by any matching rule" if field not in merged else shown(have)
            yield f"sets.{field}: expected {shown(want)}\n       actual   {got}"


def _rule_names(repo: Repo) -> list[str]:
    return [view.name for view in ticket_rules(repo)]


def _names(names: list[str]) -> str:
    return "[" + ", ".join(names) + "]" if names else "(no rule)"


def _same(want: object, have: object) -> bool:
    left, right = scalar(want), scalar(have)
    if left is None or right is None:
        return left is right
    return equal(left, right) is True


def _workflow_test(repo: Repo, test: WorkflowTest) -> Iterator[str]:
    workflow = _workflow(repo, test.workflow)
    if workflow is None:
        yield f"workflow {_shown_ref(test.workflow)}: no Workflow of that name in this repo"
        return
    steps = {step.step_id: step for step in workflow.steps or []}
    step = next((s for s in steps.values() if s.isstart), None)
    if step is None:
        yield f"workflow {workflow.name!r} has no start step"
        return
    for number, outcome in enumerate(test.path):
        moved = _press(workflow, step, outcome, steps)
        if isinstance(moved, str):
            yield f"path[{number}] {outcome!r}: {moved}"
            return
        step = moved
    if not _is_step(step, test.expect_step):
        yield f"expect_step: expected {test.expect_step!r}\n       actual   {_label(step)}"


def _workflow(repo: Repo, selector: str | WorkflowRef) -> Workflow | None:
    spec = by_ref_key("workflow")
    if spec is None:
        return None
    ref = selector if isinstance(selector, Ref) else WorkflowRef(workflow=selector)
    guid = repo.declared_guid(spec.kind, ref)
    found = next((item.resource for item in repo.of_kind(spec) if item.guid == guid), None)
    return found if isinstance(found, Workflow) else None


def _shown_ref(selector: str | WorkflowRef) -> str:
    return repr(selector) if isinstance(selector, str) else str(selector)


def _press(workflow: Workflow, step: Step, outcome: str, steps: dict[int, Step]) -> Step | str:
    """The step pressing ``outcome`` at ``step`` leads to, or why it cannot be pressed."""
    wanted = outcome.casefold()
    actions = [a for a in step.actions or [] if _outcome_name(a.action_id) == wanted]
    targets = {a.end_step for a in actions if a.end_step in steps}
    if len(targets) == 1:
        return steps[targets.pop()]
    if len(targets) > 1:
        return f"leads from {_label(step)} to several steps, depending on conditions"
    if any(_outcome_name(a) == wanted for a in workflow.always_allow_actions or []):
        return step  # an always-allowed action runs without moving the ticket
    available = sorted({str(a.action_id) for a in step.actions or [] if a.action_id is not None})
    offered = ", ".join(available) if available else "none"
    return f"not available at {_label(step)} (available: {offered})"


def _outcome_name(action: object) -> str | None:
    if isinstance(action, Ref):
        return (action.name or "").casefold()
    return None if action is None else str(action)


def _is_step(step: Step, expected: str | int) -> bool:
    if isinstance(expected, int):
        return step.step_id == expected
    return (step.name or "").casefold() == expected.casefold()


def _label(step: Step) -> str:
    return f"step {step.step_id} ({step.name or 'unnamed'})"
