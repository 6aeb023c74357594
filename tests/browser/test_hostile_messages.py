"""Kernel messages a hostile visitor writes by hand, against a real ``idpckit serve``.

Raw websocket clients, no Chromium: each attack is one connection to a page's kernel, as
Voilà's page would open it (the v1 protocol), sending what no page sends.  What must hold:
the connection that sent it is closed, the server and the kernel keep serving, and the
server's log holds neither a traceback nor what the visitor sent.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from voila_helpers import channels_url, frames, run_async

from idpckit.serve.guards import V1_PROTOCOL, v1_frame, v1_parts

pytestmark = pytest.mark.browser

LESSON = "00-start-here.ipynb"  # a lesson: its kernel is started for this test alone


def _header(msg_type: str) -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": uuid.uuid4().hex, "username": "visitor"}
    return json.dumps({**header, "date": "2026-01-01T00:00:00Z", "version": "5.3"}).encode()


def _frame(channel: bytes, header: bytes, content: bytes = b"{}") -> bytes:
    return v1_frame([channel, header, b"{}", b"{}", content])


async def _send(base: str, kid: str, frame: bytes) -> list[str]:
    """Send ``frame``, then a kernel_info_request; what came back (message types, or 'closed CODE')."""
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(channels_url(base, kid), subprotocols=[V1_PROTOCOL])
    await ws.write_message(frame, binary=True)
    seen: list[str] = []
    try:
        await ws.write_message(_frame(b"shell", _header("kernel_info_request")), binary=True)
    except Exception:  # already closed by the server
        seen.append("closed while sending")
    async for raw in frames(ws, 6):
        if raw is None:
            seen.append(f"closed {ws.close_code}")
            break
        header = json.loads(v1_parts(raw)[1]) if isinstance(raw, bytes) and v1_parts(raw) else {}
        seen.append(header.get("msg_type", "?"))
        if "kernel_info_reply" in seen:
            break
    ws.close()
    return seen


MARK = "zq" * 8  # in every hostile part, so the test can look for it in the log
ATTACKS = {
    "a channel name of 1 MB": _frame(MARK.encode() * 62_500, _header("kernel_info_request")),
    "a message type of 1 MB": _frame(b"shell", json.dumps({"msg_type": MARK * 62_500}).encode()),
    "a header that is not JSON": _frame(b"shell", b"\xff\xfe" + MARK.encode()),
    "a content that is not UTF-8": _frame(b"shell", _header("comm_msg"), b"\xff\xfe" + MARK.encode()),
}


@pytest.fixture(scope="module")
def kid(kit_server) -> str:
    """One lesson page's kernel, shared by the attacks (each on a connection of its own)."""
    html = httpx.get(kit_server.url(LESSON), timeout=120).text
    return html.split('"kernelId": "', 1)[1][:36]


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_malformed_kernel_message_closes_its_connection_and_leaves_nothing_in_the_log(
    kit_server, kid: str, attack: str
) -> None:
    before = len(kit_server.log())
    seen = run_async(_send(kit_server.base, kid, ATTACKS[attack]))
    assert "kernel_info_reply" not in seen and seen[-1] in ("closed 1003", "closed while sending"), seen
    # The kernel still serves a proper client, and the server still answers pages.
    assert "kernel_info_reply" in run_async(_send(kit_server.base, kid, _frame(b"shell", _header("comm_info_request"))))
    assert httpx.get(kit_server.base, timeout=30).status_code == 200
    added = kit_server.log()[before:]
    assert "Closed a kernel connection that sent" in added
    assert "Traceback" not in added and MARK not in added, added[-3000:]
