from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from accbot.sas.models import (
    Bot,
    BotHistoryItem,
    HistoryPage,
    Link,
    SasRunState,
    classify,
    parse_timestamp,
)

# The response sample of GET /catalog/bots/{agentId}/history, verbatim from the document.
DOCUMENT_SAMPLE = json.loads(
    """
{
 "version": 2,
 "accept": "application/vnd.sas.metadata.bot.history",
 "count": 1,
 "start": 0,
 "limit": 10,
 "name": "history",
 "items": [
 {
 "version": 1,
 "id": "ba14bc66-8aaf-4a57-bff1-87a39774ac1a",
 "status": "completed",
 "createdBy": "sasuser",
 "creationTimeStamp": "2021-09-17T18:51:02.78Z",
 "endTimeStamp": "2021-09-17T19:16:53.213Z",
 "nEnumerated": 290,
 "nExcluded": 49,
 "nAdded": 239,
 "nUpdated": 0,
 "nRemoved": 0,
 "averageRunTime": 1550,
 "parameters": {
 "datasourceURI": "/dataSources/providers/Compute/sources/eb654570-efb4-4d61-9814-3444869805b0~fs~SASHELP"
 },
 "jobParameters": {
 "samplePercent": "20"
 },
 "links": [
 {
 "method": "GET",
 "rel": "newAssets",
 "href": "/catalog/search?type=adv&q=runId:4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab+runStatus:new",
 "uri": "/catalog/search?type=adv&q=runId:4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab+runStatus:new",
 "type": "application/vnd.sas.metadata.search.collection",
 "itemType": "application/vnd.sas.metadata.search.result"
 },
 {
 "method": "GET",
 "rel": "changedAssets",
 "href": "/catalog/search?type=adv&q=runId:4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab+runStatus:changed",
 "uri": "/catalog/search?type=adv&q=runId:4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab+runStatus:changed",
 "type": "application/vnd.sas.metadata.search.collection",
 "itemType": "application/vnd.sas.metadata.search.result"
 }
 ]
 }
 ],
 "links": [
 {
 "method": "GET",
 "rel": "self",
 "href": "/catalog/bots/ba14bc66-8aaf-4a57-bff1-87a39774ac1a/history?start=0&limit=10",
 "uri": "/catalog/bots/ba14bc66-8aaf-4a57-bff1-87a39774ac1a/history?start=0&limit=10",
 "type": "application/vnd.sas.collection",
 "itemType": "application/vnd.sas.metadata.bot.history"
 },
 {
 "method": "GET",
 "rel": "collection",
 "href": "/catalog/bots/ba14bc66-8aaf-4a57-bff1-87a39774ac1a/history",
 "uri": "/catalog/bots/ba14bc66-8aaf-4a57-bff1-87a39774ac1a/history",
 "type": "application/vnd.sas.collection",
 "itemType": "application/vnd.sas.metadata.bot.history"
 },
 {
 "method": "GET",
 "rel": "up",
 "href": "/catalog/bots/ba14bc66-8aaf-4a57-bff1-87a39774ac1a",
 "uri": "/catalog/bots/ba14bc66-8aaf-4a57-bff1-87a39774ac1a",
 "type": "application/vnd.sas.metadata.bot"
 }
 ]
}
"""
)


def test_document_sample_page_parses_every_field() -> None:
    page = HistoryPage.from_json(DOCUMENT_SAMPLE)
    assert (page.version, page.accept, page.count, page.start, page.limit, page.name) == (
        2,
        "application/vnd.sas.metadata.bot.history",
        1,
        0,
        10,
        "history",
    )
    assert [link.rel for link in page.links] == ["self", "collection", "up"]
    assert page.link("up").type == "application/vnd.sas.metadata.bot"
    assert page.link("up").item_type is None
    assert page.next_href is None

    (item,) = page.items
    assert item.version == 1
    assert item.id == "ba14bc66-8aaf-4a57-bff1-87a39774ac1a"
    assert item.status == "completed"
    assert item.state is SasRunState.SUCCEEDED
    assert item.created_by == "sasuser"
    assert item.creation_time == datetime(2021, 9, 17, 18, 51, 2, 780000, tzinfo=UTC)
    assert item.end_time == datetime(2021, 9, 17, 19, 16, 53, 213000, tzinfo=UTC)
    assert item.duration == timedelta(minutes=25, seconds=50, microseconds=433000)
    assert (item.n_enumerated, item.n_excluded, item.n_added, item.n_updated, item.n_removed) == (
        290,
        49,
        239,
        0,
        0,
    )
    assert item.average_run_time == 1550
    assert item.parameters == {
        "datasourceURI": "/dataSources/providers/Compute/sources/"
        "eb654570-efb4-4d61-9814-3444869805b0~fs~SASHELP"
    }
    assert item.job_parameters == {"samplePercent": "20"}
    assert item.run_id is None
    new_assets = item.link("newAssets")
    assert new_assets == Link(
        method="GET",
        rel="newAssets",
        href="/catalog/search?type=adv&q=runId:4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab+runStatus:new",
        uri="/catalog/search?type=adv&q=runId:4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab+runStatus:new",
        type="application/vnd.sas.metadata.search.collection",
        item_type="application/vnd.sas.metadata.search.result",
    )
    assert item.link("changedAssets").href.endswith("runStatus:changed")


