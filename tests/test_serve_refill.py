"""When the server refills its pool of preheated kernels: after the pages being loaded, not after abandoned ones.

A refill (a kernel started and its notebook run, about 3 CPU seconds) waits while pages
sent are still loading, so it does not take the cores a room's pages are booting on.  A
page counts as loading only while its browser keeps asking for things: a bare GET or a tab
closed while loading must not keep the next visitors from a preheated kernel.  These are
the rules of :class:`idpckit.serve.Limits` without a server; tests/browser/test_busy_server.py
proves them on a real one.
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from idpckit import serve


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limits_with(kernels: list[str], clock=time.monotonic, quiet: float = serve.LOADING_QUIET_S) -> serve.Limits:
    """A :class:`serve.Limits` whose kernel manager runs ``kernels`` (the list may change later)."""
    limits = serve.Limits(loading_quiet_s=quiet, clock=clock)
    limits.kernel_manager = SimpleNamespace(list_kernel_ids=lambda: list(kernels), _pools={"app.ipynb": []})
    return limits


def test_a_bare_get_stops_counting_as_loading_once_its_browser_is_quiet() -> None:
    clock = Clock()
    limits = limits_with(["k"], clock)
    limits.handed("k", "10.0.0.7")  # the page was sent; nothing else ever comes from 10.0.0.7
    assert limits.loading() == 1
    clock.now += serve.LOADING_QUIET_S - 1
    assert limits.loading() == 1
    clock.now += 2
    assert limits.loading() == 0, "an abandoned page still holds the refill back"
    assert serve.LOADING_QUIET_S <= 10 < serve.REFILL_WAIT_S


def test_a_page_still_fetching_its_files_counts_as_loading_until_it_connects() -> None:
    """Booting on a starved machine can take minutes; while its browser keeps asking, the page is loading."""
    clock = Clock()
    limits = limits_with(["k"], clock)
    limits.handed("k", "10.0.0.7")
    for _ in range(60):  # three minutes of scripts and widget modules, one every 3 s
        clock.now += 3
        limits.saw("10.0.0.7", "/voila/static/voila.js")
        assert limits.loading() == 1
    limits.connected.add("k")
    assert limits.loading() == 0


def test_opening_another_page_is_not_the_first_one_loading() -> None:
    """A visitor who opens page after page without loading any holds no refill back with the earlier ones."""
    clock = Clock()
    limits = limits_with(["k1"], clock)
    limits.handed("k1", "10.0.0.7")
    for _ in range(5):
        clock.now += serve.LOADING_QUIET_S - 1
        limits.saw("10.0.0.7", "/voila/render/app.ipynb")  # page renders are not the page's files
    assert limits.loading() == 0


def test_a_page_streamed_for_a_while_is_loading_while_it_is_being_sent() -> None:
    """A fresh kernel's page is sent cell by cell as they run: each part sent counts as the page loading."""
    clock = Clock()
    limits = limits_with(["k"], clock)
    for _ in range(5):
        limits.handed("k", "10.0.0.7")
        clock.now += serve.LOADING_QUIET_S - 1
        assert limits.loading() == 1
    clock.now += 2
    assert limits.loading() == 0


def test_a_room_of_30_pages_loading_keeps_counting_while_an_abandoned_one_drops_out() -> None:
    clock = Clock()
    kernels = [f"k{i}" for i in range(31)]
    limits = limits_with(kernels, clock)
    for i, kid in enumerate(kernels):
        limits.handed(kid, f"10.0.0.{i + 1}")  # k30 (10.0.0.31) is a bare GET: it never asks for anything
    for second in range(1, 121):  # two minutes, each page asking for a file every 7 s at its own moment
        clock.now += 1
        for i in range(30):
            if (second + i) % 7 == 0:
                limits.saw(f"10.0.0.{i + 1}", "/voila/static/voila.js")
        expected = 31 if second < serve.LOADING_QUIET_S else 30
        assert limits.loading() == expected, f"at {second} s"
    for kid in kernels[:29]:
        limits.connected.add(kid)
    assert limits.loading() == 1
    kernels.remove("k29")  # its kernel was stopped: it is loading nothing any more
    assert limits.loading() == 0


async def _refill_after(limits: serve.Limits, while_waiting=None) -> float:
    """Run one paced refill; return how long it waited before starting its kernel."""
    started: list[float] = []

    async def initialize() -> dict:
        started.append(time.monotonic())
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return {"task": done}

    begin = time.monotonic()
    refill = asyncio.ensure_future(limits.pace(initialize)())
    if while_waiting is not None:
        await while_waiting(started)
    await asyncio.wait_for(refill, timeout=10)
    return started[0] - begin


def test_the_refill_does_not_wait_for_a_page_nobody_is_loading() -> None:
    limits = limits_with(["k"], quiet=1.0)
    limits.handed("k", "10.0.0.7")
    waited = asyncio.run(_refill_after(limits))  # the old rule waited REFILL_WAIT_S (120 s): timed out here
    assert waited < 3


def test_the_refill_waits_for_a_page_still_loading_then_starts_once_it_connects() -> None:
    limits = limits_with(["k"], quiet=1.0)
    limits.handed("k", "10.0.0.7")

    async def keep_loading_then_connect(started: list[float]) -> None:
        for _ in range(12):  # 3.6 s of files, well past the quiet limit
            limits.saw("10.0.0.7", "/voila/static/voila.js")
            await asyncio.sleep(0.3)
            assert not started, "the refill started while the page was still loading"
        limits.connected.add("k")

    waited = asyncio.run(_refill_after(limits, keep_loading_then_connect))
    assert 3.6 <= waited < 3.6 + 2.5
