"""The served kit's refusals as pure rules: websocket framing, Host names, plain-words pages.

The same rules against a real server are in tests/browser/test_hostile_server.py.
"""

from __future__ import annotations

import json
import struct
import time
import tracemalloc

import pytest
from jupyter_server.services.kernels.connection.base import serialize_binary_message, serialize_msg_to_ws_v1

from idpckit import serve
from idpckit.serve import guards


def _v1(msg_type: str, content: dict, buffers: tuple[bytes, ...] = ()) -> bytes:
    parts = [json.dumps(p).encode() for p in ({"msg_type": msg_type}, {}, {}, content)]
    return serialize_msg_to_ws_v1(parts + list(buffers), "iopub")


def test_v1_frames_round_trip_and_match_jupyter_servers_layout() -> None:
    frame = _v1("comm_msg", {"data": {"method": "update_states"}}, (b"\x89PNG", b""))
    parts = guards.v1_parts(frame)
    assert parts is not None and parts[0] == b"iopub" and parts[5:] == [b"\x89PNG", b""]
    assert guards.v1_frame(parts) == frame
    assert guards.v1_header(parts) == {"msg_type": "comm_msg"}


@pytest.mark.parametrize(
    "frame",
    [
        # The freeze: the old framing (4-byte big-endian count) of a message with a buffer.
        serialize_binary_message(
            {"header": {}, "parent_header": {}, "metadata": {}, "content": {}, "buffers": [b"\x89PNG" * 10]}
        ),
        (2**60).to_bytes(8, "little") + b"\0" * 64,  # a huge count
        (6).to_bytes(8, "little") + (10**12).to_bytes(8, "little") * 6,  # offsets past the end
        (3).to_bytes(8, "little") + struct.pack("<QQQ", 32, 40, 36) + b"x" * 8,  # offsets going back
        b"",
        b"short",
    ],
)
def test_malformed_frames_are_rejected_at_once_without_allocating(frame: bytes) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert guards.v1_parts(frame) is None
        assert guards.scrub_outgoing(frame)[0] is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 0.1 and peak < 1_000_000


def _parts(channel: bytes, header: bytes, content: bytes = b"{}") -> bytes:
    return guards.v1_frame([channel, header, b"{}", b"{}", content])


HEADER = json.dumps({"msg_id": "1", "msg_type": "comm_msg", "session": "s", "username": "u"}).encode()


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (_parts(b"c" * 1_000_000, HEADER), "an unknown channel (1000000 bytes)"),
        (_parts(b"shell", b"\xff\xfe not json"), "a header that is not JSON"),
        (_parts(b"shell", b"[1, 2]"), "a header that is not a JSON object"),
        (_parts(b"shell", json.dumps({"msg_type": "t" * 1_000_000}).encode()), "a header without a short message type"),
        (_parts(b"shell", json.dumps({"msg_type": 7}).encode()), "a header without a short message type"),
        (_parts(b"shell", HEADER, b"\xff\xfe\x00"), "a content that is not JSON"),
        (_parts(b"shell", HEADER, b"[" * 200_000 + b"]" * 200_000), "a content that is not JSON"),
        (guards.v1_frame([b"shell", HEADER]), "too few parts for a kernel message"),
        ('{"channel": "shell"}', "a text frame (pages send binary ones)"),
        (b"x" * 64, "not a v1 kernel message"),
    ],
)
def test_a_message_jupyter_server_would_log_whole_or_raise_on_is_refused_without_quoting_it(
    frame: bytes | str, reason: str
) -> None:
    # jupyter_server logged an unknown channel or message type whole (8 MB a line at most, each
    # message), and a header that is not JSON left a traceback in the server's log.
    assert guards.incoming_problem(frame) == reason


def test_what_voilas_page_sends_passes_the_incoming_check() -> None:
    header = {"msg_id": "a", "msg_type": "comm_msg", "session": "s", "username": "", "date": "", "version": "5.3"}
    content = {"comm_id": "c", "data": {"method": "update", "state": {"value": "Kenya"}, "buffer_paths": []}}
    for channel in ("shell", "control"):
        frame = guards.v1_frame([channel.encode(), *(json.dumps(p).encode() for p in (header, {}, {}, content))])
        assert guards.incoming_problem(frame) is None
        with_buffer = guards.v1_frame([*guards.v1_parts(frame), b"\x89PNG"])  # an upload's bytes
        assert guards.incoming_problem(with_buffer) is None


