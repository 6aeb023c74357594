"""What the apps cost a visitor and a room, against the cheapest widget page (the floor).

Everything is measured in one run, on one ``idpckit serve`` configuration, against
``benchmarks/floor.ipynb`` (one Button; not in notebooks/, so never served to users).
The floor and the apps are copied into a temporary folder that is served with
``idpckit serve --notebooks``; the floor carries app metadata, so it gets exactly the
apps' settings (including a preheated kernel).

(a) One visitor, headless Debian Chromium, a fresh browser context per page: time from
    navigation to the first enabled widget control, and the page kernel's memory (RSS of
    the kernel whose id the page carries).  Two server modes:
      * "served": the configuration `idpckit serve` uses (apps preheated);
      * "cold":   --no-preheat, so the page pays the kernel start and the notebook run,
                  which is where an app's own weight shows.
    Targets: time <= 1.3 x floor, memory <= floor + 50 MB.
(b) A room: N simultaneous page loads server-side (httpx GETs of /voila/render/... that read
    the whole streamed page, i.e. until every cell has run), against one server in the
    "served" configuration, for the floor and for the self-assessment app: errors, wall
    time, their ratio, and the memory of all kernels plus the server.
    Targets: 0 errors, wall time <= 1.5 x floor.

Kernels are shut down after every page and every room.  Figures are printed and saved
as JSON in benchmarks/results/ (git-ignored).

    python benchmarks/bench_voila.py [--rounds 5] [--room 30] [--skip-browser] [--skip-room]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
FLOOR = "floor.ipynb"
APPS = ("self-assessment.ipynb", "table1-explorer.ipynb")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
#: The first control a visitor can use: a button, field or list that is not disabled.
INTERACTIVE = ", ".join(
    f"{tag}.jupyter-widgets:not([disabled]), .jupyter-widgets {tag}:not([disabled])"
    for tag in ("button", "input", "select", "textarea")
)
#: True once any of the matching elements is painted (not merely in the DOM of a hidden step).
VISIBLE_JS = """sel => [...document.querySelectorAll(sel)].some(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
})"""
ERROR_TEXTS = ("There was an error when executing cell", "Traceback", "Cell execution timed out")
MB = 1024 * 1024


# ----------------------------------------------------------------------------- the server


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    log: Path
    preheat: bool

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, notebook: str) -> str:
        return f"{self.base}voila/render/{notebook}"

    def kernels(self) -> dict[str, psutil.Process]:
        out = {}
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                for arg in child.cmdline():
                    m = re.search(r"kernel-([0-9a-f-]{36})\.json$", arg)
                    if m:
                        out[m.group(1)] = child
        return out

    def rss(self) -> int:
        return psutil.Process(self.proc.pid).memory_info().rss

    def wait_quiet(self, expected_kernels: int, timeout: float = 120) -> None:
        """Wait until exactly the pool kernels run and nothing uses CPU (pool refills done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            procs = [psutil.Process(self.proc.pid), *self.kernels().values()]
            if len(procs) - 1 == expected_kernels:
                with contextlib.suppress(psutil.Error):
                    for p in procs:
                        p.cpu_percent(None)
                    time.sleep(1.0)
                    if sum(p.cpu_percent(None) for p in procs) < 5:
                        return
            else:
                time.sleep(0.5)
        print(f"  (warning: server not quiet after {timeout}s: {len(self.kernels())} kernels)", file=sys.stderr)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, store: Path, log: Path, preheat: bool) -> Server:
    exe = shutil.which("idpckit", path=str(Path(sys.executable).parent)) or "idpckit"
    port = _free_port()
    cmd = [exe, "serve", "--notebooks", str(root), "--no-browser", "--port", str(port), "--store", str(store)]
    cmd.append("--preheat" if preheat else "--no-preheat")
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO)
    server = Server(port, proc, log, preheat)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"idpckit serve exited:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return server
        time.sleep(0.2)
    raise RuntimeError("idpckit serve did not start")


