"""The one headless Chromium of the tests and the benchmarks: which program, with which flags.

Debian's ``/usr/bin/chromium``, never Playwright's own download, started the same way by
the browser tests (``tests/browser/conftest.py``), the report's printing test
(``tests/test_report.py``) and the benchmarks (``benchmarks/voila_server.py`` puts this
folder on its path, as ``bench_hub.py`` does for ``hub_helpers``), so a flag added for one
reaches them all and a benchmark measures the browser the tests drive.
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Hermetic: nothing on the page may depend on the internet (the kit's template has no CDN links);
    # only the kit's own server on this machine resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def launch(chromium_type: object, *extra_args: str) -> object:
    """Start headless Chromium through Playwright's ``playwright.chromium`` (sync or async: an awaitable then).

    ``extra_args`` follow the shared flags, for a run that needs more (a room of browsers).
    """
    return chromium_type.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args])
