"""``python -m accbot.simulator``: serve the fake ACC for a demo or manual testing.

The token comes from --token or ACC_API_TOKEN and is required: a simulator that accepted
anything would hide a bot that forgot to authenticate.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from accbot.simulator.server import SimulatorServer
from accbot.simulator.state import SimState


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accbot.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default=os.environ.get("ACC_API_TOKEN"))
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each request")
    parser.add_argument(
        "--run-duration", type=float, default=20.0, help="seconds a started run takes"
    )
    args = parser.parse_args(argv)
    if not args.token:
        print(
            "error: no API token: pass --token TOKEN or set ACC_API_TOKEN "
            "(the bot must send the same token)",
            file=sys.stderr,
        )
        return 2
    state = SimState(latency=args.latency, run_duration=args.run_duration)
    server = SimulatorServer(state, token=args.token, host=args.host, port=args.port)
    url = server.start()
    print(f"ACC simulator listening on {url}  (set ACC_BASE_URL={url})")
    for agent in state.agents():
        print(f"  {agent['path']:<28} {agent['agentId']}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
