from __future__ import annotations

import pytest

from accbot.sas.filters import HISTORY_FILTER_FIELDS, and_, eq, quote


def test_eq_quotes_the_value() -> None:
    assert eq("status", "failed") == "eq(status,'failed')"
    assert eq("runId", "4fa4b36a") == "eq(runId,'4fa4b36a')"


def test_single_quotes_inside_values_are_doubled() -> None:
    assert quote("it's") == "'it''s'"
    assert eq("status", "it's') or eq(status,'x") == "eq(status,'it''s'') or eq(status,''x')"


def test_and_combines_filters() -> None:
    combined = and_(eq("status", "failed"), eq("id", "a"))
    assert combined == "and(eq(status,'failed'),eq(id,'a'))"
    assert and_(eq("status", "failed")) == "eq(status,'failed')"
    with pytest.raises(ValueError):
        and_()


def test_only_documented_history_fields_are_accepted() -> None:
    assert HISTORY_FILTER_FIELDS == {"id", "status", "runId"}
    with pytest.raises(ValueError, match="createdBy"):
        eq("createdBy", "sasuser")
    assert eq("name", "x", fields={"name"}) == "eq(name,'x')"
