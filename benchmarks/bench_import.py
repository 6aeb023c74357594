"""How much does `import idpckit` cost a fresh Voilà kernel?

Every visitor gets a new kernel, so import time is paid on every page load.
Measured in one run against two baselines: an empty interpreter (`pass`) and
the imports a typical notebook pays anyway (`import ipywidgets`).  Each figure
is the median of N fresh interpreters; `-X importtime` gives the cumulative
microseconds of the idpckit package itself.

    python benchmarks/bench_import.py [--runs 15]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass (floor)": "pass",
    "import ipywidgets (baseline)": "import ipywidgets",
    "import idpckit": "import idpckit",
    "idpckit: load all content": "import idpckit.data as d; d.load()",
    "idpckit: load content + Table 1": "import idpckit.data as d, idpckit.table1 as t; t.rows(d.load())",
}


def wall(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def own_import_us() -> int:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import idpckit"], capture_output=True, text=True)
    for line in out.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s+idpckit$", line)
        if match:
            return int(match.group(1))
    raise RuntimeError("idpckit not found in -X importtime output")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    wall(CASES["import idpckit"], 2)  # warm the file cache and .pyc files
    results = {name: wall(code, args.runs) for name, code in CASES.items()}
    floor = results["python -c pass (floor)"]
    base = results["import ipywidgets (baseline)"]
    print(f"{'case':36} {'median ms':>10} {'x floor':>8} {'x ipywidgets':>13}")
    for name, seconds in results.items():
        print(f"{name:36} {seconds * 1000:10.1f} {seconds / floor:8.2f} {seconds / base:13.2f}")
    print(f"\n-X importtime, cumulative for the idpckit package: {own_import_us() / 1000:.1f} ms")


if __name__ == "__main__":
    main()