def test_run_key_prefers_run_id_then_links_then_creation_time() -> None:
    sample = DOCUMENT_SAMPLE["items"][0]
    assert BotHistoryItem.from_json(sample).run_key == "4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab"
    assert BotHistoryItem.from_json({**sample, "runId": "r-1"}).run_key == "r-1"
    bare = BotHistoryItem.from_json({**sample, "links": []})
    assert bare.run_key == "ba14bc66-8aaf-4a57-bff1-87a39774ac1a@2021-09-17T18:51:02.780000+00:00"


def test_next_href_comes_from_the_next_link() -> None:
    data = {
        **DOCUMENT_SAMPLE,
        "links": [{"method": "GET", "rel": "next", "href": "/catalog/bots/x/history?start=10"}],
    }
    assert HistoryPage.from_json(data).next_href == "/catalog/bots/x/history?start=10"


def test_a_running_item_without_end_or_counts_parses() -> None:
    item = BotHistoryItem.from_json({"id": "a", "status": "running"})
    assert item.end_time is None and item.n_added is None and item.duration is None
    assert item.state is SasRunState.IN_PROGRESS


@pytest.mark.parametrize(
    "data",
    [
        {"status": "completed"},
        {"id": "a"},
        {"id": "a", "status": 3},
        {"id": "a", "status": "completed", "nAdded": "many"},
        {"id": "a", "status": "completed", "creationTimeStamp": "yesterday"},
        {"id": "a", "status": "completed", "links": [{"rel": "x"}]},
    ],
)
def test_malformed_items_are_refused(data: dict) -> None:
    with pytest.raises(ValueError):
        BotHistoryItem.from_json(data)


def test_timestamps_keep_the_zone() -> None:
    assert parse_timestamp("2021-09-17T18:51:02Z") == datetime(2021, 9, 17, 18, 51, 2, tzinfo=UTC)
    assert parse_timestamp(None) is None
    with pytest.raises(ValueError):
        parse_timestamp("2021-09-17T18:51:02")


def test_bot_is_lenient_with_extra_fields() -> None:
    bot = Bot.from_json(
        {"id": "b1", "name": "Nightly", "description": "d", "createdBy": "x", "extra": [1]}
    )
    assert (bot.id, bot.name, bot.description) == ("b1", "Nightly", "d")
    assert Bot.from_json({"id": "b2"}).name == "b2"


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("completed", SasRunState.SUCCEEDED),
        ("Completed ", SasRunState.SUCCEEDED),
        ("failed", SasRunState.FAILED),
        ("FAILURE", SasRunState.FAILED),
        ("completedWithErrors", SasRunState.FAILED),
        ("error", SasRunState.FAILED),
        ("cancelled", SasRunState.FAILED),
        ("canceled", SasRunState.FAILED),
        ("running", SasRunState.IN_PROGRESS),
        ("pending", SasRunState.IN_PROGRESS),
        ("queued", SasRunState.IN_PROGRESS),
        ("succeeded", SasRunState.UNKNOWN),
        ("paused", SasRunState.UNKNOWN),
        ("", SasRunState.UNKNOWN),
    ],
)
def test_status_classification(status: str, state: SasRunState) -> None:
    assert classify(status) is state
    assert SasRunState.classify(status) is state


AGENT_ID = "ba14bc66-8aaf-4a57-bff1-87a39774ac1a"  # the document sample's agent (and item id)


def test_in_the_history_documents_shape_a_run_is_never_identified_by_the_agents_id() -> None:
    sample = DOCUMENT_SAMPLE["items"][0]
    assert sample["id"] == AGENT_ID
    item = BotHistoryItem.from_json(sample, agent_id=AGENT_ID.upper())
    assert item.run_key == "4fa4b36a-e50a-48a5-89ea-7c9d472cb9ab"  # from the asset links
    bare = BotHistoryItem.from_json({**sample, "links": []}, agent_id=AGENT_ID)
    assert bare.run_key != AGENT_ID and bare.run_key.startswith(f"{AGENT_ID}@2021-09-17")


def test_in_the_other_catalog_samples_shape_the_items_id_is_the_run() -> None:
    run = {"id": "7c1f0e52-3a4b-4c5d-9e8f-0a1b2c3d4e5f", "status": "completed"}
    item = BotHistoryItem.from_json(run, agent_id=AGENT_ID)
    assert item.run_key == run["id"]
    with_run_id = BotHistoryItem.from_json({**run, "runId": "r-9"}, agent_id=AGENT_ID)
    assert with_run_id.run_key == "r-9"  # runId wins over everything


def test_a_page_tells_each_item_whose_history_it_is() -> None:
    page = HistoryPage.from_json(DOCUMENT_SAMPLE, agent_id=AGENT_ID)
    assert [item.agent_id for item in page.items] == [AGENT_ID]