def test_outgoing_errors_and_stderr_say_words_and_the_log_gets_the_detail() -> None:
    traceback = ["Traceback (most recent call last):", '  File "/srv/site-packages/ipywidgets/widget.py"']
    frame, removed = guards.scrub_outgoing(_v1("error", {"ename": "ValueError", "evalue": "x", "traceback": traceback}))
    parts = guards.v1_parts(frame)
    content = json.loads(parts[4])
    assert content["traceback"] == [guards.TRACEBACK_WORDS] and "site-packages" not in frame.decode("latin-1")
    assert "site-packages" in removed
    frame, removed = guards.scrub_outgoing(_v1("stream", {"name": "stderr", "text": "/srv/app.py:3: Warning"}))
    assert frame is None and "/srv/app.py" in removed
    ok = _v1("stream", {"name": "stdout", "text": "hello"})
    assert guards.scrub_outgoing(ok) == (ok, "")
    assert guards.scrub_outgoing(_v1("execute_input", {"code": "secret()"}))[0] is None
    status = _v1("status", {"execution_state": "idle"})
    assert guards.scrub_outgoing(status) == (status, "")


def test_host_names_allowed() -> None:
    local = guards.allowed_hosts("127.0.0.1")
    for ok in ("127.0.0.1:8866", "localhost", "LOCALHOST:80", "[::1]:8866", "localhost."):
        assert guards.host_allowed(ok, local, "127.0.0.1"), ok
    for bad in ("evil.example", "127.0.0.1.evil.example", "192.168.1.5:8866", "", None, "localhost.evil:80"):
        assert not guards.host_allowed(bad, local, "127.0.0.1"), bad
    room = guards.allowed_hosts("0.0.0.0", ["kit.lan"])
    assert guards.host_allowed("kit.lan:8866", room, "0.0.0.0")
    assert guards.host_allowed("192.168.1.5:8866", room, "0.0.0.0")  # a room types the machine's address
    assert not guards.host_allowed("attacker.example", room, "0.0.0.0")
    assert not guards.host_allowed("8.8.8.8", room, "0.0.0.0")  # a rebinding name resolves elsewhere, never to us
    assert guards.host_allowed("10.0.0.2", guards.allowed_hosts("10.0.0.2"), "10.0.0.2")


def test_error_pages_are_plain_words_and_escape_the_base_url() -> None:
    page = guards.error_page(404, '/"><script>')
    assert "There is no page at this address" in page and "<script>" not in page
    assert "Something went wrong" in guards.error_page(500)


def test_the_config_waits_for_output_as_long_as_a_cell_may_run_and_hides_tracebacks() -> None:
    from idpckit import catalog

    c = serve.voila_config(serve.Options(), catalog.catalog())
    assert c.VoilaExecutor.iopub_timeout == c.VoilaExecutor.timeout == serve.CELL_TIMEOUT_S
    assert c.MappingKernelManager.allow_tracebacks is False


def test_room_size_states_its_memory_and_is_refused_when_the_machine_cannot_hold_it() -> None:
    from idpckit.serve import capacity

    room = capacity.plan(30, 3, available=24_000)
    assert room.ready == 90 and room.ready_mb == 90 * capacity.KERNEL_MB
    assert "90 kernels, about 13.5 GB of memory" in room.describe() and "24.0 GB available" in room.describe()
    assert room.max_kernels >= 92  # the ready kernels plus visitors beyond them
    with pytest.raises(capacity.CapacityError, match=r"about 13\.5 GB of memory, but this machine has only 4\.0 GB"):
        capacity.plan(30, 3, available=4_000)
    with pytest.raises(capacity.CapacityError, match="leaves no room for visitors"):
        capacity.plan(30, 3, max_kernels=50, available=24_000)
    assert capacity.plan(1, 3, available=8_000).max_kernels == capacity.default_max_kernels(8_000)


