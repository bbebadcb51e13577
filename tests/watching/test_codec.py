"""An alert's record keeps the observed run as JSON data and reads back the same run."""

from __future__ import annotations

import json

import pytest

from accbot.acc.models import AgentRun, JobRun
from accbot.sas.models import BotHistoryItem
from accbot.watching.acc import job_observation, run_observation
from accbot.watching.codec import UnreadableRecord, decode_observation, encode_observation
from accbot.watching.observation import Observation
from accbot.watching.sas import SasRun, sas_observation


def round_trip(observation: Observation) -> Observation:
    stored = json.dumps(encode_observation(observation))  # what the database holds
    return decode_observation(json.loads(stored))


def test_an_acc_run_reads_back_equal_with_its_times_durations_and_parameters():
    run = AgentRun.from_json(
        {
            "agentRunHistoryId": "9040f86d-bbc1-4038-9868-501145cc2370",
            "agentId": "a2f22850-7c88-4e05-a30a-004aa980ee6c",
            "status": 5,
            "startTime": "2026-11-30T10:00:00+01:00",
            "endTime": "2026-11-30T10:01:02.5+01:00",
            "runTime": "00:01:02.5000000",
            "errors": 3,
            "statusMessage": "Page <b>timed</b> out",
            "inputParameters": '{"city": "Oslo"}',
            "runId": 4,
        }
    )
    back = round_trip(run_observation(run))
    assert back == run_observation(run)
    assert back.original.run_time.total_seconds() == 62.5
    assert back.original.input_parameters == {"city": "Oslo"}


def test_a_job_run_and_a_sas_run_read_back_equal():
    job = JobRun.from_json(
        {"agentJobHistoryId": "j-1", "agentId": "a-1", "status": 4, "agentJobSetting": {"x": [1]}}
    )
    assert round_trip(job_observation(job)) == job_observation(job)
    item = BotHistoryItem.from_json(
        {
            "id": "ba14bc66-8aaf-4a57-bff1-87a39774ac1a",
            "status": "failed",
            "creationTimeStamp": "2026-11-30T10:00:00Z",
            "links": [{"method": "GET", "rel": "up", "href": "/catalog/bots/ba14bc66"}],
        }
    )
    sas = sas_observation(item.id, SasRun(item, "Discovery", "https://sas.example.com"))
    assert round_trip(sas) == sas


def test_a_record_naming_an_unknown_run_model_is_refused_not_guessed():
    stored = encode_observation(Observation("acc", "run", "a", "r", "Failed", True, True, False))
    stored["original"] = {"type": "ftp_run", "fields": {}}
    with pytest.raises(UnreadableRecord):
        decode_observation(stored)
    with pytest.raises(UnreadableRecord):
        encode_observation(
            Observation("acc", "run", "a", "r", "Failed", True, True, False, original=object())
        )
