"""What a visitor cannot do: see code, fetch notebooks, run code in a kernel, or keep a kernel after leaving."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest
from voila_helpers import channels_url, kernel_id, run_async, wait_rendered

from idpckit import catalog

pytestmark = pytest.mark.browser


def _code_lines(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines += [line.strip() for line in source.splitlines() if len(line.strip()) >= 12]
    return lines


@pytest.mark.parametrize("name", ["table1-explorer.ipynb"])
def test_no_source_code_in_the_page_and_notebooks_are_not_served(kit_server, name: str) -> None:
    html = httpx.get(kit_server.url(name), timeout=120).text
    assert "jupyter-config-data" in html  # it is the rendered page
    for line in _code_lines(catalog.notebooks_dir() / name):
        assert line not in html, f"source line visible: {line}"
    assert "cdn.jsdelivr.net" not in html  # nothing render-blocking from the internet
    for path in (f"voila/files/{name}", f"voila/static/../../{name}", f"{name}"):
        response = httpx.get(kit_server.base + path, timeout=30)
        assert response.status_code in (403, 404) or "nbformat" not in response.text, path
    contents = httpx.get(kit_server.base + f"voila/api/contents/{name}?content=1", timeout=30)
    assert contents.status_code in (403, 404) or json.loads(contents.text).get("content") is None


async def _send_over_kernel_websocket(base: str, kid: str, marker: Path) -> list[str]:
    """Send an execute_request (must be dropped) and a kernel_info_request (must be answered)."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
    from tornado.websocket import websocket_connect

    from idpckit.serve.guards import V1_PROTOCOL, v1_parts

    url = channels_url(base, kid)
    ws = await websocket_connect(url, subprotocols=[V1_PROTOCOL])  # as Voilà's page does
    session = uuid.uuid4().hex

    def message(msg_type: str, content: dict) -> bytes:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "visitor", "session": session,
                  "date": "2026-01-01T00:00:00Z", "version": "5.3"}  # fmt: skip
        parts = [json.dumps(p).encode() for p in (header, {}, {}, content)]
        return serialize_msg_to_ws_v1(parts, "shell")

    code = f"open({str(marker)!r}, 'w').write('ran')"
    await ws.write_message(message("execute_request", {"code": code, "silent": False, "store_history": False,
                                                       "user_expressions": {}, "allow_stdin": False}), binary=True)  # fmt: skip
    await ws.write_message(message("kernel_info_request", {}), binary=True)
    replies: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "kernel_info_reply" not in replies:
        raw = await asyncio.wait_for(ws.read_message(), timeout=20)
        if raw is None:
            break
        parts = v1_parts(raw) if isinstance(raw, bytes) else None
        if parts:
            replies.append(json.loads(parts[1])["msg_type"])
    await asyncio.sleep(2)  # give a (wrongly) accepted execute_request time to run
    ws.close()
    return replies


def test_a_visitor_cannot_run_code_through_the_kernel_connection(kit_server, tmp_path: Path) -> None:
    html = httpx.get(kit_server.url("table1-explorer.ipynb"), timeout=120).text
    kid = re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)
    marker = tmp_path / "visitor-code-ran.txt"
    replies = run_async(_send_over_kernel_websocket(kit_server.base, kid, marker))
    assert "kernel_info_reply" in replies  # the connection works ...
    assert "execute_reply" not in replies and "execute_input" not in replies
    assert not marker.exists()  # ... but code sent over it never runs
    assert "not allowed" in kit_server.log() or "execute_request" in kit_server.log()


def test_closing_the_tab_stops_its_kernel(kit_server, page) -> None:
    page.goto(kit_server.url("table1-explorer.ipynb"))
    wait_rendered(page)
    kid = kernel_id(page)
    assert kid in kit_server.kernel_processes()
    page.close(run_before_unload=True)

    def known_to_server() -> bool:
        return httpx.get(kit_server.base + f"api/kernels/{kid}", timeout=10).status_code != 404

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (known_to_server() or kid in kit_server.kernel_processes()):
        time.sleep(0.25)
    assert not known_to_server(), "the server still lists the kernel of a closed tab"
    assert kid not in kit_server.kernel_processes(), "the kernel of a closed tab is still running"


async def _send_oversized(base: str, kid: str, size: int) -> str:
    """Send one websocket message of ``size`` bytes; return how the server ended the connection."""
    from tornado.websocket import WebSocketClosedError, websocket_connect

    from idpckit.serve.guards import V1_PROTOCOL

    url = channels_url(base, kid)
    ws = await websocket_connect(url, subprotocols=[V1_PROTOCOL])
    try:
        await ws.write_message(b"x" * size, binary=True)
    except WebSocketClosedError:
        return "closed while sending"
    message = await asyncio.wait_for(ws.read_message(), timeout=30)
    while message is not None:  # kernel status messages may come first
        message = await asyncio.wait_for(ws.read_message(), timeout=30)
    return f"closed with code {ws.close_code}"


def test_oversized_uploads_and_request_bodies_are_refused(kit_server) -> None:
    from idpckit import serve

    html = httpx.get(kit_server.url("table1-explorer.ipynb"), timeout=120).text
    kid = re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)
    ending = run_async(_send_oversized(kit_server.base, kid, serve.WS_MAX_MESSAGE_BYTES + 1))
    # "Message too big": the server drops the connection instead of buffering the message.
    assert ending in ("closed while sending", "closed with code 1009"), ending
    # A request announcing a body over the limit is answered 400 before any of it is read.
    with socket.create_connection(("127.0.0.1", kit_server.port), timeout=10) as raw:
        raw.sendall(
            f"POST /voila/api/shutdown/{kid} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: {serve.MAX_BODY_BYTES + 1}\r\n\r\n".encode()
        )
        assert raw.recv(200).startswith(b"HTTP/1.1 400")
    assert httpx.get(kit_server.base, timeout=10).status_code == 200  # the server carries on
