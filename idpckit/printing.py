"""Each lesson as a printable PDF, for trainees without a laptop (``idpckit lessons --pdf -o DIR``).

The lesson notebook is executed in a real kernel (nbclient, as the notebook tests do),
so every table and chart is the one the web page shows.  Its text and outputs are put
into a plain HTML page with a print stylesheet (greyscale, DejaVu fonts, A4 or Letter),
and Debian's Chromium prints that page to PDF with every network name unresolvable, so
nothing is fetched.  Interactive exercises cannot print, so each exercise widget is
replaced by a worksheet made from its wording in ``data/exercises/``: the question, the
choices with boxes to tick, lines to write on; never the answer.

Chromium is found as ``$IDPCKIT_CHROMIUM``, ``chromium`` or ``chromium-browser`` on the
PATH, or ``/usr/bin/chromium``; without it the command says how to install it.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__, catalog, data
from .files import write_atomic
from .i18n import _, ngettext
from .slides import _call, _markdown
from .style import css
from .text import esc

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CELL_TIMEOUT_S = 180
PRINT_TIMEOUT_S = 120
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


class PrintError(RuntimeError):
    """A lesson cannot be printed (no Chromium, a cell failed, Chromium failed); the message says what to do."""


def find_chromium() -> str:
    """The Chromium to print with, or a :class:`PrintError` saying how to get one."""
    for candidate in (os.environ.get("IDPCKIT_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"):
        if candidate:
            found = shutil.which(candidate) or (candidate if os.access(candidate, os.X_OK) else None)
            if found:
                return found
    raise PrintError(
        _(
            "Printing lessons needs the Chromium browser. Install it (Debian or Ubuntu: sudo apt install chromium), "
            "or set IDPCKIT_CHROMIUM to the path of a Chromium or Chrome program."
        )
    )


# --------------------------------------------------------------------------- worksheets


def _box_list(items: Iterable[str]) -> str:
    return '<ul class="ticks">' + "".join(f"<li>☐ {esc(i)}</li>" for i in items) + "</ul>"


def _lines(n: int) -> str:
    return '<div class="lines">' + '<div class="line"></div>' * n + "</div>"


def worksheet(source: str, content: data.Content) -> str:
    """The printable stand-in for an exercise widget cell: its question, choices and room to answer."""
    call = _call(source)
    if call is None:
        return '<p class="note">An interactive part of the lesson page is not printed here.</p>'
    _module, function, args, _ = call
    if function == "from_data" and len(args) == 2:
        from . import exercises

        try:
            spec = exercises.get(args[0], args[1], content)
        except Exception:
            return '<p class="note">An exercise of the lesson page could not be printed.</p>'
        kind = getattr(spec, "kind", "")
        out = f'<div class="exercise"><h3>✎ {esc(spec.title)}</h3>{_markdown()(str(spec.prompt))}'
        if kind == "choice":
            out += _box_list(o.text for o in spec.options)
        elif kind == "sort":
            bins = " / ".join(esc(b) for b in spec.bins)
            out += f"<p>Write one of: <b>{bins}</b></p>"
            out += '<ul class="blanks">' + "".join(f"<li>{esc(i.text)}: ________</li>" for i in spec.items) + "</ul>"
        elif kind == "match":
            rights = sorted({p.right for p in spec.pairs} | set(getattr(spec, "distractors", []) or []))
            out += '<ul class="blanks">' + "".join(f"<li>{esc(p.left)}: ________</li>" for p in spec.pairs) + "</ul>"
            out += "<p>Choose from: " + "; ".join(esc(r) for r in rights) + "</p>"
        else:
            out += _lines(6)
        return out + "</div>"
    hints = {
        "Table1Quiz": "The Table 1 quiz runs on the lesson page. On paper: take the Table 1 handout and ask each "
        "other which documents anchor a commitment, and which are silent.",
        "AdvocacyPlanBuilder": "On paper: take the venues handout and the calendar, and write your 12-month plan "
        "month by month: what, where, who.",
        "RubricBrowser": "The rubric for each commitment is printed on the grading sheet handout.",
        "Timeline": "The timeline is drawn as a chart below.",
    }
    return (
        f'<p class="note">{esc(hints.get(function, "An interactive part of the lesson page is not printed here."))}</p>'
    )


# --------------------------------------------------------------------------- the page


def _output_html(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind not in ("display_data", "execute_result"):
        return ""  # streams and errors are for developers, not for a printed lesson
    bundle = output.get("data", {})
    if "text/html" in bundle:
        html = bundle["text/html"]
        return "".join(html) if isinstance(html, list) else str(html)
    if "image/svg+xml" in bundle:
        svg = bundle["image/svg+xml"]
        return "".join(svg) if isinstance(svg, list) else str(svg)
    if "image/png" in bundle:
        png = str(bundle["image/png"]).replace("\n", "")
        base64.b64decode(png, validate=True)  # only a real image goes into the page
        return (
            f'<img alt="A chart of the lesson; its values are described in the text" src="data:image/png;base64,{png}">'
        )
    if "text/plain" in bundle:
        text = bundle["text/plain"]
        return f"<pre>{esc(''.join(text) if isinstance(text, list) else text)}</pre>"
    return ""


def lesson_html(entry: catalog.Entry, nb: Any, content: data.Content, paper: str = "a4") -> str:
    """One executed lesson as a print page: text, tables and charts, exercises as worksheets."""
    from .report import font_paths

    fonts = "".join(
        f'@font-face{{font-family:"DejaVu Sans";src:url("{p.as_uri()}");font-weight:{w};font-style:{s}}}'
        for p, w, s in zip(font_paths().values(), ("400", "700", "400"), ("normal", "normal", "italic"), strict=True)
    )
    md = _markdown()
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(md(cell.source))
        elif cell.cell_type == "code":
            outputs = cell.get("outputs", [])
            if any(WIDGET_MIME in o.get("data", {}) for o in outputs):
                parts.append(worksheet(cell.source, content))
                continue
            parts.extend(_output_html(o) for o in outputs)
    size = PAGE_SIZES[paper]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Lesson {entry.order}: {esc(entry.title)}</title>
<style>
{fonts}
@page {{ size: {size}; margin: 16mm 15mm 18mm; }}
{css("print.css")}</style></head><body>
{"".join(parts)}
<footer>Printed from the kit's lesson "{esc(entry.title)}" (idpckit {esc(__version__)}). The exercises'
answers are in the trainer's solutions.</footer>
<script>for (const d of document.querySelectorAll("details")) d.open = true;</script>
</body></html>
"""


