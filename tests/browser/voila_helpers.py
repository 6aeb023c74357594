"""Helpers for tests that look at Voilà pages (imported by tests/browser/conftest.py and the tests)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

RENDER_TIMEOUT_MS = 120_000
#: Texts that mean a cell or a widget failed, whatever Voilà shows instead of a traceback.
ERROR_TEXTS = (
    "Traceback",
    "There was an error when executing cell",
    "Error displaying widget",
    "Failed to load model class",
    "Cell execution timed out",
)


def wait_rendered(page: object, *, widgets: bool = True, timeout_ms: int = RENDER_TIMEOUT_MS) -> None:
    """Wait until Voilà has shown the cells and, if the notebook has widgets, drawn them."""
    page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout_ms)
    has_widgets = page.evaluate(
        """() => [...document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]')]
                 .some(s => s.textContent.includes('application/vnd.jupyter.widget-view+json'))
                 || document.querySelectorAll('.jupyter-widgets').length > 0"""
    )
    if widgets and has_widgets:
        page.wait_for_selector(".jupyter-widgets", state="visible", timeout=timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)


def kernel_id(page: object) -> str:
    """The id of the kernel behind a Voilà page (from its jupyter-config-data)."""
    config = page.evaluate("() => document.getElementById('jupyter-config-data').textContent")
    return json.loads(config)["kernelId"]


def error_outputs(page: object) -> list[str]:
    """Everything in the page that says a cell or widget failed (empty when all is well)."""
    found = page.evaluate(
        """() => [...document.querySelectorAll(
                 '.jp-OutputArea-output[data-mime-type*="stderr"], .jp-OutputArea-output[data-mime-type*="error"]')]
                 .map(e => e.innerText.slice(0, 500))"""
    )
    text = page.inner_text("body")
    found += [t for t in ERROR_TEXTS if t in text]
    return found


#: The standard a public-interest web page is held to: WCAG 2.1, levels A and AA.
AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page: object) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line per element.

    With the rule, the element and axe's own advice, so the fix is clear from the failure alone.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={**AXE_RULES, "resultTypes": ["violations"]})
    lines = []
    for rule in results.response["violations"]:
        for node in rule["nodes"]:
            advice = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} at {node['target']}: {advice}")
    return lines


# --------------------------------------------------------------------------- a kernel's websocket, as a test client


def channels_url(base: str, kernel: str) -> str:
    """The websocket address of a kernel's channels on the server at ``base`` (``http://127.0.0.1:PORT/``)."""
    return base.replace("http://", "ws://", 1) + f"api/kernels/{kernel}/channels"


def run_async(coro: Any, timeout_s: float = 120) -> Any:
    """Run a websocket client coroutine to its end, in a thread of its own.

    Playwright's sync API keeps an event loop running in the test's thread for as long as
    the session's browser lives, where ``asyncio.run()`` would refuse to start.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=timeout_s)


async def frames(ws: Any, seconds: float) -> AsyncIterator[bytes | str | None]:
    """What the server sends on ``ws`` for up to ``seconds``: each frame, then ``None`` if it closed the connection."""
    import asyncio
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            raw = await asyncio.wait_for(ws.read_message(), timeout=max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            return
        yield raw
        if raw is None:
            return
