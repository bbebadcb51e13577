"""Input file endpoints (CSV text, multipart upload, delete all, disable all) and the
SE server check."""

from __future__ import annotations

import io
import zipfile

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accbot.simulator.errors import bad_request
from accbot.simulator.state import SimState
from accbot.simulator.web import Fields, guid_param, json_body, json_ok, ok

_PLAIN = (".csv", ".txt")


def _unpack(name: str, content: bytes) -> dict[str, bytes]:
    """A .csv/.txt upload is stored as is; a .zip contributes each csv/txt inside it."""
    lower = name.lower()
    if lower.endswith(_PLAIN):
        return {name: content}
    if not lower.endswith(".zip"):
        raise bad_request(f"'{name}': only .csv, .txt and .zip input files are supported")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            bad = [m.filename for m in members if not m.filename.lower().endswith(_PLAIN)]
            if bad:
                raise bad_request(f"'{name}' contains files that are not .csv or .txt: {bad}")
            return {m.filename.rsplit("/", 1)[-1]: archive.read(m) for m in members}
    except zipfile.BadZipFile:
        raise bad_request(f"'{name}' is not a valid zip file") from None


def build_routes(state: SimState) -> list[Route]:
    async def add_csv(request: Request) -> Response:
        agent_id = guid_param(request, "agentId")
        name = request.query_params.get("name")
        if not name:
            raise bad_request("name is required")
        if not name.lower().endswith(".csv"):
            raise bad_request("The input data name must end with .csv")
        state.agent(agent_id)
        state.add_input(agent_id, name, await request.body())
        return ok()

    async def upload(request: Request) -> Response:
        agent_id = guid_param(request, "agentId")
        state.agent(agent_id)
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise bad_request("Input files must be uploaded as multipart/form-data")
        form = await request.form()
        stored: dict[str, bytes] = {}
        for _, value in form.multi_items():
            if isinstance(value, UploadFile):
                stored.update(_unpack(value.filename or "", await value.read()))
        if not stored:
            raise bad_request("No input files in the request")
        for name, content in stored.items():
            state.add_input(agent_id, name, content)
        return ok()

    async def delete_all(request: Request) -> Response:
        state.delete_inputs(guid_param(request, "agentId"))
        return ok()

    async def disable_all(request: Request) -> Response:
        state.disable_inputs(guid_param(request, "agentId"))
        return ok()

    async def server_check(request: Request) -> Response:
        fields = Fields(await json_body(request, required=True))
        key, ip = fields.string("key"), fields.string("ipAddress")
        port = fields.integer("port", None, 1, 65535)
        if not key or not ip or port is None:
            raise bad_request("key, ipAddress and port are required")
        fields.boolean("serverRefresh", False)
        use_ssl = fields.boolean("useSsl", False)
        return json_ok(state.check_server(key, ip, port, use_ssl))

    return [
        Route("/api/input/agent/{agentId}/csv", add_csv, methods=["POST"]),
        Route("/api/input/agent/{agentId}/files", upload, methods=["POST"]),
        Route("/api/input/agent/{agentId}", delete_all, methods=["DELETE"]),
        Route("/api/input/agent/{agentId}/disable", disable_all, methods=["POST"]),
        Route("/api/server/check", server_check, methods=["POST"]),
    ]
