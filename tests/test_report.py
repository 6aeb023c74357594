"""Reports for a meeting with the government: complete, self-contained, escaped, Unicode-safe."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import chromium_helpers  # this folder: the one Chromium of the tests and its flags
import pytest
from pypdf import PdfReader

from idpckit import data, report, scales, table1
from idpckit.assessment import Assessment, Entry, Source
from idpckit.compare import between

SCRIPT = "<script>alert(1)</script>"
SPANISH = "Niñas y niños: acción pública, educación y reducción de daños"
FRENCH = "Réduction des risques : l'accès à la méthadone reste très limité à Cayenne"
RUSSIAN = "Снижение вреда: доступ к метадону по-прежнему запрещён"


def review(**overrides) -> Assessment:
    fields = {
        "country": "XVR",
        "year": 2024,
        "organisations": ["Red Veridiana de Reducción de Daños", "Collectif Santé & Droits"],
        "assessor": "Ana Pérez",
        "date": dt.date(2024, 9, 30),
        "fictional": True,
        "entries": [
            Entry(
                commitment_id="harm-reduction",
                grade=2,
                evidence=f"{SPANISH}\n{FRENCH}\n{RUSSIAN}",
                sources=[
                    Source(
                        title="Ministry of Health annual report", link="https://example.org/moh-2024.pdf", kind="data"
                    ),
                    Source(
                        title="Interviews with 12 outreach workers", link="Field notes, June 2024", kind="testimony"
                    ),
                    Source(title="Bad link", link="javascript:alert(1)", kind="other"),
                ],
                recommendation="Fund needle and syringe programmes in every region.",
                confidence="high",
            ),
            Entry(commitment_id="alternatives", grade=4, evidence=SCRIPT, recommendation='Say "no" to <b>prison</b>'),
            Entry(commitment_id="data", grade=None),
        ],
    }
    fields.update(overrides)
    return Assessment(**fields)


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def named(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --------------------------------------------------------------------------- HTML


def test_user_html_and_script_are_shown_as_text_never_run() -> None:
    html = report.html_report(review())
    tags = Tags(html)
    assert tags.named("script") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;prison&lt;/b&gt;" in html and "<b>" not in html
    assert tags.named("b") == []
    # no event handlers or javascript: links anywhere
    for _, attrs in tags.tags:
        assert not any(k.startswith("on") for k in attrs)
        assert not any((v or "").strip().lower().startswith("javascript:") for v in attrs.values())
    # the unsafe link is kept as text, so nothing the assessor wrote is lost
    assert "javascript:alert(1)" in html


def test_every_field_a_user_types_is_escaped() -> None:
    a = review(
        organisations=[SCRIPT],
        assessor=f"{SCRIPT} & co",
        entries=[
            Entry(
                commitment_id="stigma",
                grade=1,
                evidence="<img src=x onerror=alert(1)>",
                sources=[Source(title=SCRIPT, link='https://example.org/"><script>alert(2)</script>', kind="report")],
                recommendation=SCRIPT,
            )
        ],
    )
    for html in (report.html_report(a), report.coalition_html([a, a]), report.compare_html(between(a, a))):
        tags = Tags(html)
        assert tags.named("script") == [] and all(attrs.get("src") != "x" for attrs in tags.named("img"))
        assert not any(k.startswith("on") for _, attrs in tags.tags for k in attrs)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_traffic_light_reviews_and_unknown_commitments_render() -> None:
    a = review(
        scale="traffic-light",
        fictional=False,
        entries=[Entry(commitment_id="gender", grade="orange"), Entry(commitment_id="not-in-table-1", grade="red")],
    )
    text = squash(report.html_report(a))
    assert "▲ Orange · Needs improvement" in text and "✖ Red · Requires urgent attention" in text
    assert "not-in-table-1" in text  # shown under its own id, after the Table 1 commitments
    assert text.index("Developing gender-sensitive policies") < text.index("not-in-table-1")
    assert "▲ Orange · Needs improvement" in pdf_text(report.pdf_report(a))


def test_html_is_one_self_contained_file_with_a_print_stylesheet() -> None:
    html = report.html_report(review())
    tags = Tags(html)
    assert tags.named("link") == []  # no external stylesheet
    assert len(tags.named("style")) == 1 and "@media print" in html
    images = tags.named("img")
    assert len(images) == 1
    src = images[0]["src"] or ""
    assert src.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert images[0]["alt"]
    # nothing is fetched from elsewhere when the file is opened offline
    assert not [a for _, a in tags.tags if (a.get("src") or "").startswith(("http:", "https:", "//"))]
    assert '<meta charset="utf-8">' in html


def test_html_report_has_every_part_the_meeting_needs() -> None:
    a = review()
    html = report.html_report(a)
    content = data.load()
    text = squash(html)
    for expected in (
        "Veridia",
        "2024",
        "Red Veridiana de Reducción de Daños; Collectif Santé &amp; Droits",
        "Ana Pérez",
        "2024-09-30",
        scales.SCALE_LABELS["five-point"],
        "3 tracked, 2 graded, 1 not assessed",
    ):
        assert expected in text, expected
    # commitments in Table 1 order, each with title, grade label and symbol
    order = [text.index(content.commitment(cid).title) for cid in ("alternatives", "harm-reduction", "data")]
    assert order == sorted(order)
    assert "2 ▼ · Serious shortcomings" in text and "4 ◆ · Mostly good" in text and "– Not assessed" in text
    # evidence, sources (title, link, kind), recommendation, confidence
    for piece in (SPANISH, FRENCH.replace("'", "&#39;"), RUSSIAN, "Fund needle and syringe programmes"):
        assert piece in html, piece
    assert '<a href="https://example.org/moh-2024.pdf">Ministry of Health annual report</a>' in html
    assert "Interviews with 12 outreach workers — Field notes, June 2024" in text
    assert "(testimony)" in text and "(data)" in text
    assert "<strong>Confidence:</strong> high" in text
    # the references in the three UN documents, with links to the documents
    for doc_id in ("ungass2016", "md2019", "cp2018"):
        doc = content.document(doc_id)
        assert f'<a href="{doc.url}">{doc.short_name}</a>' in html
        cell = table1.render(content.references_for("harm-reduction", doc_id))
        assert cell in text
    assert "OP 1.k, 1.m, 1.o" in text  # as the note prints harm reduction's UNGASS references


def test_fictional_reviews_are_marked_prominently_and_real_ones_are_not() -> None:
    html = report.html_report(review())
    banner = html.index('class="fictional"')
    assert banner < html.index("<h1")  # before anything else on the page
    real = report.html_report(review(country="COL", fictional=False))
    assert 'class="fictional"' not in real and "Fictional example" not in real


def test_grade_colours_come_with_words_for_greyscale_printing() -> None:
    html = report.html_report(review())
    for lv in scales.FIVE_POINT.values():
        assert f".grade.five-{lv.value} {{ background: {lv.colour}" in html
    # every badge carries words, not just a colour
    badges = re.findall(r'<span class="grade [^"]+">([^<]*)</span>', html)
    assert badges and all(re.search(r"[A-Za-z]{4,}", b) for b in badges)


# --------------------------------------------------------------------------- PDF


def pdf_text(payload: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages))


def test_pdf_renders_spanish_french_and_russian_in_an_embedded_unicode_font() -> None:
    payload = report.pdf_report(review())
    assert payload.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(payload))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # the TrueType font is embedded, not referenced
    assert any("DejaVu" in f for f in fonts)
    text = pdf_text(payload)
    for sentence in (SPANISH, FRENCH, RUSSIAN):
        assert squash(sentence) in text, sentence


def test_pdf_has_the_same_contents_as_the_html() -> None:
    a = review()
    text = pdf_text(report.pdf_report(a))
    content = data.load()
    assert "FICTIONAL EXAMPLE" in text
    for expected in (
        "Ana Pérez",
        "2024-09-30",
        "Red Veridiana de Reducción de Daños; Collectif Santé & Droits",
        "3 tracked, 2 graded, 1 not assessed",
        "2 ▼ · Serious shortcomings",
        "– Not assessed",
        "Ministry of Health annual report — https://example.org/moh-2024.pdf (data)",
        "Fund needle and syringe programmes in every region.",
        "Confidence: high",
        SCRIPT,  # shown as typed, as text
        squash(content.commitment("harm-reduction").title),
        "OP 1.k, 1.m, 1.o",
        "UN System Common Position",
    ):
        assert expected in text, expected


def test_pdf_links_sources_and_un_documents_but_not_unsafe_links() -> None:
    reader = PdfReader(io.BytesIO(report.pdf_report(review())))
    uris = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    assert "https://example.org/moh-2024.pdf" in uris
    assert data.load().document("md2019").url in uris
    assert not any(u.startswith("javascript") for u in uris)


def test_pdf_survives_control_characters_and_scripts_the_font_lacks() -> None:
    a = review(
        fictional=False,
        entries=[Entry(commitment_id="stigma", grade=3, evidence="tab\there\x00nul\r\nnext line 中文 😀")],
    )
    text = pdf_text(report.pdf_report(a))
    assert "tab here" in text and "next line" in text
    assert "FICTIONAL EXAMPLE" not in text


# --------------------------------------------------------------------------- compare and coalition


def test_compare_html_lists_what_improved_and_worsened() -> None:
    old = review(
        year=2023, entries=[Entry(commitment_id="alternatives", grade=2), Entry(commitment_id="stigma", grade=4)]
    )
    new = review(
        entries=[
            Entry(commitment_id="alternatives", grade=4, evidence=SCRIPT),
            Entry(commitment_id="stigma", grade=3, recommendation="Train nurses"),
        ]
    )
    html = report.compare_html(between(old, new))
    text = squash(html)
    assert Tags(html).named("script") == []
    assert "&lt;script&gt;" in html
    assert "↑ Improved (+2)" in text and "↓ Worsened (−1)" in text
    words = squash(re.sub(r"<[^>]+>", "", html))
    assert "↑ Improved: 1 · ↓ Worsened: 1 · = Unchanged: 0" in words
    assert "Train nurses" in text
    assert Tags(html).named("img")[0]["src"].startswith("data:image/svg+xml;base64,")
    with pytest.raises(ValueError, match="different countries"):
        report.compare_html(between(old, review(country="COL")))


def test_compare_html_explains_when_scales_differ() -> None:
    old = review(year=2023, entries=[Entry(commitment_id="alternatives", grade=4)])
    new = review(scale="traffic-light", entries=[Entry(commitment_id="alternatives", grade="green")])
    text = squash(report.compare_html(between(old, new)))
    assert "compared as traffic lights" in text and "= Unchanged" in text


def coalition_reviews(n: int = 3) -> list[Assessment]:
    grades = [(1, 3), (3, 3), (5, 4), (2, 3), (3, 3)]
    return [
        review(
            organisations=[f'=HYPERLINK("http://evil") NGO {i}' if i == 0 else f"<i>NGO</i> {i}"],
            assessor="",
            entries=[Entry(commitment_id="alternatives", grade=g1), Entry(commitment_id="stigma", grade=g2)],
        )
        for i, (g1, g2) in enumerate(grades[:n])
    ]


def test_coalition_html_shows_consensus_and_disagreements_escaped() -> None:
    html = report.coalition_html(coalition_reviews())
    text = squash(html)
    assert "&lt;i&gt;NGO&lt;/i&gt; 1" in html and "<i>" not in html
    assert "Where assessors disagree" in text
    disagreements = html.split('id="disagree"')[1].split("</section>")[0]
    assert "Promoting alternatives" in disagreements and "Reducing stigma" not in disagreements
    assert "grades from 1 to 5 (median 3)" in text
    assert "Grades by review" in text  # few reviews: each one's grades are listed


def test_coalition_page_and_its_chart_merge_the_reviews_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from idpckit import coalition, plots

    calls = []
    real = coalition.merge
    for module in (coalition, plots, report):  # wherever a view could call it from
        monkeypatch.setattr(module, "merge", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert "NGO" in report.coalition_html(coalition_reviews())
    assert len(calls) == 1


def test_coalition_html_with_many_reviews_points_to_the_csv() -> None:
    reviews = coalition_reviews(1) * (report.MATRIX_LIMIT + 1)
    text = squash(report.coalition_html(reviews))
    assert "Grades by review" not in text and "export the coalition view as CSV" in text


def test_coalition_csv_one_row_per_commitment_and_formulas_neutralised() -> None:
    rows = list(csv.DictReader(io.StringIO(report.coalition_csv(coalition_reviews()))))
    assert [r["commitment_id"] for r in rows] == ["alternatives", "stigma"]
    alt = rows[0]
    assert (alt["median_score"], alt["lowest_score"], alt["highest_score"], alt["disagree"]) == ("3", "1", "5", "yes")
    assert alt["median_light"] == "orange" and alt["reviews_graded"] == "3"
    assert rows[1]["disagree"] == "no"
    # one column per review, headed by its name; the name a member typed is shown, never run
    grade_columns = list(alt)[-3:]
    assert grade_columns == ['\'=HYPERLINK("http://evil") NGO 0', "<i>NGO</i> 1", "<i>NGO</i> 2"]
    assert all(not k.startswith(("=", "+", "-", "@")) for k in alt)
    assert [alt[k] for k in grade_columns] == ["1", "3", "5"]


# --------------------------------------------------------------------------- in a real browser


@pytest.mark.browser
def test_report_in_chromium_runs_no_user_script_and_prints(tmp_path) -> None:
    """Open the report as a file in Chromium: no alert fires, the chart loads offline, and it prints."""
    playwright = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "report.html"
    page_file.write_text(report.html_report(review()), encoding="utf-8")
    dialogs: list[str] = []
    with playwright.sync_playwright() as p:
        browser = chromium_helpers.launch(p.chromium)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            assert page.locator("script").count() == 0
            assert SCRIPT in page.inner_text("body")  # shown as the assessor typed it
            chart = page.locator("figure img")
            assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
            assert all(u.startswith(("file:", "data:")) for u in requests)
            page.emulate_media(media="print")
            assert page.locator(".commitment").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid-page"
            pdf = page.pdf(format="A4")
        finally:
            browser.close()
    assert dialogs == []
    assert "Ministry of Health" in pdf_text(pdf)


def test_a_status_instead_of_a_grade_is_shown_in_words_in_html_and_pdf() -> None:
    """'No evidence found' and 'not applicable' are findings, not grades: each report says so in words."""
    a = review(
        entries=[
            Entry(commitment_id="harm-reduction", grade=2),
            Entry(
                commitment_id="data", status="no evidence found", evidence="Asked the ministry; no report since 2021."
            ),
            Entry(commitment_id="root-causes", status="not applicable"),
            Entry(commitment_id="gender"),
        ]
    )
    html = squash(report.html_report(a))
    assert "1 tracked" not in html and "4 tracked, 1 graded, 1 not assessed" in html  # statuses are not 'not assessed'
    article = html.split('id="c-data"', 1)[1].split("</article>", 1)[0]
    assert '<span class="grade none status">○ No evidence found</span>' in article and "Not assessed" not in article
    assert "found none: a finding in itself, not a low grade" in article
    root = html.split('id="c-root-causes"', 1)[1].split("</article>", 1)[0]
    assert "○ Not applicable" in root and "does not apply in this country" in root
    assert '<td><span class="grade none status">○ No evidence found</span></td><td>1</td>' in html  # summary table
    text = squash(pdf_text(report.pdf_report(a)))
    assert "○ No evidence found" in text and "○ Not applicable" in text
    assert "a finding in itself, not a low grade" in text and "4 tracked, 1 graded, 1 not assessed" in text
    spanish = squash(report.html_report(a, lang="es"))
    assert "No evidence found" not in spanish, "the status is translated with the report"


# --------------------------------------------------------------------------- PDF layout

#: The labels that head something in a commitment's section; none may be the last line of a page.
PDF_LABELS = {
    "en": ("Commitment by commitment", "Evidence", "Sources", "Recommendation", "Where the commitment is made"),
    "es": ("Compromiso por compromiso", "Evidencia", "Fuentes", "Recomendación", "Dónde se asume el compromiso"),
}


def pdf_pages(pdf: bytes) -> list[list[str]]:
    """Each page's lines as drawn, without the running head (first line) and the page number (last)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        assert re.match(r"^(Page|Página|Страница) \d+ (of|de|из) \d+", lines[-1]), lines[-1]
        pages.append(lines[1:-1])
    return pages


