"""Resources read from files share what is equal in them: the set of field names each
model set, and the references. Sharing must never let one model change another."""

from __future__ import annotations

from haloform.kinds.ticket_rule import TicketRule
from tests.kinds import documents


def _rule(**changes: object) -> TicketRule:
    return TicketRule.model_validate({**documents.ticket_rule(), **changes})


def test_equal_references_and_field_sets_are_one_instance() -> None:
    first, second = _rule(name="One"), _rule(name="Two")

    assert first.new_team == second.new_team
    assert first.new_workflow_id is second.new_workflow_id
    assert first.criteria[0].value_int is second.criteria[0].value_int
    assert first.model_fields_set is second.model_fields_set
    assert first.criteria[0].model_fields_set is second.criteria[0].model_fields_set


def test_different_references_stay_apart() -> None:
    other = {"workflow": "Another Flow"}
    first, second = _rule(), _rule(new_workflow_id=other)

    assert first.new_workflow_id is not None and second.new_workflow_id is not None
    assert first.new_workflow_id.name != second.new_workflow_id.name


def test_a_copy_with_an_update_leaves_the_shared_field_set_alone() -> None:
    first, second = _rule(name="One"), _rule(name="Two")
    before = set(second.model_fields_set)

    changed = first.model_copy(update={"note": "changed"})

    assert "note" in changed.model_fields_set
    assert set(second.model_fields_set) == before == set(first.model_fields_set)
