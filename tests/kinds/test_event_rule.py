"""Event rules, and the one secret a file may only name."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from haloform.errors import ConfigError
from haloform.kinds.event_rule import EVENT_RULE, EventRule
from tests.kinds import documents


def test_a_literal_secret_is_refused_without_repeating_it() -> None:
    with pytest.raises(ValidationError) as caught:
        EventRule.model_validate({**documents.event_rule(), "new_client_secret": "hunter2"})
    (error,) = caught.value.errors()
    assert error["type"] == "secret_literal"
    assert "${env:NAME}" in error["msg"]
    assert "hunter2" not in str(caught.value)


def test_the_payload_names_the_secret_and_the_applier_fills_it_in() -> None:
    rule = EventRule.model_validate(documents.event_rule())
    payload = EVENT_RULE.payload(rule, lambda ref: 3)
    assert payload["new_client_secret"] == "${env:RMM_WEBHOOK_SECRET}"
    sent = EVENT_RULE.with_secrets(payload, {"RMM_WEBHOOK_SECRET": "s3cret"})
    assert sent["new_client_secret"] == "s3cret"
    assert payload["new_client_secret"] == "${env:RMM_WEBHOOK_SECRET}", "a copy, not in place"


def test_a_missing_variable_is_named_and_the_value_is_never_shown() -> None:
    payload = EVENT_RULE.payload(EventRule.model_validate(documents.event_rule()), lambda r: 3)
    with pytest.raises(ConfigError, match="RMM_WEBHOOK_SECRET is not set"):
        EVENT_RULE.with_secrets(payload, {})


def test_the_spec_knows_the_secret_is_write_only() -> None:
    assert EVENT_RULE.write_only == {"new_client_secret"}
    assert EVENT_RULE.api_path == "/EventRule" and EVENT_RULE.ref_key is None
    assert not EVENT_RULE.list_params and not EVENT_RULE.detail_params
    assert {"criteria", "mappings"} <= EVENT_RULE.detail_only
    assert {"criteria", "ticket_matching_criteria", "mappings"} <= EVENT_RULE.unordered_lists
    assert "tickettype_name" in EVENT_RULE.server_owned[""]
    assert "eventrule_id" in EVENT_RULE.server_owned["mappings[]"]


def test_mappings_keep_their_names() -> None:
    rule = EventRule.model_validate(documents.event_rule())
    payload = rule.to_payload(lambda ref: 9)
    assert payload["mappings"] == [
        {"integration_method_value_name": "device", "field_name": "summary"}
    ]
    assert payload["tickettype_id"] == 9 and payload["template_id"] == 9
