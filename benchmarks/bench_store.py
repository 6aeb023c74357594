"""Is saving a draft cheap enough to call on every (debounced) keystroke?

The self-assessment app autosaves after each change, so ``Store.save_draft``
must cost little more than the database write itself.  Measured in one run, in
one temporary folder, with the full Veridia 2024 example (13 commitments, about
9 kB of JSON):

* baseline: a bare ``INSERT`` of the same JSON text with the standard-library
  ``sqlite3`` module, one transaction per row, with the store's own settings
  (WAL, ``synchronous=NORMAL``) so that only the kit's overhead differs;
* ``save_draft`` creating a new draft (INSERT), and updating an existing one
  (UPDATE, the autosave path): serialising the model, SQLAlchemy, BEGIN IMMEDIATE;
* ``load`` of a draft (SELECT, JSON parse, model validation);
* the same autosave path from ``--procs`` processes at once on one file, as
  several Voilà kernels would (total saves per second, nothing lost: checked).

Each figure is the median of ``--repeats`` runs of ``--calls`` calls, the
operations taking turns; wall-clock and CPU time are both shown (the machine
may be shared).  Prints figures; asserts nothing except that the concurrent
run lost no save.

    python benchmarks/bench_store.py [--calls 1000] [--repeats 3] [--procs 4]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from idpckit.assessment_io import load_example
from idpckit.store import Store


def timed(ops: dict[str, Callable[[], None]], calls: int, repeats: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per call of each operation.

    The operations take turns within each repeat, so that load from other
    processes on a shared machine falls on all of them alike; CPU time (of this
    process) is shown too because it does not count time spent waiting for a core.
    """
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ops}
    for _ in range(repeats):
        for name, fn in ops.items():
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(calls):
                fn()
            runs[name].append(((time.perf_counter() - wall) / calls, (time.process_time() - cpu) / calls))
    return {
        name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs)) for name, rs in runs.items()
    }


def bare_insert(path: Path, body: str) -> Callable[[], None]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", (body,))
        conn.execute("COMMIT")

    return insert


def _autosaver(path: str, code: str, calls: int, barrier, queue) -> None:
    store = Store(path)
    review = load_example("veridia-2024")
    barrier.wait()
    start = time.perf_counter()
    for i in range(calls):
        review.assessor = f"autosave {i}"
        store.save_draft(review, code)
    queue.put(time.perf_counter() - start)


def concurrent(path: Path, procs: int, calls: int) -> tuple[float, int]:
    """Total saves per second with ``procs`` processes autosaving their own drafts at once."""
    store = Store(path)
    review = load_example("veridia-2024")
    codes = [store.save_draft(review) for _ in range(procs)]
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(procs), ctx.Queue()
    workers = [ctx.Process(target=_autosaver, args=(str(path), c, calls, barrier, queue)) for c in codes]
    for w in workers:
        w.start()
    elapsed = max(queue.get(timeout=600) for _ in workers)
    for w in workers:
        w.join()
    lost = sum(1 + calls - store.load(c).revision for c in codes)
    return procs * calls / elapsed, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--procs", type=int, default=4)
    args = parser.parse_args()

    review = load_example("veridia-2024")
    body = review.model_dump_json()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store(folder / "store.sqlite3")
        code = store.save_draft(review)
        counter = iter(range(10**9))

        def autosave() -> None:
            review.assessor = f"edit {next(counter)}"  # a real change each time, as typing makes
            store.save_draft(review, code)

        results = timed(
            {
                "bare sqlite3 INSERT + COMMIT (baseline)": bare_insert(folder / "bare.sqlite3", body),
                "model_dump_json only (no database)": review.model_dump_json,
                "save_draft, new draft (INSERT)": lambda: store.save_draft(review),
                "save_draft, same draft (UPDATE: autosave)": autosave,
                "load a draft (SELECT + validate)": lambda: store.load(code),
            },
            args.calls,
            args.repeats,
        )
        per_second, lost = concurrent(folder / "busy.sqlite3", args.procs, args.calls)

    base_wall, base_cpu = results["bare sqlite3 INSERT + COMMIT (baseline)"]
    print(f"Store benchmark: {args.calls} calls x {args.repeats} repeats (median), review JSON {len(body):,} bytes\n")
    print(f"{'operation':<45} {'ms/call':>8} {'calls/s':>9} {'x base':>7} {'CPU ms':>8} {'x base':>7}")
    for name, (wall, cpu) in results.items():
        print(
            f"{name:<45} {wall * 1000:8.3f} {1 / wall:9,.0f} {wall / base_wall:7.2f} {cpu * 1000:8.3f} {cpu / base_cpu:7.2f}"
        )
    print(
        f"\n{args.procs} processes autosaving at once on one SQLite file: {per_second:,.0f} saves/s in total, "
        f"{lost} saves lost"
    )
    autosave_ms = results["save_draft, same draft (UPDATE: autosave)"][0] * 1000
    print(f"An autosave costs {autosave_ms:.2f} ms; with a 500 ms debounce that is {autosave_ms / 5:.2f}% of the time.")
    if lost:
        raise SystemExit(f"{lost} saves were lost")


if __name__ == "__main__":
    main()
