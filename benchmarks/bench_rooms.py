"""What a workshop room costs: the trainer's dashboard page, and the room results.

(a) The dashboard, in headless Debian Chromium, on one ``idpckit serve`` (apps
    preheated, as served), against ``benchmarks/floor.ipynb`` (one Button) in the same
    run.  Floor: navigation to its first enabled control.  Dashboard: navigation,
    typing the room code and the trainer key, "Open room", until the page says
    "30 submitted" with every country's tables drawn.  Target: <= 1.5 x floor.
    An empty room is measured too, so the cost of the 30 reviews shows on its own.
(b) Room results over 1,000 submitted reviews (13 commitments each, both scales,
    8 countries) in one SQLite store: the time to read and parse the reviews
    (:meth:`idpckit.rooms.Rooms.reviews`: the rows, JSON and validation) against the
    time to compute the results from them (:func:`idpckit.rooms.results`: per
    country the coalition merge and Krippendorff's alpha).  Target: results <= 2 x parse.

Figures are printed and saved as JSON in benchmarks/results/ (git-ignored).

    python benchmarks/bench_rooms.py [--rounds 5] [--reviews 1000] [--skip-browser]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from voila_server import (  # noqa: E402  (the shared server and browser helpers)
    CHROMIUM,
    CHROMIUM_ARGS,
    FLOOR,
    INTERACTIVE,
    REPO,
    RESULTS,
    VISIBLE_JS,
    shutdown_kernels,
    start_server,
    stop_server,
)

DASHBOARD = "room-dashboard.ipynb"
COUNTRIES = ("KEN", "UGA", "COL", "MEX", "IDN", "PHL", "GHA", "XVR")


def fill(store_url: str, code: str, n: int, seed: int = 2019) -> None:
    """``n`` submitted reviews in room ``code``, grades drawn at random on both scales."""
    from idpckit.assessment import Assessment, Entry
    from idpckit.data import load
    from idpckit.store import Store

    rnd = random.Random(seed)
    store = Store(store_url)
    ids = [c.id for c in load().commitments]
    for i in range(n):
        scale = "traffic-light" if i % 3 == 0 else "five-point"
        pick = (lambda: rnd.choice(["red", "orange", "green", None])) if scale == "traffic-light" else (
            lambda: rnd.choice([1, 2, 3, 4, 5, None])
        )  # fmt: skip
        a = Assessment(
            country=COUNTRIES[i % len(COUNTRIES)],
            year=2025,
            scale=scale,
            room=code,
            organisations=[f"NGO {i}"],
            assessor=f"Assessor {i}",
            entries=[Entry(commitment_id=c, grade=pick(), evidence=f"Evidence {i} on {c}. " * 5) for c in ids],
        )
        store.submit(store.save_draft(a))


# ----------------------------------------------------------------------------- (b) results


def results_benchmark(tmp: Path, n: int, rounds: int) -> dict:
    from idpckit.data import load
    from idpckit.rooms import Rooms, results
    from idpckit.store import Store

    url = f"sqlite:///{tmp / 'results.sqlite'}"
    rooms = Rooms(Store(url))
    room, _key = rooms.create("Benchmark room")
    fill(url, room.code, n)
    content = load()
    rooms.reviews(room)  # warm-up: caches, the first query plan
    parse, compute = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        every = rooms.reviews(room)
        parse.append(time.perf_counter() - start)
        start = time.perf_counter()
        res = results(room, every, content)
        compute.append(time.perf_counter() - start)
    assert len(res.submitted) == n and len(res.countries) == len(COUNTRIES)
    p, c = statistics.median(parse), statistics.median(compute)
    return {
        "reviews": n,
        "parse_median_s": round(p, 4),
        "results_median_s": round(c, 4),
        "ratio": round(c / p, 2),
        "meets_target": c / p <= 2,
    }


# ----------------------------------------------------------------------------- (a) the dashboard


def floor_visit(browser, server) -> tuple[float, str]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(server.url(FLOOR), wait_until="commit", timeout=180_000)
        page.wait_for_function(VISIBLE_JS, arg=INTERACTIVE, timeout=180_000)
        seconds = time.perf_counter() - start
        kid = json.loads(page.evaluate("() => document.getElementById('jupyter-config-data').textContent"))["kernelId"]
    finally:
        context.close()
    return seconds, kid


def dashboard_visit(browser, server, code: str, key: str, expected: int) -> tuple[float, str]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        start = time.perf_counter()
        page.goto(server.url(DASHBOARD), wait_until="commit")
        page.get_by_label("Room code").fill(code)
        page.get_by_label("Trainer key").fill(key)
        page.get_by_role("button", name="Open room").click()
        page.get_by_text(f"{expected} submitted, 0 started").wait_for()
        if expected:
            page.locator("section.idpc-room-country table.idpc-heatmap").nth(len(COUNTRIES) - 1).wait_for()
        seconds = time.perf_counter() - start
        kid = json.loads(page.evaluate("() => document.getElementById('jupyter-config-data').textContent"))["kernelId"]
    finally:
        context.close()
    return seconds, kid


def dashboard_benchmark(tmp: Path, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    from idpckit.rooms import Rooms
    from idpckit.store import Store

    root = tmp / "notebooks"
    root.mkdir()
    shutil.copy(HERE / FLOOR, root / FLOOR)
    shutil.copy(REPO / "notebooks" / DASHBOARD, root / DASHBOARD)
    store = tmp / "store-dashboard.sqlite"
    rooms = Rooms(Store(str(store)))
    full, full_key = rooms.create("Thirty reviews")
    empty, empty_key = rooms.create("No reviews yet")
    fill(str(store), full.code, 30)
    server = start_server(root, store, RESULTS / "voila-rooms.log", preheat=True)
    samples: dict[str, list[float]] = {"floor": [], "dashboard_30": [], "dashboard_empty": []}
    try:
        server.wait_quiet(2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            visits = {
                "floor": lambda: floor_visit(browser, server),
                "dashboard_30": lambda: dashboard_visit(browser, server, full.code, full_key, 30),
                "dashboard_empty": lambda: dashboard_visit(browser, server, empty.code, empty_key, 0),
            }
            for name in ("floor", "dashboard_30"):  # warm-up, not measured
                shutdown_kernels(server, [visits[name]()[1]])
                server.wait_quiet(2)
            for r in range(rounds):
                for name, visit in visits.items():  # interleaved, so drift hits each alike
                    seconds, kid = visit()
                    samples[name].append(seconds)
                    shutdown_kernels(server, [kid])
                    server.wait_quiet(2)
                print(f"  dashboard: round {r + 1}/{rounds} done", file=sys.stderr)
            browser.close()
    finally:
        stop_server(server)
    floor = statistics.median(samples["floor"])
    out = {
        name: {"median_s": round(statistics.median(v), 3), "runs": [round(x, 3) for x in v]}
        for name, v in samples.items()
    }
    for name in ("dashboard_30", "dashboard_empty"):
        out[name]["ratio_to_floor"] = round(statistics.median(samples[name]) / floor, 2)
    out["meets_target"] = out["dashboard_30"]["ratio_to_floor"] <= 1.5
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    report: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory() as tmp:
        report["results"] = results_benchmark(Path(tmp), args.reviews, args.rounds)
        r = report["results"]
        print(
            f"room results over {r['reviews']} reviews: parse {r['parse_median_s']:.3f} s, results "
            f"{r['results_median_s']:.3f} s, ratio {r['ratio']} (target <= 2): {'OK' if r['meets_target'] else 'MISSED'}"
        )
        if not args.skip_browser:
            report["dashboard"] = d = dashboard_benchmark(Path(tmp), args.rounds)
            print(
                f"dashboard: floor {d['floor']['median_s']:.2f} s, 30 reviews {d['dashboard_30']['median_s']:.2f} s "
                f"({d['dashboard_30']['ratio_to_floor']} x floor, target <= 1.5: {'OK' if d['meets_target'] else 'MISSED'}), "
                f"empty room {d['dashboard_empty']['median_s']:.2f} s ({d['dashboard_empty']['ratio_to_floor']} x)"
            )
    (RESULTS / "bench_rooms.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