def execute(entry: catalog.Entry) -> Any:
    """The lesson notebook, run top to bottom in a fresh kernel with the notebook's folder as working directory."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(entry.path, as_version=4)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(entry.path.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        first = str(exc).strip().splitlines()[-1:] or ["a cell failed"]
        raise PrintError(
            _("Lesson {number} ({file}) could not be run: {problem}").format(
                number=entry.order, file=entry.path.name, problem=first[0]
            )
        ) from None
    return nb


def print_pdf(html: str, target: Path, chromium: str | None = None) -> None:
    """Print ``html`` to ``target`` with headless Chromium; no network name resolves while it does."""
    exe = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="idpckit-print-") as tmp:
        page = Path(tmp) / "lesson.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "lesson.pdf"
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise PrintError(
                ngettext(
                    "Chromium did not finish printing within {n} second.",
                    "Chromium did not finish printing within {n} seconds.",
                    PRINT_TIMEOUT_S,
                ).format(n=PRINT_TIMEOUT_S)
            ) from None
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
            raise PrintError(_("Chromium could not print the lesson ({problem}).").format(problem=tail[0]))
        write_atomic(target, out.read_bytes())


def build(
    out_dir: str | os.PathLike[str],
    paper: str = "a4",
    orders: Iterable[int] | None = None,
    notebooks: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Print the lessons (all, or those numbered ``orders``) into ``out_dir`` as ``NN-name.pdf``."""
    if paper not in PAGE_SIZES:
        raise PrintError(_("'{paper}' is not a paper size we print on; use a4 or letter.").format(paper=paper))
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PrintError(
            _("{path} is a file, not a folder; choose a folder to write the lessons into.").format(path=out)
        )
    lessons = [e for e in catalog.catalog(notebooks) if e.kind == "lesson"]
    if orders is not None:
        wanted = set(orders)
        unknown = sorted(wanted - {e.order for e in lessons})
        if unknown:
            known = ", ".join(str(e.order) for e in lessons)
            raise PrintError(
                ngettext(
                    "There is no lesson {unknown}; the lessons are {known}.",
                    "There are no lessons {unknown}; the lessons are {known}.",
                    len(unknown),
                ).format(unknown=", ".join(map(str, unknown)), known=known)
            )
        lessons = [e for e in lessons if e.order in wanted]
    chromium = find_chromium()
    content = data.load()
    written = []
    for entry in lessons:
        nb = execute(entry)
        target = out / f"{entry.path.stem}.pdf"
        print_pdf(lesson_html(entry, nb, content, paper), target, chromium)
        written.append(target)
    return written
