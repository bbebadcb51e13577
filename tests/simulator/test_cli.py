"""``python -m accbot.simulator`` refuses to run without a token rather than accept anything."""

from __future__ import annotations

from accbot.simulator.__main__ import main
from accbot.simulator.state import SimState


def test_without_a_token_the_simulator_refuses_with_a_clear_message(monkeypatch, capsys):
    monkeypatch.delenv("ACC_API_TOKEN", raising=False)
    assert main(["--port", "0"]) == 2
    assert "ACC_API_TOKEN" in capsys.readouterr().err


def test_the_banner_lists_agents_by_their_path_as_typed():
    paths = [agent["path"] for agent in SimState().agents()]
    assert "sequentum/Test2/quick" in paths and "sequentum/Demo/prices" in paths