def stop_server(server: Server) -> None:
    kernels = list(server.kernels().values())
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGTERM)
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
    for k in kernels:
        with contextlib.suppress(psutil.Error):
            k.kill()


def shutdown_kernels(server: Server, ids: list[str]) -> None:
    """Shut kernels down through Voilà's own endpoint (the one the tab-close beacon uses)."""
    with httpx.Client(base_url=server.base, timeout=30) as client:
        client.get("/")  # the index page sets the _xsrf cookie
        token = client.cookies.get("_xsrf", "")
        for kid in ids:
            client.post(f"/voila/api/shutdown/{kid}", data={"_xsrf": token})


# ----------------------------------------------------------------------------- (a) one visitor


def settle(proc: psutil.Process | None, timeout: float = 20) -> None:
    """Wait until a kernel has used (almost) no CPU for a second."""
    if proc is None:
        return
    deadline = time.monotonic() + timeout
    with contextlib.suppress(psutil.Error):
        proc.cpu_percent(None)
        while time.monotonic() < deadline:
            time.sleep(1.0)
            if proc.cpu_percent(None) < 2:
                return


def one_visit(browser, server: Server, notebook: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(server.url(notebook), wait_until="commit", timeout=180_000)
        page.wait_for_function(VISIBLE_JS, arg=INTERACTIVE, timeout=180_000)
        seconds = time.perf_counter() - start
        config = json.loads(page.evaluate("() => document.getElementById('jupyter-config-data').textContent"))
        kid = config["kernelId"]
        text = page.inner_text("body")
        errors = [t for t in ERROR_TEXTS if t in text]
        proc = server.kernels().get(kid)
        settle(proc)  # an app may finish loading after its first screen: measure the kernel at rest
        rss = proc.memory_info().rss if proc else 0
        uss = proc.memory_full_info().uss if proc else 0
    finally:
        context.close()
    shutdown_kernels(server, [kid])
    return {"seconds": seconds, "rss": rss, "uss": uss, "kernel": kid, "errors": errors}


def visitor_benchmark(root: Path, tmp: Path, rounds: int, notebooks: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for mode, preheat in (("served", True), ("cold", False)):
            server = start_server(root, tmp / f"store-{mode}.sqlite", RESULTS / f"voila-visitor-{mode}.log", preheat)
            pool = len(notebooks) if preheat else 0
            try:
                server.wait_quiet(pool)
                for nb in notebooks:  # warm-up, not measured: OS caches, .pyc, font cache
                    one_visit(browser, server, nb)
                    server.wait_quiet(pool)
                samples: dict[str, list[dict]] = {nb: [] for nb in notebooks}
                for r in range(rounds):
                    for nb in notebooks:  # interleaved, so drift hits every notebook alike
                        samples[nb].append(one_visit(browser, server, nb))
                        server.wait_quiet(pool)
                    print(f"  {mode}: round {r + 1}/{rounds} done", file=sys.stderr)
            finally:
                stop_server(server)
            out[mode] = samples
        browser.close()
    return out


# ----------------------------------------------------------------------------- (b) a room


async def _room(server: Server, notebook: str, n: int) -> dict:
    async def load(client: httpx.AsyncClient) -> dict:
        start = time.perf_counter()
        try:
            async with client.stream("GET", server.url(notebook)) as response:
                body = (await response.aread()).decode("utf-8", errors="replace")
            m = re.search(r'"kernelId": "([0-9a-f-]{36})"', body)
            problems = [t for t in ERROR_TEXTS if t in body]
            if response.status_code != 200:
                problems.append(f"HTTP {response.status_code}")
            if "voila_finish" not in body:
                problems.append("page incomplete")
            return {"seconds": time.perf_counter() - start, "kernel": m.group(1) if m else None, "errors": problems}
        except Exception as exc:
            return {"seconds": time.perf_counter() - start, "kernel": None, "errors": [f"{type(exc).__name__}: {exc}"]}

    limits = httpx.Limits(max_connections=n + 5, max_keepalive_connections=n + 5)
    async with httpx.AsyncClient(timeout=600, limits=limits) as client:
        start = time.perf_counter()
        pages = await asyncio.gather(*(load(client) for _ in range(n)))
        wall = time.perf_counter() - start
    return {"wall": wall, "pages": pages}


def room_benchmark(root: Path, tmp: Path, n: int, notebooks: list[str], pool: int) -> dict:
    server = start_server(root, tmp / "store-room.sqlite", RESULTS / "voila-room.log", preheat=True)
    out = {}
    try:
        server.wait_quiet(pool)
        warm = asyncio.run(_room(server, FLOOR, 2))  # warm-up, not measured
        shutdown_kernels(server, [p["kernel"] for p in warm["pages"] if p["kernel"]])
        server.wait_quiet(pool)
        for nb in notebooks:
            before = set(server.kernels())
            result = asyncio.run(_room(server, nb, n))
            kernels = server.kernels()
            page_ids = [p["kernel"] for p in result["pages"] if p["kernel"]]
            rss = []
            for kid in page_ids:
                with contextlib.suppress(psutil.Error, KeyError):
                    rss.append(kernels[kid].memory_info().rss)
            result.update(
                errors=sum(bool(p["errors"]) for p in result["pages"]),
                error_kinds=sorted({e for p in result["pages"] for e in p["errors"]}),
                page_kernels_rss=sum(rss),
                all_kernels_rss=sum(p.memory_info().rss for p in kernels.values()),
                server_rss=server.rss(),
                pooled_pages=len(set(page_ids) & before),
            )
            out[nb] = result
            shutdown_kernels(server, page_ids)  # the pool (refilled meanwhile) stays
            server.wait_quiet(pool)
            print(f"  room {nb}: {result['wall']:.1f}s, {result['errors']} errors", file=sys.stderr)
    finally:
        stop_server(server)
    return out


# ----------------------------------------------------------------------------- report


def _versions() -> dict:
    names = ("voila", "jupyter_server", "ipywidgets", "ipykernel", "playwright", "idpckit")
    out = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1e9),
    }
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    with contextlib.suppress(Exception):
        out["chromium"] = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return out


