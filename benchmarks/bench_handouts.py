"""How long do the handouts take, and what does keeping headings with their items cost?

A trainer runs ``idpckit handouts`` the evening before, or downloads one handout from
the served site's trainer page while the room waits.  In one process this measures:

* baseline: fpdf2's own way to keep a block on one page, ``offset_rendering()``, a trial
  rendering that deep-copies the whole document each time, used on the venues handout
  (the way the first version of ``idpckit.handouts`` did it);
* the venues handout as it is built now (``Sheet.need``: a dry-run height measurement);
* every handout, as ``idpckit handouts`` writes them (median of ``--repeats`` runs).

Prints wall and CPU milliseconds and the ratio to the baseline; asserts nothing.

    python benchmarks/bench_handouts.py [--repeats 3]
"""

from __future__ import annotations

import argparse

from timing import median  # this folder: wall and CPU time of a call


def venues_with_trial_rendering(content: object) -> bytes:
    """The venues handout with each venue's lead block kept together by fpdf2's trial rendering."""
    from idpckit import handouts

    s = handouts.Sheet("Advocacy venues and actions")
    s.title("Where to take your advocacy, and what to do there")
    for city in handouts.CITIES:
        venues = [a for a in content.avenues if a.city == city]
        for i, a in enumerate(venues):

            def lead(a: object = a, first: bool = i == 0, city: str = city) -> None:
                if first:
                    s.heading(handouts.CITY_HEADINGS[city], size=14, rule=True)
                s.heading(a.venue, size=11)
                s.text(a.why, size=9.5)
                s.text("Actions", size=9.5, style="B")
                s.boxes(a.actions[:1], size=9.5)

            with s.pdf.offset_rendering() as trial:
                lead()
            if trial.page_break_triggered:
                s.new_page()
            lead()
            s.boxes(a.actions[1:], size=9.5)
    return s.output()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from idpckit import data, handouts

    content = data.load()
    venues = next(h for h in handouts.HANDOUTS if h.name == "venues")
    handouts.render(venues, "a4", content)  # warm: fonts parsed, modules imported

    base_w, base_c = median(lambda: venues_with_trial_rendering(content), args.repeats)
    rows = [("baseline: venues, kept together by trial rendering", base_w, base_c)]
    w, c = median(lambda: handouts.render(venues, "a4", content), args.repeats)
    rows.append(("venues, kept together by measuring (now)", w, c))
    for h in handouts.available(content):
        w, c = median(lambda h=h: handouts.render(h, "a4", content), args.repeats)
        rows.append((f"handout {h.name}", w, c))
    total_w = sum(r[1] for r in rows[2:])
    total_c = sum(r[2] for r in rows[2:])
    rows.append(("all handouts (idpckit handouts)", total_w, total_c))
    print(f"{'what':55} {'wall ms':>9} {'CPU ms':>9} {'CPU / baseline':>15}")
    for name, w, c in rows:
        print(f"{name:55} {w * 1000:9.0f} {c * 1000:9.0f} {c / base_c:15.2f}")


if __name__ == "__main__":
    main()