def veridia(**changes) -> Assessment:
    from idpckit.assessment_io import read_assessment

    example = read_assessment(data.data_dir() / "examples" / "veridia-2024.json")
    return example.model_copy(update=changes)


@pytest.mark.parametrize(("lang", "fictional"), [("en", True), ("en", False), ("es", True), ("ru", True)])
def test_pdf_first_page_holds_the_summary_and_the_chart_and_the_commitments_follow(lang: str, fictional: bool) -> None:
    """The first page was a third full, then the chart stood alone on the second: now the 13-commitment
    example's summary and scorecard share page 1 (its title three lines long in Russian, with the
    fictional notice), and the commitments start at the top of page 2."""
    pdf = report.pdf_report(veridia(fictional=fictional), lang=lang)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages[0].images) == 1, "the scorecard is not on the first page"
    assert all(len(page.images) == 0 for page in reader.pages[1:])
    heading = {"en": "Commitment by commitment", "es": "Compromiso por compromiso", "ru": "По каждому обязательству"}
    pages = pdf_pages(pdf)
    assert pages[1][0] == heading[lang], pages[1][:2]
    assert pages[1][1].startswith("1. ")


def long_and_short_review(seed: int) -> Assessment:
    """Evidence, sources and recommendations of many lengths, so section labels fall at every height of a page."""
    import random

    rng = random.Random(seed)
    words = ("the", "ministry", "funds", "needle", "and", "syringe", "programmes", "in", "few", "provinces")

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    entries = []
    for c in data.load().commitments:
        entries.append(
            Entry(
                commitment_id=c.id,
                grade=rng.randint(1, 5),
                evidence=text(rng.randint(0, 160)),
                sources=[
                    Source(title=text(rng.randint(2, 9)), link=f"https://example.org/{i}", kind="report")
                    for i in range(rng.randint(0, 3))
                ],
                recommendation=text(rng.randint(0, 90)),
            )
        )
    return review(entries=entries)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("lang", ["en", "es"])
