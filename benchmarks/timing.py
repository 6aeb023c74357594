"""Wall and CPU time of a call, for the benchmarks that time in-process work (report, handouts).

CPU time is printed beside wall time because it is far less disturbed by other processes'
load on a shared machine; the ratios the benchmarks print compare medians of both.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def once(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def median(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """The median (wall, CPU) seconds of ``repeats`` calls."""
    runs = [once(fn) for _ in range(repeats)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
