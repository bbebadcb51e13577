"""Ids stay one path segment: anything that would change the endpoint is refused."""

from __future__ import annotations

import pytest

from accbot.backend.errors import BackendError, InvalidId
from accbot.backend.paths import check_segment, expand, is_valid_segment


@pytest.mark.parametrize(
    "bad", ["", "   ", ".", "..", " .. ", "a/b", "a\\b", "a?b", "a#b", "%2e%2e", "a\nb", "a\x00b"]
)
def test_ids_that_would_change_the_url_are_refused_with_a_typed_error(bad):
    with pytest.raises(InvalidId) as info:
        expand("api/job/schedule/{id}", id=bad, what="schedule ID")
    assert isinstance(info.value, ValueError) and isinstance(info.value, BackendError)
    assert "is not a valid schedule ID" in str(info.value)
    assert not is_valid_segment(bad)


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("9040f86d-bbc1-4038-9868-501145cc2370", "9040f86d-bbc1-4038-9868-501145cc2370"),
        ("a b+c&d=e", "a%20b%2Bc%26d%3De"),
        ("...", "..."),
        (42, "42"),
    ],
)
def test_other_ids_are_percent_encoded_into_their_segment(value, segment):
    assert expand("api/run/{id}/log", id=value) == f"api/run/{segment}/log"
    assert check_segment(value) == str(value)


def test_the_error_names_the_backend():
    with pytest.raises(InvalidId) as info:
        expand("/catalog/bots/{id}/history", backend="SAS", what="SAS agent ID", id="..")
    assert info.value.backend == "SAS"
    assert info.value.value == ".."