def test_pdf_never_leaves_a_heading_or_label_alone_at_the_foot_of_a_page(seed: int, lang: str) -> None:
    pdf = report.pdf_report(long_and_short_review(seed), lang=lang)
    pages = pdf_pages(pdf)
    assert len(pages) >= 4
    for number, lines in enumerate(pages[:-1], start=1):
        last = lines[-1]
        assert last not in PDF_LABELS[lang], f"page {number} ends with the label {last!r}"
        assert not re.match(r"^\d+\. ", last), f"page {number} ends with the commitment heading {last!r}"


def test_pdf_counts_commitments_in_words_with_plurals() -> None:
    text = pdf_text(report.pdf_report(veridia()))
    assert "1 commitment " in text + " " and "6 commitments" in text and "5 commitments" in text
    assert "1 commitments" not in text
    spanish = pdf_text(report.pdf_report(veridia(), lang="es"))
    assert "1 compromiso " in spanish + " " and "6 compromisos" in spanish


def test_pdf_labels_longer_in_spanish_never_run_into_their_values() -> None:
    """ "Año de la evaluación" and "Posición común del sistema de la ONU" are wider than the English labels'
    column was: the value printed over the label's last letters ("evaluación2024")."""
    text = pdf_text(report.pdf_report(veridia(), lang="es"))
    assert "Año de la evaluación 2024" in text
    after = re.findall(r"Posición común del sistema de la ONU(.)", text)
    assert after and set(after) == {" "}, after


