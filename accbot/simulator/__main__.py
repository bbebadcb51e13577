"""``python -m accbot.simulator``: serve the fake ACC (and SAS) for a demo or manual testing.

The token comes from --token or ACC_API_TOKEN and is required: a simulator that accepted
anything would hide a bot that forgot to authenticate.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from accbot.simulator.sas import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SAMPLE_AGENT_ID,
    SasSimState,
    sas_routes,
    seed_sample,
)
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
    parser.add_argument(
        "--sas-token",
        default=os.environ.get("SAS_TOKEN"),
        help="bearer token the SAS endpoints accept (default: SAS_TOKEN, else --token)",
    )
    parser.add_argument(
        "--sas-client-id", default=os.environ.get("SAS_CLIENT_ID") or DEFAULT_CLIENT_ID
    )
    parser.add_argument(
        "--sas-client-secret",
        default=os.environ.get("SAS_CLIENT_SECRET") or DEFAULT_CLIENT_SECRET,
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
    # SAS catalog agents are always served beside ACC, seeded with the document's sample.
    sas_state = SasSimState(client_id=args.sas_client_id, client_secret=args.sas_client_secret)
    seed_sample(sas_state)
    server = SimulatorServer(
        state,
        token=args.token,
        host=args.host,
        port=args.port,
        extra_routes=sas_routes(sas_state, args.sas_token or args.token),
    )
    url = server.start()
    print(f"ACC simulator listening on {url}  (set ACC_BASE_URL={url})")
    for agent in state.agents():
        print(f"  {agent['path']:<28} {agent['agentId']}")
    print(
        f"SAS catalog agents on the same address (SAS_BASE_URL={url}, OAuth client "
        f"{args.sas_client_id!r}):\n  sas:{SAMPLE_AGENT_ID}"
    )
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
