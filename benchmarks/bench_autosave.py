"""What does saving on every keystroke cost the self-assessment app?

The app writes the whole review to the store after every change (Voilà ends the
kernel when a tab closes, so anything not yet saved would be lost).  This
measures, in one run and on one SQLite file:

* ``widget only``: setting a Textarea's value with nobody listening (the floor a
  keystroke costs in any widget notebook);
* ``store.save_draft``: the store's own save of a full 13-commitment review;
* ``app keystroke``: a keystroke in the evidence box of the app, i.e. validate
  the entry, save the review, update the "saved" line.

The last line is the cost per keystroke as a ratio of the store's save; a
typist's 5-10 keystrokes a second stay far below one CPU core when a keystroke
costs a few milliseconds.

    python benchmarks/bench_autosave.py [--keystrokes 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import ipywidgets as w

from idpckit import data
from idpckit.assessment import Assessment, Entry
from idpckit.store import Store
from idpckit.widgets.self_assessment import SelfAssessmentApp


def per_call(fn, n: int) -> float:
    """Median seconds per call over ``n`` calls (after 10 warm-up calls)."""
    for i in range(10):
        fn(i)
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", type=int, default=300)
    n = parser.parse_args().keystrokes
    content = data.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        text = "Evidence typed one character at a time. " * 20

        box = w.Textarea()
        widget_only = per_call(lambda i: setattr(box, "value", text[: i % len(text) + 1]), n)

        review = Assessment(
            country="COL",
            year=2025,
            entries=[Entry(commitment_id=c.id, grade=3, evidence=text) for c in content.commitments],
        )
        code = store.save_draft(review)
        save = per_call(lambda i: store.save_draft(review, code), n)

        app = SelfAssessmentApp(store=store, content=content, today=dt.date(2025, 9, 1))
        app.start()
        app.setup.country.value = "Colombia"
        app.next.click()
        evidence = app.steps[app.position].evidence
        keystroke = per_call(lambda i: setattr(evidence, "value", text[: i % len(text) + 1]), n)

    print(f"{'widget only (floor)':<28}{widget_only * 1000:8.3f} ms")
    print(f"{'store.save_draft':<28}{save * 1000:8.3f} ms")
    print(f"{'app keystroke (autosave)':<28}{keystroke * 1000:8.3f} ms")
    print(f"app keystroke / store save: {keystroke / save:.2f}x; keystrokes per CPU-second: {1 / keystroke:,.0f}")


if __name__ == "__main__":
    main()