# --------------------------------------------------------------------------- PDF in greyscale


def pdf_ink(payload: bytes) -> list[dict]:
    """Every piece of text the PDF draws: its words, size (pt), colour and the colour of the box behind it.

    Read from the pages' drawing operators (fill colours, filled rectangles, text), as a printer meets them.
    """
    runs: list[dict] = []
    for number, page in enumerate(PdfReader(io.BytesIO(payload)).pages, 1):
        st: dict = {"fill": (0.0, 0.0, 0.0), "stack": [], "rects": [], "pending": [], "ink": (0.0, 0.0, 0.0)}

        def before(op: bytes, args: list, cm: list, tm: list, st: dict = st) -> None:
            op = op.decode() if isinstance(op, bytes) else op
            if op == "q":
                st["stack"].append(st["fill"])
            elif op == "Q":
                st["fill"] = st["stack"].pop()
            elif op == "rg":
                st["fill"] = tuple(float(a) for a in args)
            elif op == "g":
                st["fill"] = (float(args[0]),) * 3
            elif op == "re":
                st["pending"].append(tuple(float(a) for a in args))
            elif op in ("f", "F", "f*", "B", "B*", "b", "b*"):
                st["rects"] += [(r, st["fill"]) for r in st["pending"]]
                st["pending"] = []
            elif op in ("S", "s", "n"):
                st["pending"] = []
            elif op in ("Tj", "TJ", "'", '"'):
                st["ink"] = st["fill"]

        def text(t: str, cm: list, tm: list, font: object, size: float, st: dict = st, number: int = number) -> None:
            if not t.strip():
                return
            x, y, behind = tm[4], tm[5], (1.0, 1.0, 1.0)
            for (rx, ry, w, h), colour in st["rects"]:  # the last box painted under the text's start
                if min(rx, rx + w) <= x <= max(rx, rx + w) and min(ry, ry + h) <= y <= max(ry, ry + h):
                    behind = colour
            runs.append({"text": t.strip(), "size": size, "ink": st["ink"], "behind": behind, "page": number})

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return runs