def test_serve_refuses_a_room_the_machine_cannot_hold_before_starting(tmp_path) -> None:
    import socket

    from click.testing import CliRunner

    from idpckit.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [
        "serve",
        "--no-browser",
        "--port",
        str(port),
        "--store",
        str(tmp_path / "r.sqlite"),
        "--room-size",
        "100000",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--room-size 100000 would keep" in result.output and "Use --room-size" in result.output


def test_room_size_sets_every_apps_pool() -> None:
    from idpckit import catalog

    c = serve.voila_config(serve.Options(room_size=7), catalog.catalog())
    pools = c.VoilaKernelManager.kernel_pools_config
    assert {v["pool_size"] for k, v in pools.items() if k != "default"} == {7}


# --------------------------------------------------------------------------- the visitor's address


def test_a_visitors_own_forwarded_for_header_is_never_believed() -> None:
    # Served directly (a room on a LAN): the header is the visitor's own writing.
    assert guards.client_address("192.168.1.23", "203.0.113.9") == "192.168.1.23"
    assert guards.client_address("::ffff:192.168.1.23", None) == "192.168.1.23"
    # A trusted proxy is not any proxy: a LAN peer with the header is still the peer.
    lo = guards.trusted_networks("127.0.0.1,::1")
    assert guards.client_address("192.168.1.23", "127.0.0.1", lo) == "192.168.1.23"
    assert guards.client_address("garbage", "203.0.113.9", lo) == "unknown"


def test_behind_a_trusted_proxy_the_address_it_appended_is_the_visitor() -> None:
    lo = guards.trusted_networks(["127.0.0.1", "::1"])
    # configurable-http-proxy appends the address it saw; whatever the visitor sent stays to its left.
    assert guards.client_address("127.0.0.1", "198.51.100.4", lo) == "198.51.100.4"
    assert guards.client_address("127.0.0.1", "1.2.3.4, 6.6.6.6, 198.51.100.4", lo) == "198.51.100.4"
    assert guards.client_address("::1", "::ffff:198.51.100.4", lo) == "198.51.100.4"
    # Two trusted hops (a TLS proxy on 10.0.0.2 in front of the hub's proxy): skip both.
    two = guards.trusted_networks("127.0.0.1,10.0.0.0/24")
    assert guards.client_address("127.0.0.1", "6.6.6.6, 198.51.100.4, 10.0.0.2", two) == "198.51.100.4"
    # A hop that wrote nonsense is not trusted past it; a visitor on the proxy's own machine is that machine.
    assert guards.client_address("127.0.0.1", "198.51.100.4, not-an-address", lo) == "127.0.0.1"
    assert guards.client_address("127.0.0.1", "127.0.0.1", lo) == "127.0.0.1"
    assert guards.client_address("127.0.0.1", None, lo) == "127.0.0.1"


def test_a_bad_trusted_proxy_is_named() -> None:
    with pytest.raises(ValueError, match=r"'hub\.lan' is not an address or a network"):
        guards.trusted_networks("127.0.0.1, hub.lan")


def test_the_server_replaces_a_client_header_the_visitor_sent() -> None:
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    headers = HTTPHeaders({"Host": "localhost", "X-Idpckit-Client": "10.9.9.9", "X-Forwarded-For": "10.8.8.8"})
    headers.add("X-Idpckit-Client", "10.7.7.7")
    req = HTTPServerRequest(start_line=RequestStartLine("GET", "/", "HTTP/1.1"), headers=headers)
    req.remote_ip = "192.168.1.23"
    guards.set_client_header(req)
    assert req.headers.get_list("X-Idpckit-Client") == ["192.168.1.23"]
    # ... and Voilà is told to hand exactly that header to the page's kernel.
    assert guards.CLIENT_HEADER in serve.voila_config(serve.Options(), []).VoilaConfiguration.http_header_envs


def test_under_jupyterhub_the_extension_sets_the_address_the_hubs_proxy_saw(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub's single-user servers enable idpckit.serve.guards as a server extension (jupyter_server_config.py)."""
    import logging
    from types import SimpleNamespace

    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine
    from tornado.web import Application

    monkeypatch.setenv(guards.TRUSTED_PROXIES_ENV, "127.0.0.1,::1")
    app = Application()
    guards._load_jupyter_server_extension(SimpleNamespace(web_app=app, log=logging.getLogger("test")))

    def seen(peer: str, forwarded: str) -> str:
        headers = HTTPHeaders({"Host": "localhost", "X-Forwarded-For": forwarded, guards.CLIENT_HEADER: "10.6.6.6"})
        req = HTTPServerRequest(
            start_line=RequestStartLine("GET", "/user/a/voila/render/x", "HTTP/1.1"), headers=headers
        )
        req.remote_ip = peer
        app.find_handler(req)
        return req.headers[guards.CLIENT_HEADER]

    assert seen("127.0.0.1", "10.9.9.9, 198.51.100.4") == "198.51.100.4"  # the proxy's entry, not the visitor's
    assert seen("192.168.1.50", "198.51.100.4") == "192.168.1.50"  # not through the proxy: the header is ignored
    from pathlib import Path

    config = Path(__file__).resolve().parents[1] / "workshop/hosting/jupyterhub/single-user/jupyter_server_config.py"
    assert '"idpckit.serve.guards": True' in config.read_text(encoding="utf-8")


def test_error_pages_speak_the_visitors_language_and_keep_it_in_their_link() -> None:
    page = guards.error_page(404, "/", lang="fr")
    assert '<html lang="fr">' in page and "Il n&#x27;y a pas de page à cette adresse" in page
    assert '<a href="/?lang=fr">Les leçons et les applications</a>' in page
    assert '<html lang="ru">' in guards.error_page(500, "/", lang="ru") and "что-то пошло не так" in guards.error_page(
        500, "/", lang="ru"
    )
    hostile = guards.error_page(404, "/", lang='"><script>')
    assert '<html lang="en">' in hostile and "<script>" not in hostile