def summarise_visitors(samples: dict) -> dict:
    summary = {}
    for mode, by_nb in samples.items():
        floor_t = statistics.median(s["seconds"] for s in by_nb[FLOOR])
        floor_m = statistics.median(s["rss"] for s in by_nb[FLOOR])
        rows = {}
        for nb, runs in by_nb.items():
            t = statistics.median(s["seconds"] for s in runs)
            m = statistics.median(s["rss"] for s in runs)
            rows[nb] = {
                "median_s": round(t, 3),
                "min_s": round(min(s["seconds"] for s in runs), 3),
                "max_s": round(max(s["seconds"] for s in runs), 3),
                "time_ratio": round(t / floor_t, 2),
                "rss_mb": round(m / MB, 1),
                "uss_mb": round(statistics.median(s["uss"] for s in runs) / MB, 1),
                "rss_over_floor_mb": round((m - floor_m) / MB, 1),
                "errors": sum(bool(s["errors"]) for s in runs),
                "meets_targets": t / floor_t <= 1.3 and (m - floor_m) / MB <= 50,
            }
        summary[mode] = rows
    return summary


def summarise_room(room: dict) -> dict:
    floor_wall = room[FLOOR]["wall"]
    out = {}
    for nb, r in room.items():
        per_page = [p["seconds"] for p in r["pages"]]
        out[nb] = {
            "pages": len(r["pages"]),
            "errors": r["errors"],
            "error_kinds": r["error_kinds"],
            "wall_s": round(r["wall"], 2),
            "wall_ratio": round(r["wall"] / floor_wall, 2),
            "page_median_s": round(statistics.median(per_page), 2),
            "page_max_s": round(max(per_page), 2),
            "pooled_pages": r["pooled_pages"],
            "page_kernels_rss_mb": round(r["page_kernels_rss"] / MB),
            "all_kernels_rss_mb": round(r["all_kernels_rss"] / MB),
            "server_rss_mb": round(r["server_rss"] / MB),
            "meets_targets": r["errors"] == 0 and r["wall"] / floor_wall <= 1.5,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="page loads per notebook and mode (a)")
    parser.add_argument("--room", type=int, default=30, help="simultaneous page loads (b)")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-room", action="store_true")
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    notebooks_src = REPO / "notebooks"
    apps = [a for a in APPS if (notebooks_src / a).is_file()]
    missing = sorted(set(APPS) - set(apps))
    if missing:
        print(f"note: not measured, not found in notebooks/: {', '.join(missing)}", file=sys.stderr)
    result: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "versions": _versions()}
    with tempfile.TemporaryDirectory(prefix="idpckit-bench-") as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "notebooks"
        root.mkdir()
        shutil.copy(HERE / FLOOR, root / FLOOR)
        for app in apps:
            shutil.copy(notebooks_src / app, root / app)
        notebooks = [FLOOR, *apps]

        if not args.skip_browser:
            if not Path(CHROMIUM).exists():
                sys.exit(f"{CHROMIUM} is missing; install Debian's chromium or pass --skip-browser")
            print("(a) one visitor, headless Chromium ...", file=sys.stderr)
            samples = visitor_benchmark(root, tmp, args.rounds, notebooks)
            result["visitor_samples"] = samples
            result["visitor"] = summarise_visitors(samples)
            print("\n(a) One visitor: navigation -> first enabled widget control; page kernel RSS (medians)")
            print(f"{'mode':7} {'notebook':24} {'time s':>7} {'x floor':>8} {'RSS MB':>7} {'+floor MB':>10}  targets")
            for mode, rows in result["visitor"].items():
                for nb, row in rows.items():
                    ok = "ok" if row["meets_targets"] else "MISSED"
                    print(
                        f"{mode:7} {nb:24} {row['median_s']:7.2f} {row['time_ratio']:8.2f} {row['rss_mb']:7.1f} "
                        f"{row['rss_over_floor_mb']:10.1f}  {ok if nb != FLOOR else '(floor)'}"
                        + (f"  errors in {row['errors']} runs" if row["errors"] else "")
                    )

        if not args.skip_room:
            room_nbs = [FLOOR] + [a for a in apps if a == "self-assessment.ipynb"]
            print(f"(b) a room of {args.room} ...", file=sys.stderr)
            room = room_benchmark(root, tmp, args.room, room_nbs, pool=len(notebooks))
            result["room"] = summarise_room(room)
            result["room_pages"] = {nb: r["pages"] for nb, r in room.items()}
            print(f"\n(b) A room: {args.room} simultaneous page loads, server-side (whole streamed page)")
            print(f"{'notebook':24} {'errors':>6} {'wall s':>7} {'x floor':>8} {'page med/max s':>15} "
                  f"{'kernels MB':>11} {'server MB':>10}  targets")  # fmt: skip
            for nb, row in result["room"].items():
                ok = "(floor)" if nb == FLOOR else ("ok" if row["meets_targets"] else "MISSED")
                print(
                    f"{nb:24} {row['errors']:6d} {row['wall_s']:7.1f} {row['wall_ratio']:8.2f} "
                    f"{row['page_median_s']:7.1f}/{row['page_max_s']:<7.1f} {row['all_kernels_rss_mb']:11d} "
                    f"{row['server_rss_mb']:10d}  {ok}"
                )
                if row["error_kinds"]:
                    print(f"    errors: {'; '.join(row['error_kinds'])}")

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"bench-voila-{stamp}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nSaved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
