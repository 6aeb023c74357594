"""A busy server: a cell's output that arrives late still reaches the page (no blank page).

Under load (30 pages on 2 cores), a kernel's output reaches the server seconds after the
cell has finished.  nbclient waits only ``iopub_timeout`` (4 s by default) for it, then
drops it: the page is served without its widget and stays blank, with only "Timeout
waiting for IOPub output" in the log.  Here the delay is made certain, not left to chance:
the notebook holds its kernel's output thread for 6 s before its widget is sent, exactly
what a starved kernel does.  (The room benchmark, benchmarks/bench_voila.py, shows the same
under a real CPU hog.)
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from test_hostile_server import REPO, Server, _run, start_server, stop_server

LATE_SOURCE = """\
import threading, time
import ipywidgets

kernel = get_ipython().kernel
parent = kernel.get_parent("shell")
button = ipywidgets.Button(description="Arrived late")
publish_status = kernel._publish_status


def late(status, channel, parent_msg=None):
    # The reply has gone; the widget's output and the idle status follow 6 s later,
    # as they do when the kernel or the server is starved of CPU.
    if status != "idle" or getattr(kernel, "_late_sent", False):
        return publish_status(status, channel, parent_msg)
    kernel._late_sent = True

    def send():
        time.sleep(6)
        bundle = {"data": button._repr_mimebundle_(), "metadata": {}, "transient": {}}
        kernel.session.send(kernel.iopub_socket, "display_data", bundle, parent=parent)
        publish_status(status, channel, parent_msg)

    threading.Thread(target=send, daemon=True).start()


