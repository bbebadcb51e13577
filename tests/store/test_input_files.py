"""Input file names accbot uploaded: what the start form offers, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accbot.store import input_files

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
AGENT = "a2f22850-7c88-4e05-a30a-004aa980ee6c"


def test_names_are_listed_per_agent_most_recent_upload_first(database) -> None:
    with database.session() as session:
        input_files.remember(session, AGENT, ["a.csv", "b.txt"], "U1", now=T0)
        input_files.remember(session, "other", ["x.csv"], "U1", now=T0)
    with database.session() as session:
        input_files.remember(session, AGENT, ["a.csv"], "U2", now=T0 + timedelta(minutes=1))
    with database.session() as session:
        assert input_files.names(session, AGENT) == ["a.csv", "b.txt"]
        input_files.remember(session, AGENT, ["b.txt"], "U2", now=T0 + timedelta(minutes=2))
    with database.session() as session:
        assert input_files.names(session, AGENT) == ["b.txt", "a.csv"]
        assert input_files.names(session, "other") == ["x.csv"]


def test_forgetting_an_agents_inputs_leaves_the_others(database) -> None:
    with database.session() as session:
        input_files.remember(session, AGENT, ["a.csv", "b.txt"], "U1", now=T0)
        input_files.remember(session, "other", ["x.csv"], "U1", now=T0)
    with database.session() as session:
        assert input_files.forget_all(session, AGENT) == 2
    with database.session() as session:
        assert input_files.names(session, AGENT) == []
        assert input_files.names(session, "other") == ["x.csv"]
