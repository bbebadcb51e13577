"""A server check's answer judged by ACC's own thresholds."""

from __future__ import annotations

from accbot.acc.models import ServerStatus
from accbot.watcher.server_health import OVER_THRESHOLD, UNREACHABLE, ServerFacts, assess


def _status(cpu: str = "0%, a:2%, p:20%", memory: str = "6%, a:13%, p: 23 % ", **kw):
    values = {"cpu_threshold": 100, "memory_threshold": 90, **kw}
    return ServerStatus(False, "Connection to server 10.0.0.5:8004 is successful.", cpu, memory,
                        "C:47%", **values)  # fmt: skip


def test_the_documents_sample_is_a_healthy_server() -> None:
    condition = assess(_status())
    assert condition.healthy and condition.trouble is None and condition.reasons == ()
    assert (condition.cpu_percent, condition.memory_percent) == (0.0, 6.0)


def test_usage_at_the_threshold_is_trouble() -> None:
    condition = assess(_status(cpu="100%, a:90%, p:100%"))
    assert condition.trouble == OVER_THRESHOLD
    assert condition.reasons == ("CPU 100% (threshold 100%)",)


def test_both_cpu_and_memory_over_are_both_named() -> None:
    condition = assess(_status(cpu="99.5%", memory="93%", cpu_threshold=95))
    assert condition.reasons == ("CPU 99.5% (threshold 95%)", "memory 93% (threshold 90%)")


def test_just_under_the_threshold_is_fine() -> None:
    assert assess(_status(cpu="99%", memory="89.9%")).healthy


def test_a_threshold_acc_leaves_out_is_not_checked() -> None:
    assert assess(_status(cpu="100%", cpu_threshold=None)).healthy
    assert assess(_status(memory="100%", memory_threshold=0)).healthy


def test_an_error_answer_is_an_unreachable_server_with_accs_words() -> None:
    condition = assess(ServerStatus(True, "Unable to connect to server 10.0.0.5:8004."))
    assert condition.trouble == UNREACHABLE
    assert condition.reasons == ("Unable to connect to server 10.0.0.5:8004.",)
    assert assess(ServerStatus(True, "")).reasons == ("ACC could not reach it",)


def test_a_key_acc_echoes_back_is_blanked_out_of_the_reason() -> None:
    status = ServerStatus(True, "Connection to 10.0.0.5:8004 failed: invalid API key k-123.")
    condition = assess(status, "k-123")
    assert condition.reasons == ("Connection to 10.0.0.5:8004 failed: invalid API key ***.",)


def test_server_facts_survive_their_record() -> None:
    facts = ServerFacts("se1", "10.0.0.5:8004", OVER_THRESHOLD, ("CPU 100% (threshold 100%)",))
    assert ServerFacts.of(facts.payload()) == facts