def grey(rgb: tuple[float, ...]) -> float:
    """The shade a greyscale printer gives a colour (Rec. 601 luma, as printer drivers and PIL's "L" use)."""
    r, g, b = rgb
    return 0.299 * r + 0.587 * g + 0.114 * b


def grey_contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG's contrast ratio between two colours once both are printed as greys."""

    def luminance(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    hi, lo = sorted((luminance(grey(a)), luminance(grey(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def traffic_light_review() -> Assessment:
    """Each light once, and a commitment not assessed."""
    grades = (("gender", "orange"), ("data", "red"), ("alternatives", "green"), ("harm-reduction", None))
    return review(scale="traffic-light", entries=[Entry(commitment_id=c, grade=g) for c, g in grades])


# Every grade of the five-point scale and the fictional notice, in English and Russian; the lights in Spanish.
@pytest.mark.parametrize(
    ("make", "lang"),
    [(lambda: veridia(fictional=True), "en"), (lambda: veridia(fictional=True), "ru"), (traffic_light_review, "es")],
)
def test_pdf_printed_in_greyscale_reads_every_word_and_never_tells_a_grade_by_colour_alone(make, lang: str) -> None:
    """Printed on a black-and-white office printer, every text of the PDF stands out from what is behind it
    (4.5:1 in greys: the grade badges' dark and light fills, the fictional notice, the grey notes), none is
    smaller than 8 pt, and every text on a coloured box (a grade) says its grade in a symbol and in words."""
    a = make()
    runs = pdf_ink(report.pdf_report(a, lang=lang))
    faint = [f"p{r['page']} {r['text'][:50]!r}: {grey_contrast(r['ink'], r['behind']):.1f}:1" for r in runs
             if grey_contrast(r["ink"], r["behind"]) < 4.5]  # fmt: skip
    tiny = [f"p{r['page']} {r['text'][:50]!r}: {r['size']} pt" for r in runs if r["size"] < 8]
    levels = scales.levels(a.scale)
    fills = {tuple(round(int(lv.colour[i : i + 2], 16) / 255, 2) for i in (1, 3, 5)): lv for lv in levels.values()}
    on_grade = [(r, fills[b]) for r in runs if (b := tuple(round(c, 2) for c in r["behind"])) in fills]
    colour_alone = [
        r["text"] for r, lv in on_grade if lv.symbol not in r["text"] or not re.search(r"[^\W\d_]{4,}", r["text"])
    ]
    # Every grade given was found on its own colour: the test sees the badges it checks.
    assert {lv.value for _r, lv in on_grade} == {e.grade for e in a.entries if e.grade is not None}
    assert (faint, tiny, colour_alone) == ([], [], [])