kernel._publish_status = late
"""

LATE_OUTPUT_NB = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": LATE_SOURCE.splitlines(keepends=True),
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "idpckit": {
            "kind": "app",
            "order": 0,
            "title": "Late output",
            "summary": "A widget sent late.",
            "preheat": False,
        },
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests of a page's kernel: no pool, kernels never claimed stopped after 3 s, 300 MB each.

    Each test leaves no kernel it needs behind, so they share it (a server start is seconds of CPU).
    """
    tmp = tmp_path_factory.mktemp("busy")
    notebooks = tmp / "notebooks"
    notebooks.mkdir()
    (notebooks / "late.ipynb").write_text(json.dumps(LATE_OUTPUT_NB), encoding="utf-8")
    shutil.copy(REPO / "notebooks" / "table1-explorer.ipynb", notebooks)
    server = start_server(tmp, "--no-preheat", "--notebooks", str(notebooks), "--unclaimed-kernel-timeout", "3",
                          "--kernel-memory-mb", "300")  # fmt: skip
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server preheating one app, whose watchdog leaves unclaimed kernels alone for 5 minutes.

    So what the refill tests see is the refill's own rule, never the watchdog stopping a kernel.
    """
    tmp = tmp_path_factory.mktemp("pooled")
    notebooks = tmp / "notebooks"
    notebooks.mkdir()
    shutil.copy(REPO / "notebooks" / "table1-explorer.ipynb", notebooks)
    server = start_server(tmp, "--preheat", "--notebooks", str(notebooks), "--unclaimed-kernel-timeout", "300")
    try:
        yield server
    finally:
        stop_server(server)


def test_a_widget_whose_output_arrives_late_is_still_on_the_page(busy: Server) -> None:
    html = httpx.get(busy.base + "voila/render/late.ipynb", timeout=120).text
    assert "jupyter-config-data" in html
    assert "application/vnd.jupyter.widget-view+json" in html, "the page was served without its widget"
    assert "Timeout waiting for IOPub output" not in busy.log()


def _live_kernels(server) -> list[str]:
    """Ids of the kernel processes the server runs (from their connection-file names)."""
    import psutil

    ids = []
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            ids += [m.group(1) for a in child.cmdline() if (m := re.search(r"kernel-([0-9a-f-]{36})\.json$", a))]
        except psutil.NoSuchProcess:
            continue
    return ids


def _kernel_of(html: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)


def _wait_stopped(server: Server, kid: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and kid in _live_kernels(server):
        time.sleep(0.5)
    assert kid not in _live_kernels(server)
    assert f"Stopping kernel {kid}: no page connected to it" in server.log()


def _keep_loading(browser: httpx.Client, html: str, seconds: float, check: Callable[[], None]) -> None:
    """Do what a browser booting the page does for ``seconds``: ask for its scripts, one a second; ``check()`` after each."""
    scripts = re.findall(r'<script[^>]+src="([^"]+\.js)', html)
    assert scripts, "the page loads no scripts of its own"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for script in scripts:
            assert browser.get(script).status_code == 200
            time.sleep(1)
            check()


def test_a_full_server_says_so_and_the_page_retries_by_itself(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--no-preheat", "--max-kernels", "1")
    try:
        first = httpx.get(server.base + "voila/render/table1-explorer.ipynb", timeout=120)
        assert first.status_code == 200 and "jupyter-config-data" in first.text
        assert "Preparing your page" in first.text  # words instead of Voilà's "Executing 1 of 2"
        full = httpx.get(server.base + "voila/render/table1-explorer.ipynb", timeout=60)
        assert full.status_code == 503 and full.headers["Retry-After"] == "20"
        assert "The workshop server is full" in full.text and "tries again by itself in 20 seconds" in full.text
        assert '<meta http-equiv="refresh" content="20">' in full.text
        assert len(_live_kernels(server)) == 1  # no kernel was started for the refused visitor
        assert httpx.get(server.base, timeout=30).status_code == 200  # the index still answers
    finally:
        stop_server(server)


def test_kernels_whose_page_never_connects_are_stopped_soon(busy: Server) -> None:
    kid = _kernel_of(httpx.get(busy.base + "voila/render/table1-explorer.ipynb", timeout=120).text)  # a bare GET
    _wait_stopped(busy, kid)


def test_a_page_still_loading_its_files_keeps_its_kernel(busy: Server) -> None:
    """A browser that takes longer than the unclaimed timeout to connect, still fetching the page's files, keeps its kernel.

    Thirty pages booting Voilà's front end at once on two cores connect minutes after they
    were sent; the watchdog stopped every kernel 60 s after it was handed out, and the room
    got 30 blank pages.  Here the page's visitor keeps asking for the page's own scripts
    for 12 s (four times the timeout, two of the watchdog's rounds at least) before going
    away without connecting.
    """
    with httpx.Client(base_url=busy.base, timeout=120) as browser:
        html = browser.get("voila/render/table1-explorer.ipynb").text
        kid = _kernel_of(html)

        def still_running() -> None:
            assert kid in _live_kernels(busy), "the kernel of a page still loading was stopped"

        _keep_loading(browser, html, 12, still_running)
    _wait_stopped(busy, kid)  # it stopped loading and never connected: stopped soon


def _take_preheated(server: Server, browser: httpx.Client) -> tuple[str, str]:
    """Wait for the pool's kernel, then open the page on it; returns the page and its kernel id."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        log = server.log()
        if log.count("Kernel pool of table1-explorer.ipynb is filled") > log.count("Using pre-heated kernel"):
            break
        time.sleep(0.5)
    html = browser.get("voila/render/table1-explorer.ipynb").text
    kid = _kernel_of(html)
    assert f"Using pre-heated kernel: {kid}" in server.log(), "the page did not get the preheated kernel"
    return html, kid


def test_the_pool_is_refilled_once_the_page_sent_has_connected(pooled: Server) -> None:
    """A preheated kernel taken is replaced only after its page connects: the refill does not compete with it.

    Voilà refills ``fill_delay`` (10 s) after a kernel is taken, whatever the pages are
    doing; in a room of 30 that started 30 kernels on the cores the 30 pages were booting on.
    Here the page's browser keeps fetching its files for 15 s (the fill delay is 10 s; a
    refill started shows as a kernel process at once) before it connects.
    """
    from websockets.sync.client import connect as websocket_connect

    from idpckit import serve
    from idpckit.serve.guards import V1_PROTOCOL

    with httpx.Client(base_url=pooled.base, timeout=120) as browser:
        html, kid = _take_preheated(pooled, browser)
        before = set(_live_kernels(pooled))

        def not_refilled() -> None:
            assert set(_live_kernels(pooled)) == before, "the pool was refilled while the page was still loading"

        _keep_loading(browser, html, serve.FILL_DELAY_S + 5, not_refilled)

    # The page connects (a plain synchronous client: the browser tests' event loop may be running here).
    url = pooled.base.replace("http://", "ws://") + f"api/kernels/{kid}/channels"
    with websocket_connect(url, subprotocols=[V1_PROTOCOL], open_timeout=60):
        time.sleep(1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not set(_live_kernels(pooled)) - before:
        time.sleep(0.5)
    assert set(_live_kernels(pooled)) - before, "the pool was not refilled after the page connected"


def test_an_abandoned_page_holds_the_refill_back_only_until_its_browser_is_quiet(pooled: Server) -> None:
    """A bare GET (or a tab closed while loading) takes the preheated kernel and asks for nothing more.

    It used to count as loading until its kernel was stopped or for the refill's whole
    2 minutes, and every visitor meanwhile got a fresh, slow kernel.  Now the refill starts
    once the page's browser has been quiet for 10 s: the fill delay, 10 s, then at once.
    """
    from idpckit import serve

    with httpx.Client(base_url=pooled.base, timeout=120) as browser:
        _html, kid = _take_preheated(pooled, browser)
    taken = time.monotonic()
    before = set(_live_kernels(pooled))
    limit = serve.FILL_DELAY_S + serve.LOADING_QUIET_S + 25  # 45 s: well before the old 120 s
    while time.monotonic() < taken + limit and not set(_live_kernels(pooled)) - before:
        time.sleep(0.5)
    refilled = set(_live_kernels(pooled)) - before
    assert refilled, f"no refill {limit:.0f} s after the page was abandoned"
    assert kid in _live_kernels(pooled), "the abandoned page's kernel was stopped (the watchdog, not the refill rule)"


def test_a_kernel_grown_past_the_memory_cap_is_stopped(busy: Server) -> None:
    kid = busy.kernel_id()
    rss = _run(_grow_kernel(busy.base, kid, megabytes=7, times=45))  # 45 widgets of 7 MB each
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and kid in _live_kernels(busy):
        time.sleep(0.5)
    assert kid not in _live_kernels(busy), f"kernel still runs at {rss:.0f} MB"
    assert re.search(rf"Stopping kernel {kid}: it grew to \d+ MB \(the limit is 300 MB\)", busy.log())
    assert busy.answers()


async def _grow_kernel(base: str, kid: str, megabytes: int, times: int) -> float:
    """Open ``times`` Image widgets of ``megabytes`` each over the page's own connection."""
    import asyncio
    import uuid

    from test_hostile_server import _msg, _v1
    from tornado.websocket import WebSocketClosedError, websocket_connect

    from idpckit.serve.guards import V1_PROTOCOL

    ws = await websocket_connect(base.replace("http://", "ws://") + f"api/kernels/{kid}/channels",
                                 subprotocols=[V1_PROTOCOL], max_message_size=64 * 1024 * 1024)  # fmt: skip
    session = uuid.uuid4().hex
    state = {"_model_name": "ImageModel", "_model_module": "@jupyter-widgets/controls",
             "_model_module_version": "2.0.0", "_view_name": "ImageView",
             "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0", "format": "png"}  # fmt: skip
    blob = b"\x89PNG" + b"\1" * (megabytes * 1_000_000)
    try:
        for _ in range(times):
            m = _msg(session, "comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget",
                                            "data": {"state": state, "buffer_paths": [["value"]]}},
                     [blob], "2.1.0")  # fmt: skip
            await ws.write_message(_v1(m), binary=True)
            await asyncio.sleep(0.05)
    except WebSocketClosedError:
        pass
    await asyncio.sleep(2)
    ws.close()
    import psutil

    for p in psutil.process_iter(["cmdline"]):
        if any(kid in a for a in p.info["cmdline"] or []):
            return p.memory_info().rss / 1e6
    return 0.0
