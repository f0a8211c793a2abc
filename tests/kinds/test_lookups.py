"""The lookup table: every other declaration of a lookup is derived from its rows."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from haloform.kinds.lookups import (
    BY_WORD,
    CRITERION_LOOKUPS,
    LOOKUPS,
    RESOLVABLE,
    UNRESOLVABLE,
    Lookup,
    criterion_lookup,
)
from haloform.kinds.ref_fields import reference_fields
from haloform.kinds.refs import LOOKUP_REFS, AnyLookupRef, LookupOf, LookupRef


def test_each_word_is_declared_once() -> None:
    words = [row.word for row in LOOKUPS]
    assert len(words) == len(set(words)) == len(BY_WORD)
    fields = [field for row in LOOKUPS for field in row.criteria_fields]
    assert len(fields) == len(set(fields)), "a criteria field points at one lookup"


def test_a_lookup_without_an_endpoint_is_the_unresolvable_one() -> None:
    assert UNRESOLVABLE == {row.word for row in LOOKUPS if row.path is None} == {"category"}
    assert all(row.resolves and row.path for row in RESOLVABLE)
    assert len(RESOLVABLE) + len(UNRESOLVABLE) == len(LOOKUPS)


@pytest.mark.parametrize("row", LOOKUPS, ids=lambda row: row.word)
def test_every_row_becomes_a_reference_model(row: Lookup) -> None:
    model = LOOKUP_REFS[row.word]
    assert issubclass(model, LookupRef) and model.target == row.word
    assert model.__name__ == row.model_name
    assert list(model.model_fields) == [row.word]
    assert model.__doc__ == row.about
    ref = model.model_validate({row.word: "Something"})
    assert str(ref) == f"{{{row.word}: Something}}"


def test_model_names_keep_their_schema_spelling() -> None:
    assert [row.model_name for row in LOOKUPS] == [
        "AgentRef",
        "TeamRef",
        "StatusRef",
        "PriorityRef",
        "SlaRef",
        "TemplateRef",
        "TicketTypeRef",
        "OutcomeRef",
        "CategoryRef",
    ]


def test_criteria_fields_come_from_the_rows() -> None:
    assert {
        field: row.word for row in LOOKUPS for field in row.criteria_fields
    } == CRITERION_LOOKUPS
    assert criterion_lookup({"fieldname": "RequestType_ID"}) == "tickettype"
    assert criterion_lookup({"fieldname": "tickettype_id"}) == "tickettype"
    assert criterion_lookup({"fieldname": "client_id"}) is None
    assert criterion_lookup({}) is None


class _Owner(BaseModel):
    agent: Annotated[LookupRef, LookupOf("agent")] | int | None = None
    value: AnyLookupRef | None = None


def test_a_marked_field_takes_only_its_lookup() -> None:
    owner = _Owner.model_validate({"agent": {"agent": "Alice"}})
    assert isinstance(owner.agent, LOOKUP_REFS["agent"])
    with pytest.raises(ValidationError):
        _Owner.model_validate({"agent": {"team": "Network"}})
    fields = {field.path: field.targets for field in reference_fields(_Owner)}
    assert fields == {"agent": ("agent",), "value": tuple(row.word for row in LOOKUPS)}


def test_the_union_error_lists_every_word_of_the_table() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(AnyLookupRef)
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python({"colour": "red"})
    (error,) = caught.value.errors()
    assert error["type"] == "lookup_ref"
    assert error["msg"].endswith(f"({', '.join(row.word for row in LOOKUPS)})")


def test_a_marker_names_only_words_of_the_table() -> None:
    with pytest.raises(ValueError, match="the lookups are agent, team"):
        LookupOf("agnet")
    with pytest.raises(ValueError):
        LookupOf()
