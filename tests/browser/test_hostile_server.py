"""A hostile visitor against a real ``idpckit serve``: websocket framing, Host headers, query sockets, error pages.

Each test that could take the server down runs against a private server of its own
(``private_server``), watched: if it stops answering or grows, it is killed and the test fails.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from serve_helpers import REPO, free_port, start_serve, stop_serve  # tests/: the one way to run idpckit serve
from voila_helpers import channels_url, frames
from voila_helpers import run_async as _run  # also test_busy_server's

from idpckit.serve import guards as serve_guards

pytestmark = pytest.mark.browser

IMAGE_BYTES = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


class Server:
    def __init__(self, proc: subprocess.Popen, port: int, log: Path) -> None:
        self.proc, self.port, self.log_path = proc, port, log
        self.base = f"http://127.0.0.1:{port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 1e6

    def answers(self, timeout: float = 5.0) -> bool:
        try:
            return httpx.get(self.base, timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def kernel_id(self, notebook: str = "table1-explorer.ipynb") -> str:
        html = httpx.get(f"{self.base}voila/render/{notebook}", timeout=120).text
        return re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)


def start_server(tmp_path: Path, *args: str) -> Server:
    """A private ``idpckit serve`` with its own store in ``tmp_path``, for a test that may take it down."""
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    return Server(start_serve(["--store", str(tmp_path / "r.sqlite"), *args], port, log), port, log)


def stop_server(server: Server) -> None:
    """Stop it; at once (SIGKILL) if it no longer answers, as a frozen server would not heed SIGTERM."""
    stop_serve(server.proc, at_once=server.proc.poll() is None and not server.answers(2))


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path, "--no-preheat")
    try:
        yield server
    finally:
        stop_server(server)


def _msg(session: str, msg_type: str, content: dict, buffers: list[bytes] | None = None, version: str = "") -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "visitor", "session": session,
              "date": "2026-01-01T00:00:00Z", "version": "5.3"}  # fmt: skip
    metadata = {"version": version} if version else {}
    return {"header": header, "parent_header": {}, "metadata": metadata, "content": content, "channel": "shell",
            "buffers": buffers or []}  # fmt: skip


def _reproduction(session: str) -> list[dict]:
    """An Image widget comm with a buffer, then request_states on the widget control comm."""
    image = uuid.uuid4().hex
    control = uuid.uuid4().hex
    state = {"_model_name": "ImageModel", "_model_module": "@jupyter-widgets/controls",
             "_model_module_version": "2.0.0", "_view_name": "ImageView",
             "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0",
             "format": "png", "width": "", "height": ""}  # fmt: skip
    return [
        _msg(
            session,
            "comm_open",
            {"comm_id": image, "target_name": "jupyter.widget", "data": {"state": state, "buffer_paths": [["value"]]}},
            [IMAGE_BYTES],
            "2.1.0",
        ),
        _msg(
            session,
            "comm_open",
            {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
            version="1.0.0",
        ),
        # Twice: the first can fail in the kernel ("dictionary changed size during iteration"),
        # when building the states creates a widget.
        *(_msg(session, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}}) for _ in range(2)),
    ]


async def _legacy_client(base: str, kid: str) -> str:
    """A websocket client without the v1 subprotocol sends the reproduction; returns what happened."""
    from jupyter_server.services.kernels.connection.base import serialize_binary_message
    from tornado.httpclient import HTTPClientError
    from tornado.websocket import websocket_connect

    try:
        ws = await websocket_connect(channels_url(base, kid))
    except HTTPClientError as exc:
        return f"refused {exc.code}"
    for m in _reproduction(uuid.uuid4().hex):
        await ws.write_message(serialize_binary_message(m), binary=True)
    await asyncio.sleep(1)
    ws.close()
    return "connected"


def _v1(m: dict) -> bytes:
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    parts = [json.dumps(m[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    return serialize_msg_to_ws_v1(parts + list(m["buffers"]), m["channel"])


async def _v1_client(base: str, kid: str, extra: bytes | None = None) -> list[str]:
    """The same reproduction over the v1 protocol (Voilà's page speaks it); returns the message types seen."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import WebSocketClosedError, websocket_connect

    url = channels_url(base, kid)
    ws = await websocket_connect(HTTPRequest(url), subprotocols=[serve_guards.V1_PROTOCOL])
    try:
        if extra is not None:
            await ws.write_message(extra, binary=True)
        for m in _reproduction(uuid.uuid4().hex):
            await ws.write_message(_v1(m), binary=True)
    except WebSocketClosedError:
        return ["closed"]
    seen: list[str] = []
    async for raw in frames(ws, 20):
        if raw is None:
            seen.append("closed")
            break
        parts = serve_guards.v1_parts(raw) if isinstance(raw, bytes) else None
        header = json.loads(parts[1]) if parts else {}
        content = json.loads(parts[4]) if parts else {}
        seen.append(header.get("msg_type", "?") + ":" + str(content.get("data", {}).get("method", "")))
        if any(s.endswith("update_states") for s in seen):
            break
    ws.close()
    return seen


def _watch(server: Server, seconds: float = 6.0) -> tuple[bool, float]:
    """Whether the server kept answering for ``seconds``, and how much it grew (MB)."""
    before = server.rss_mb()
    end = time.monotonic() + seconds
    ok = True
    while time.monotonic() < end and ok:
        ok = server.answers(timeout=3)
        grown = server.rss_mb() - before
        ok = ok and grown < 100
        time.sleep(0.5)
    return ok, server.rss_mb() - before


def test_the_websocket_freeze_reproduction_leaves_the_server_answering(private_server: Server) -> None:
    kid = private_server.kernel_id()
    outcome = _run(_legacy_client(private_server.base, kid))
    ok, grown = _watch(private_server)
    assert ok, f"the server froze or grew by {grown:.0f} MB after a client without the v1 protocol ({outcome})"
    assert outcome == "refused 400", outcome  # Voilà's own page always asks for v1
    assert grown < 30, grown
    assert "without the v1.kernel.websocket.jupyter.org protocol" in private_server.log()

    # Voilà's page speaks v1: the same messages work there, and the binary reply is delivered.
    seen = _run(_v1_client(private_server.base, kid))
    assert any(s.endswith("update_states") for s in seen), seen
    ok, grown = _watch(private_server, 3)
    assert ok and grown < 30, grown


def test_a_v1_frame_announcing_a_huge_count_closes_only_that_connection(private_server: Server) -> None:
    kid = private_server.kernel_id()
    hostile = (2**60).to_bytes(8, "little") + b"\0" * 64  # jupyter_server would build 2**60 offsets
    seen = _run(_v1_client(private_server.base, kid, extra=hostile))
    assert seen == ["closed"], seen
    ok, grown = _watch(private_server, 4)
    assert ok and grown < 30, grown
    seen = _run(_v1_client(private_server.base, kid))  # the kernel still serves a proper client
    assert any(s.endswith("update_states") for s in seen), seen


def test_foreign_host_headers_are_refused_on_pages_and_websockets(kit_server) -> None:
    for host in ("evil.example", "evil.example:80", f"127.0.0.1.evil.example:{kit_server.port}"):
        r = httpx.get(kit_server.base, headers={"Host": host}, timeout=30)
        assert r.status_code == 421 and "does not answer to that name" in r.text, host
        r = httpx.get(kit_server.url("table1-explorer.ipynb"), headers={"Host": host}, timeout=30)
        assert r.status_code == 421 and "kernelId" not in r.text
    kid = "0" * 8 + "-0000-0000-0000-" + "0" * 12
    with socket.create_connection(("127.0.0.1", kit_server.port), timeout=10) as raw:
        raw.sendall(
            f"GET /api/kernels/{kid}/channels HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: {serve_guards.V1_PROTOCOL}\r\n\r\n".encode()
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 421")
    for host in (f"127.0.0.1:{kit_server.port}", f"localhost:{kit_server.port}", f"[::1]:{kit_server.port}"):
        assert httpx.get(kit_server.base, headers={"Host": host}, timeout=30).status_code == 200, host


def test_allow_host_admits_a_room_name(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--no-preheat", "--host", "127.0.0.1", "--allow-host", "kit.lan")
    try:
        assert httpx.get(server.base, headers={"Host": f"kit.lan:{server.port}"}, timeout=30).status_code == 200
        assert httpx.get(server.base, headers={"Host": "other.lan"}, timeout=30).status_code == 421
    finally:
        stop_server(server)


def test_errors_and_logout_answer_in_plain_words(kit_server) -> None:
    for path, status in (("logout", 200), ("voila/templates/nonexist/x.js", 404), ("voila/templates/x", 404),
                         ("login", 404), ("no/such/page", 404)):  # fmt: skip
        r = httpx.get(kit_server.base + path, timeout=30)
        assert r.status_code == status, (path, r.status_code)
        assert "<h1>" in r.text and "Traceback" not in r.text and "500" not in r.text, path
        assert "site-packages" not in r.text and "/work/" not in r.text


async def _query_attack(base: str, fake: str) -> str:
    from tornado.httpclient import HTTPClientError
    from tornado.websocket import websocket_connect

    url = base.replace("http://", "ws://") + f"voila/query/{fake}"
    opened = []
    try:
        opened.append(await websocket_connect(url))
        opened.append(await websocket_connect(url))
    except HTTPClientError as exc:
        return f"refused {exc.code}"
    finally:
        for ws in reversed(opened):
            ws.close()
        await asyncio.sleep(0.3)
    return "accepted"


def test_query_sockets_only_for_kernels_the_server_started(kit_server) -> None:
    """Two sockets on a made-up id, one closed: Voilà 0.5.13 then deleted another visitor's waiter.

    (Its on_close deletes the last entry it looked at when the closing socket is not found, so
    the next preheated visitor's ``?code=`` never reached their kernel.)
    """
    assert _run(_query_attack(kit_server.base, str(uuid.uuid4()))) == "refused 404"
    assert _run(_query_attack(kit_server.base, kit_server_kernel(kit_server))) == "refused 409"


def kit_server_kernel(kit_server) -> str:
    """A kernel of the server's, with its page's query socket taken (as a preheated page does)."""
    html = httpx.get(kit_server.url("table1-explorer.ipynb"), timeout=120).text
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)


async def _provoke_kernel_errors(base: str, kid: str) -> bytes:
    """Messages that make the kernel raise (a widget comm of the wrong protocol, a message to no comm)."""
    from tornado.websocket import websocket_connect

    url = channels_url(base, kid)
    ws = await websocket_connect(url, subprotocols=[serve_guards.V1_PROTOCOL])
    session = uuid.uuid4().hex
    bad = [
        _msg(session, "comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget", "data": {}}),
        _msg(session, "comm_msg", {"comm_id": uuid.uuid4().hex, "data": {"method": "update", "state": {}}}),
        _msg(session, "comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "no.such.target", "data": {}}),
    ]
    for m in bad:
        await ws.write_message(_v1(m), binary=True)
    received = b""
    async for raw in frames(ws, 8):
        if raw is not None:
            received += raw if isinstance(raw, bytes) else raw.encode()
    ws.close()
    return received


def test_kernel_tracebacks_stay_in_the_log(private_server: Server) -> None:
    kid = private_server.kernel_id()
    received = _run(_provoke_kernel_errors(private_server.base, kid))
    assert b"status" in received  # the kernel answered ...
    for leak in (b"Traceback", b"site-packages", b'File "/', str(REPO).encode()):
        assert leak not in received, leak  # ... but the page saw no traceback or server path
    assert "Traceback" in private_server.log()  # the trainer's log keeps the detail
