"""How long does one report take, in HTML and in PDF?

A trainer clicks "Download report" in the app, or runs ``idpckit report``;
this measures what they wait for.  One full review (all 13 commitments, with
evidence, sources and recommendations in Spanish, French and Russian) is
rendered, in one process:

* baseline: parsing the same review from its JSON bytes (``parse_assessment``),
  the cheapest thing the app does with a review;
* the first HTML and the first PDF report (cold: matplotlib, fonts and templates
  are loaded on first use, as in a fresh Voilà kernel);
* then the median of ``--repeats`` warm runs of each, and of the scorecard chart alone.

Prints absolute milliseconds (wall and CPU) and the ratio to the baseline; asserts nothing.

    python benchmarks/bench_report.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import os
import random

from timing import median, once  # this folder: wall and CPU time of a call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    from bench_aggregate import make_review  # same folder: a realistic full review

    from idpckit.assessment_io import parse_assessment

    review = make_review(0, random.Random(2019))
    payload = review.to_json().encode("utf-8")
    parse_assessment(payload, "review.json")  # content and countries loaded once, as in the app

    results: dict[str, tuple[float, float]] = {}
    results["parse the review's JSON (baseline)"] = median(lambda: parse_assessment(payload, "review.json"), 200)

    from idpckit import plots, report

    html_len = pdf_len = 0

    def html() -> None:
        nonlocal html_len
        html_len = len(report.html_report(review).encode("utf-8"))

    def pdf() -> None:
        nonlocal pdf_len
        pdf_len = len(report.pdf_report(review))

    results["HTML report, first (cold)"] = once(html)
    results["PDF report, first (cold)"] = once(pdf)
    results["HTML report (warm median)"] = median(html, args.repeats)
    results["PDF report (warm median)"] = median(pdf, args.repeats)
    results["scorecard chart alone -> SVG"] = median(lambda: plots.to_svg(plots.scorecard(review)), args.repeats)

    base_wall, base_cpu = results["parse the review's JSON (baseline)"]
    print(f"One review: {len(review.entries)} commitments, {len(payload) / 1000:.1f} kB of JSON")
    print(f"HTML report {html_len / 1000:.0f} kB, PDF report {pdf_len / 1000:.0f} kB\n")
    print(f"{'case':38} {'wall ms':>9} {'x parse':>8} {'CPU ms':>9} {'x parse':>8}")
    for name, (w, c) in results.items():
        print(f"{name:38} {w * 1000:9.1f} {w / base_wall:8.0f} {c * 1000:9.1f} {c / base_cpu:8.0f}")
    print(f"\nLoad average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()
