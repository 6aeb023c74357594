"""A visitor who sends a request a byte at a time (slow-loris), against a real ``idpckit serve``.

Tornado waits an hour for a request's headers by default, so a script dribbling one byte every
few seconds held a connection, and a few thousand of them the server's open files, while every
other visitor was still served.  The server must close such a connection once its headers are
late (``serve.HEADER_TIMEOUT_S``), and keep serving everyone else meanwhile.
"""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from idpckit.serve import HEADER_TIMEOUT_S

pytestmark = pytest.mark.browser

DRIBBLE_S = 3  # a byte every 3 s: never idle long enough for a per-read timeout to catch it


def _closed(sock: socket.socket) -> bool:
    """True once the server has closed the connection (a read returns nothing or fails)."""
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_a_request_sent_a_byte_at_a_time_is_closed_and_others_are_served_meanwhile(kit_server) -> None:
    sock = socket.create_connection(("127.0.0.1", kit_server.port), timeout=DRIBBLE_S)
    started = time.monotonic()
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    served_meanwhile = False
    closed_after = None
    try:
        while time.monotonic() - started < HEADER_TIMEOUT_S + 20:
            try:
                sock.sendall(b"X")
            except OSError:
                closed_after = time.monotonic() - started
                break
            if _closed(sock):  # waits up to DRIBBLE_S for the server to say anything
                closed_after = time.monotonic() - started
                break
            if not served_meanwhile:
                answer = httpx.get(kit_server.base, timeout=30)
                served_meanwhile = answer.status_code == 200 and "idpckit" in answer.text
    finally:
        sock.close()
    assert served_meanwhile, "another visitor was not served while the slow request was open"
    assert closed_after is not None, f"the slow request was still open after {HEADER_TIMEOUT_S + 20} s"
    assert closed_after <= HEADER_TIMEOUT_S + DRIBBLE_S + 2, closed_after
    assert httpx.get(kit_server.base, timeout=30).status_code == 200  # and the server still serves
