"""How much does merging a coalition's reviews cost, compared with just reading them?

Issue 3's target: aggregating 1,000 assessments takes at most 3x the time of
merely parsing the same 1,000 files.  Everything is measured in one run, in
one process, on files generated into a temporary folder (full reviews of all
13 commitments, with evidence, sources and recommendations in several
languages, one country and year):

* baseline: ``read_assessment`` on every file (size check, UTF-8, JSON, schema);
* merge only: ``coalition.merge`` on the parsed reviews;
* aggregate to CSV / HTML: read every file, merge, and render the coalition CSV
  or the coalition page (with its chart), as ``idpckit aggregate`` does;
* the command itself (``idpckit aggregate DIR -o OUT.csv``, in process).

Each figure is the median of ``--repeats`` rounds, cases interleaved, as wall and CPU time.
Prints figures; asserts nothing.

    python benchmarks/bench_aggregate.py [--files 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from idpckit import data
from idpckit.assessment import Assessment, Entry, Source

TEXTS = (
    "Las organizaciones de base documentaron 42 detenciones por posesión para consumo personal en 2024.",
    "Les programmes d'échange de seringues restent limités à deux villes ; la méthadone n'est pas remboursée.",
    "Снижение вреда: программы обмена шприцев работают только в столице, заместительная терапия запрещена.",
    "The national drug observatory publishes seizure data only; no figures on overdose deaths or HIV.",
)


def make_review(i: int, rng: random.Random, *, country: str = "XVR", year: int = 2024) -> Assessment:
    """A complete, realistic review of all 13 commitments (fictional country)."""
    entries = []
    for c in data.load().commitments:
        grade = rng.choice([1, 2, 3, 4, 5, None]) if rng.random() > 0.05 else None
        entries.append(
            Entry(
                commitment_id=c.id,
                grade=grade,
                evidence=" ".join(rng.choice(TEXTS) for _ in range(rng.randint(1, 4))),
                sources=[
                    Source(
                        title=f"Report {i}-{k}",
                        link=f"https://example.org/{i}/{k}",
                        kind=rng.choice(["data", "report"]),
                    )
                    for k in range(rng.randint(0, 3))
                ],
                recommendation=rng.choice(TEXTS),
                confidence=rng.choice(["low", "medium", "high", None]),
            )
        )
    return Assessment(
        country=country,
        year=year,
        organisations=[f"Organisation {i}"],
        assessor=f"Assessor {i}",
        fictional=True,
        entries=entries,
    )


def write_files(folder: Path, n: int, seed: int = 2019) -> list[Path]:
    from idpckit.assessment_io import write_json

    rng = random.Random(seed)
    return [write_json(make_review(i, rng), folder / f"review-{i:04d}.json") for i in range(n)]


def measure(cases: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per case, the cases interleaved round by round.

    Interleaving spreads any load from other processes over every case alike, and
    CPU time (this process only) is far less sensitive to such load than wall time.
    """
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - w0)
            cpu[name].append(time.process_time() - c0)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from click.testing import CliRunner

    from idpckit import report
    from idpckit.assessment_io import read_assessment
    from idpckit.cli import main as cli
    from idpckit.coalition import merge

    with tempfile.TemporaryDirectory(prefix="idpckit-bench-") as tmp:
        folder = Path(tmp) / "reviews"
        paths = write_files(folder, args.files)
        size = sum(p.stat().st_size for p in paths)
        print(f"{args.files} review files, {size / 1e6:.1f} MB in all ({size / args.files / 1000:.1f} kB each)")

        def parse() -> list[Assessment]:
            return [read_assessment(p) for p in paths]

        parsed = parse()  # warm caches (content, pycountry, file cache) before timing anything
        report.coalition_html(parsed[:2])  # and matplotlib, fonts, templates

        out = Path(tmp) / "coalition.csv"

        def command() -> None:
            result = CliRunner().invoke(cli, ["aggregate", str(folder), "-o", str(out)])
            assert result.exit_code == 0, result.output

        results = measure(
            {
                "parse only (baseline)": parse,
                "merge only (parsed reviews)": lambda: merge(parsed),
                "aggregate -> CSV (read + merge + CSV)": lambda: report.coalition_csv(parse()),
                "aggregate -> HTML (read + merge + page)": lambda: report.coalition_html(parse()),
                "idpckit aggregate DIR -o OUT.csv": command,
            },
            args.repeats,
        )

    base_wall, base_cpu = results["parse only (baseline)"]
    print(f"\n{'case':42} {'wall ms':>9} {'x parse':>8} {'CPU ms':>9} {'x parse':>8}")
    for name, (w, c) in results.items():
        print(f"{name:42} {w * 1000:9.1f} {w / base_wall:8.2f} {c * 1000:9.1f} {c / base_cpu:8.2f}")
    slowest = max(c / base_cpu for name, (_, c) in results.items() if name.startswith(("aggregate", "idpckit")))
    verdict = "met" if slowest <= 3 else "NOT met"
    print(
        f"\nTarget (aggregation <= 3x parse time): {verdict}; slowest aggregation is {slowest:.2f}x parse (CPU time)."
    )
    print(
        f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times suffer from it)."
    )


if __name__ == "__main__":
    main()
