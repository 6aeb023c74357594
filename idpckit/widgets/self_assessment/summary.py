"""The summary step of the self-assessment app: scorecard, gaps, downloads, comparison, submit.

This is the only step that needs matplotlib, the report templates, fpdf2 and
openpyxl, so it imports them when it is first shown, not when the app starts
(the first screen must stay as cheap as an empty notebook; see ``benchmarks/``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ... import bundle, countries
from ...i18n import _, ngettext
from ...i18n import current as current_language
from ...text import esc
from .._base import ErrorBox, TextBlocks, download_link, entry_badge, full_width, grade_badge, in_background, wrap_row
from .warm import summary_warmed

if TYPE_CHECKING:  # pragma: no cover
    from ...assessment import Assessment
    from ...data import Content

log = logging.getLogger(__name__)
EXCERPT = 160
#: The summary's class once its chart and download links are made for the review shown.
FILES_READY = "idpc-files-ready"
SUBMIT_BUTTON = "idpc-submit"  # the page's focus moves find Submit and its message by these
SUBMIT_MESSAGE = "idpc-submit-message"
SUBMIT_QUESTION = "idpc-submit-question"


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart_src(make: Callable[[], Any]) -> tuple[str | None, str | None]:
    """The chart ``make()`` draws as a ``data:`` address of its SVG, or None and why it could not be drawn.

    SVG, because it is drawn in less than half the time of a PNG and is the same picture
    the HTML report embeds, so the report reuses it.  Touches no widget (it may run in a thread).
    """
    from ... import report

    try:
        return report.svg_src(make()), None
    except Exception as exc:
        log.warning("a chart could not be drawn", exc_info=True)
        return None, str(exc)


def _show_chart(image: w.HTML, src: str | None, alt: str, message: ErrorBox, failed: str, error: str | None) -> None:
    """Show a chart in ``image`` with its text alternative; if it could not be drawn, say so.

    The chart is an ``<img>`` with ``alt`` text inside an HTML widget rather than an
    ipywidgets Image, which has no alternative text for screen readers and shows a
    broken-image icon until its bytes arrive. A chart only repeats a table beside it,
    so a failure costs the picture, not the step.
    """
    if src is None:
        image.value = ""
        image.layout.display = "none"
        message.show(failed.format(error))
        return
    image.value = f'<img class="idpc-chart" src="{src}" alt="{esc(alt)}">'
    image.layout.display = None


@dataclass
class Prepared:
    """The summary's slow parts for one review: its scorecard chart and its download files."""

    chart_src: str | None
    chart_error: str | None = None
    files: list[bundle.File] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class SummaryStep:
    """Scorecard, what is missing, downloads, comparison with an earlier review, and submit."""

    def __init__(
        self,
        content: Content,
        *,
        on_go: Callable[[str], None],
        on_submit: Callable[[], bool],
        on_focus: Callable[[str, str], None] | None = None,
        after_page_states: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self.content = content
        self._after_page_states = after_page_states or (lambda show: show())
        self._on_go = on_go
        self._on_submit = on_submit
        self._on_focus = on_focus
        self._files_key: str | None = None  # the review the chart and links shown were made for
        self._pending_key: str | None = None  # the review the quick parts show; the slow parts catch up
        self._making: str | None = None  # the review whose chart and files are being made now
        self.assessment: Assessment | None = None
        self.files: dict[str, bytes] = {}  # filename -> bytes, of the links last made

        # A page opened on the summary builds every widget's model before it draws: the HTML parts
        # that are never hidden share one layout and style (TextBlocks), the gap buttons theirs, and
        # the confirmation is built when "Submit" is pressed.
        text = TextBlocks()
        self._gap_layout, self._gap_style = w.Layout(width="auto"), w.ButtonStyle()
        self.message = ErrorBox(text)
        self.heading = text()
        self.gaps = text()
        self.gap_buttons = w.VBox(layout=full_width())
        self.scorecard = w.HTML(layout=full_width())
        self.grades = text()
        self.links = text()
        self.links.add_class("idpc-downloads")
        # The PDF takes seconds to lay out (more than all else on the summary), so it is made when asked for.
        self.pdf_button = w.Button(
            description=_("Prepare the PDF report"),
            tooltip=_("Lays out the report as a PDF, to print or send; it takes a few seconds"),
            layout=w.Layout(width="auto"),
        )
        self.pdf_link = w.HTML()
        self.pdf_link.add_class("idpc-downloads")
        self.pdf_button.on_click(self.message.guard(lambda _b: self.make_pdf()))

        self.upload = w.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description=_("Upload earlier review (JSON)"),
            tooltip=_("Choose the JSON file you downloaded from an earlier review of the same country"),
            layout=w.Layout(width="auto", min_width="16em"),
        )
        self.upload_message = ErrorBox(text)
        self.comparison = text()
        self.comparison_chart = w.HTML(layout=full_width())
        self.comparison_chart.layout.display = "none"
        self.upload.observe(self.upload_message.guard(self._uploaded), names="value")

        self.submit = w.Button(
            description=_("Submit this review"),
            button_style="primary",
            tooltip=_("Mark the review as final; it can no longer be changed"),
            layout=w.Layout(width="auto", min_width="14em"),
        )
        self.confirm_box: w.VBox | None = None  # "Yes, submit it now" / "Not yet", built when first asked
        self.submit.add_class(SUBMIT_BUTTON)
        self.submit_message = ErrorBox(text)
        self.submit_message.widget.add_class(SUBMIT_MESSAGE)
        self.submit.on_click(self.submit_message.guard(self._ask_confirmation))

        self.widget = w.VBox(
            [
                self.heading,
                self.message.widget,
                text("<h3>" + _("Still to do") + "</h3>"),
                self.gaps,
                self.gap_buttons,
                text("<h3>" + _("Scorecard") + "</h3>"),
                self.scorecard,
                self.grades,
                text(
                    "<h3>"
                    + _("Download")
                    + "</h3><p class='idpc-prose'>"
                    + _(
                        "Keep a copy: the report for your meeting with officials, the JSON file to compare with next "
                        "year's review, the table for a spreadsheet."
                    )
                    + "</p>"
                ),
                self.links,
                w.HBox([self.pdf_button, self.pdf_link], layout=wrap_row()),
                text(
                    "<h3>"
                    + _("Compare with an earlier review")
                    + "</h3><p class='idpc-prose'>"
                    + _(
                        "Upload the JSON file of an earlier review of the same country to see what improved and what "
                        "worsened. Nothing in your current review changes."
                    )
                    + "</p>"
                ),
                self.upload,
                text(
                    "<span class='idpc-small'>"
                    + _(
                        "A JSON file downloaded from this app, at most 2 MB. Files are read here only to compare; "
                        "they are not saved."
                    )
                    + "</span>"
                ),
                self.upload_message.widget,
                self.comparison_chart,
                self.comparison,
                text("<h3>" + _("Submit") + "</h3>"),
                self.submit,
                self.submit_message.widget,
            ],
            layout=full_width(),
        )

    # -- showing a review ----------------------------------------------------------

    def refresh(self, assessment: Assessment, *, submitted: bool, slow: bool = True) -> None:
        """Show ``assessment``: gaps and table at once; the chart and files only when it changed.

        With ``slow=False`` only the quick parts are updated and the chart and files are
        marked as being prepared; the caller shows the step and then calls
        :meth:`refresh_slow`, so the trainee sees the summary at once instead of waiting
        on the previous step while a PDF is laid out.
        """
        self.assessment = assessment
        n, graded = len(assessment.entries), assessment.graded_count
        who = ", ".join(assessment.organisations) or _("your organisation")
        if assessment.assessor:
            who += f" ({assessment.assessor})"
        title = _("Summary: {country}, {year}").format(
            country=countries.name(assessment.country, current_language()), year=assessment.year
        )
        said = ngettext(
            "{graded} of {n} tracked commitment graded, by {who}.",
            "{graded} of {n} tracked commitments graded, by {who}.",
            n,
        ).format(graded=graded, n=n, who=who)
        self.heading.value = (
            f"<h2>{esc(title)}</h2><p class='idpc-prose'>{esc(said)}"
            + (
                " <strong>" + _("This is a fictional country, for practice.") + "</strong>"
                if assessment.fictional
                else ""
            )
            + "</p>"
        )
        self._show_gaps(assessment)
        self._show_table(assessment)
        # Widget updates reach the page as they happen, so the words above show at once and the
        # slower parts (chart about 1 s, the five files 2-3 s on a busy 2-core server) follow.
        key = hashlib.sha256(assessment.to_json().encode()).hexdigest()
        if key != self._files_key:
            # Not the chart and files of another version of the review beside this one's table.
            self.scorecard.value = "<p class='idpc-small' role='status'>⏳ " + _("Drawing the chart…") + "</p>"
            self.scorecard.layout.display = None
            self.links.value = "<p class='idpc-small' role='status'>⏳ " + _("Preparing your files…") + "</p>"
            self.widget.remove_class(FILES_READY)
        self.submit.disabled = submitted
        if submitted:
            if self.confirm_box is not None:
                self.confirm_box.layout.display = "none"
            if assessment.room:
                said = _("This review has been submitted to room {room}. It can no longer be changed.").format(
                    room=esc(assessment.room)
                )
            else:
                said = _("This review has been submitted. It can no longer be changed.")
            self.submit_message.show_html(said, "ok")
        self._pending_key = key
        if slow:
            self.refresh_slow()

    def refresh_slow(self) -> None:
        """Draw the scorecard and make the downloads, if the review changed since they were made.

        In a kernel they are made in a thread (:func:`~idpckit.widgets._base.in_background`) and
        shown when ready, so the kernel keeps answering the page meanwhile: a page opened by a
        ``?code=`` link fetches every widget's state from the kernel before it draws anything,
        and would otherwise wait for the chart and the files too (seconds, on a busy server).
        Outside a kernel (tests, scripts) they are made at once.
        """
        assessment, key = self.assessment, self._pending_key
        if assessment is None or key is None:
            return
        if key == self._files_key:
            self.widget.add_class(FILES_READY)
            return
        if key == self._making:
            return
        self._making = key
        # The files come out in the page's language (a review opened here is reported as seen here),
        # from a copy: the thread must not see the review change under it.
        lang = current_language()
        review = assessment.model_copy(deep=True, update={"language": lang})
        # Shown once the page has its widgets (a page opened by a ?code= link would otherwise wait for
        # the chart and files inside the widgets' states before drawing anything).
        show = self.message.guard(lambda made: self._show_prepared(key, made))
        in_background(lambda: self._prepare(review, lang), lambda made: self._after_page_states(lambda: show(made)))

    def _prepare(self, review: Assessment, lang: str) -> Prepared:
        """The scorecard chart and the files of ``review``, in ``lang``; touches no widget (it runs in a thread)."""
        summary_warmed()  # the libraries a waiting kernel started loading: finished, not imported twice at once
        from ... import i18n, plots

        with i18n.language(lang):  # a thread starts in the process's language; say it
            src, error = _chart_src(lambda: plots.scorecard(review, self.content))
            try:  # the report reuses the chart drawn for the page
                files, failed = bundle.review_files(review, self.content, pdf=False, scorecard_src=src)
            except Exception as exc:
                log.exception("the summary's files could not be made")
                files, failed = [], [f"{type(exc).__name__}: {exc}"]
        return Prepared(src, error, files, failed)

    def _show_prepared(self, key: str, made: Prepared) -> None:
        """Show the chart and links made for review ``key``, unless the summary shows another version by now."""
        if self._making == key:
            self._making = None
        if key != self._pending_key:
            return  # the review changed meanwhile: its own run shows its chart and files
        _show_chart(
            self.scorecard,
            made.chart_src,
            _("Scorecard chart of your grades; the same grades are listed in words below."),
            self.message,
            _("The scorecard chart could not be drawn ({}); the table below shows your grades."),
            made.chart_error,
        )
        self.files = {f.filename: f.data for f in made.files}
        links = "".join(download_link(f.data, f.filename, f.mime, f.label) for f in made.files)
        self.links.value = f"<div class='idpc-downloads'>{links}</div>"
        self.pdf_link.value = ""  # a PDF of the review as it was is not offered for the review as it is
        self.pdf_button.description = _("Prepare the PDF report")
        self.pdf_button.disabled = False
        self.pdf_button.layout.display = None
        if made.failed:
            self.message.show(_("Some files could not be made: {problems}").format(problems="; ".join(made.failed)))
        self._files_key = key
        self.widget.add_class(FILES_READY)  # the chart and the files are in the page (tests wait for this)

    def _title(self, cid: str) -> str:
        c = self.content.commitment(cid)
        return f"{c.number}. {c.title}"

    def _show_gaps(self, assessment: Assessment) -> None:
        gaps = assessment.gaps()
        for button in self.gap_buttons.children:
            button.close()
        buttons = []
        if not any(gaps.values()):
            self.gaps.value = (
                "<p>✔ " + _("Every tracked commitment has a grade, evidence and a recommendation.") + "</p>"
            )
        else:
            parts = []
            for kind, words in (
                ("ungraded", _("Not graded yet")),
                ("no evidence", _("Graded, but without evidence or sources")),
                ("no recommendation", _("Graded, but without a recommendation")),
            ):
                if gaps[kind]:
                    items = "".join(f"<li>{esc(self._title(cid))}</li>" for cid in gaps[kind])
                    parts.append(f"<p><strong>{words}</strong> ({len(gaps[kind])}):</p><ul>{items}</ul>")
            self.gaps.value = "<div class='idpc-prose'>" + "".join(parts) + "</div>"
            seen: list[str] = []
            for cid in gaps["ungraded"] + gaps["no evidence"] + gaps["no recommendation"]:
                if cid not in seen:
                    seen.append(cid)
            for cid in seen[:13]:
                number = self.content.commitment(cid).number
                button = w.Button(
                    description=_("Go to commitment {number}").format(number=number),
                    tooltip=self._title(cid),
                    layout=self._gap_layout,
                    style=self._gap_style,
                )
                button.on_click(self.message.guard(lambda _b, cid=cid: self._on_go(cid)))
                buttons.append(button)
        self.gap_buttons.children = (
            [w.HTML("<span class='idpc-small'>" + _("Go straight to:") + "</span>"), w.HBox(buttons, layout=wrap_row())]
            if buttons
            else []
        )

    def _show_table(self, assessment: Assessment) -> None:
        rows = []
        none_yet = "<em>" + _("none yet") + "</em>"
        for e in assessment.entries:
            sources = ngettext("{n} source", "{n} sources", len(e.sources)).format(n=len(e.sources))
            rows.append(
                "<tr>"
                f"<td>{esc(self._title(e.commitment_id))}</td>"
                f"<td>{entry_badge(e, assessment.scale)}</td>"
                f"<td>{esc(_excerpt(e.evidence)) or none_yet}<br><span class='idpc-small'>{sources}</span></td>"
                f"<td>{esc(_excerpt(e.recommendation)) or none_yet}</td>"
                "</tr>"
            )
        heads = [_("Commitment"), _("Grade"), _("Evidence"), _("Recommendation")]
        self.grades.value = (
            "<div class='idpc-scroll'><table class='idpc-table'><caption class='idpc-small'>"
            + _("Your grades, in words")
            + "</caption><thead><tr>"
            + "".join(f"<th scope='col'>{h}</th>" for h in heads)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
        )

    def make_pdf(self) -> None:
        """Lay out the review's PDF report and offer it as a link beside the other files (focus moves to it)."""
        if self.assessment is None or self.pdf_button.layout.display == "none":
            return  # a second press queued while the first was laid out: the link is there already
        # Not disabled while it works: a disabled button drops the keyboard's focus to the top of
        # the page for the seconds the layout takes; the words say it is busy, and focus moves on
        # to the link once it is ready.
        self.pdf_button.description = _("⏳ Preparing the PDF…")
        assessment, lang = self.assessment, current_language()
        if assessment.language != lang:  # in the page's language, like the other files
            assessment = assessment.model_copy(update={"language": lang})
        try:
            pdf = bundle.pdf_file(assessment, self.content)
        except Exception as exc:
            self.pdf_button.description = _("Prepare the PDF report")
            self.message.show(
                _("The PDF could not be made ({error}); the web page report prints just as well.").format(
                    error=f"{type(exc).__name__}: {exc}"
                )
            )
            return
        self.files[pdf.filename] = pdf.data
        self.pdf_link.value = download_link(pdf.data, pdf.filename, pdf.mime, pdf.label)
        self.pdf_button.layout.display = "none"
        if self._on_focus is not None:
            self._on_focus(f"a[download='{pdf.filename}']", _("The PDF report is ready to download."))

    # -- comparison ----------------------------------------------------------------

    def _uploaded(self, change: dict[str, Any]) -> None:
        value = change["new"]
        if not value:
            return
        try:
            self.compare_with(bytes(value[0]["content"]), str(value[0]["name"]), size=int(value[0]["size"]))
        finally:
            self.upload.value = ()  # the same file can be chosen again, and the bytes are not kept

    def compare_with(self, payload: bytes, name: str, *, size: int | None = None) -> bool:
        """Compare the current review with an uploaded one; a bad file gives a message and changes nothing."""
        from ... import assessment_io

        current = self.assessment
        if current is None:
            self.upload_message.show(_("Finish the set-up first; then you can compare."))
            return False
        size = len(payload) if size is None else size
        if size > assessment_io.MAX_BYTES:
            self.upload_message.show(
                _(
                    '"{name}" is {size} MB, larger than the {limit} MB a review file can be. Choose the JSON file you '
                    "downloaded from this app."
                ).format(name=name, size=f"{size / 1_000_000:.1f}", limit=assessment_io.MAX_BYTES // 1_000_000)
                + " "
                + _("Nothing has changed in your review.")
            )
            return False
        try:
            other = assessment_io.parse_assessment(payload, name)
        except assessment_io.AssessmentError as exc:
            text = str(exc).rstrip()
            self.upload_message.show(
                f"{text}{'' if text.endswith(('.', '?', '!')) else '.'} " + _("Nothing has changed in your review.")
            )
            return False
        lang = current_language()
        if other.country != current.country:
            self.upload_message.show(
                _(
                    '"{name}" is a review of {other}, but you are grading {mine}. Choose an earlier review of '
                    "{mine}. Nothing has changed in your review."
                ).format(
                    name=name, other=countries.name(other.country, lang), mine=countries.name(current.country, lang)
                )
            )
            return False
        old, new = (other, current) if other.year <= current.year else (current, other)
        self._show_comparison(old, new, name)
        said = _('Compared with "{name}" ({year}).').format(name=name, year=other.year)
        if other.year == current.year:
            said += " " + _("Both reviews are for {year}.").format(year=current.year)
        elif other.year > current.year:
            said += " " + _('"{name}" is for {year}, later than yours, so it is shown as the newer one.').format(
                name=name, year=other.year
            )
        self.upload_message.show(said + " " + _("Your review is unchanged."), "ok")
        return True

    def _show_comparison(self, old: Assessment, new: Assessment, name: str) -> None:
        from ... import compare, plots, report

        comparison = compare.between(old, new, self.content)  # once: the table, the page and the chart show it
        counts = comparison.summary()
        rows = []
        for c in comparison.changes:
            arrow, words = compare.DIRECTIONS[c.direction]
            rows.append(
                f"<tr><td>{esc(self._title(c.commitment_id))}</td>"
                f"<td>{grade_badge(c.old_grade, c.old_scale)}</td><td>{grade_badge(c.new_grade, c.new_scale)}</td>"
                f"<td>{esc(arrow)} {esc(_(words))}</td></tr>"
            )
        overview = ", ".join(f"{n} {_(compare.DIRECTIONS[d][1]).lower()}" for d, n in counts.items() if n)
        page = report.compare_html(comparison, self.content).encode()
        link = download_link(
            page, f"compare-{new.country}-{old.year}-{new.year}.html", "text/html", _("Download the comparison (HTML)")
        )
        self.files[f"compare-{new.country}-{old.year}-{new.year}.html"] = page
        self.comparison.value = (
            f"<h4>{old.year} → {new.year}: {esc(overview)}</h4><div class='idpc-scroll'><table class='idpc-table'>"
            f"<thead><tr><th scope='col'>{_('Commitment')}</th><th scope='col'>{old.year}</th>"
            f"<th scope='col'>{new.year}</th><th scope='col'>{_('Change')}</th></tr></thead><tbody>{''.join(rows)}"
            f"</tbody></table></div><div class='idpc-downloads'>{link}</div>"
        )
        src, error = _chart_src(lambda: plots.year_on_year(comparison, self.content))
        _show_chart(
            self.comparison_chart,
            src,
            _("Chart of each commitment's grade in {old} and {new}; the table above lists the same changes.").format(
                old=old.year, new=new.year
            ),
            self.upload_message,
            _("The comparison chart could not be drawn ({}); the table shows the changes."),
            error,
        )

    # -- submit --------------------------------------------------------------------

    def _ask_confirmation(self, _button: object = None) -> None:
        a = self.assessment
        if a is None:
            return
        if a.graded_count == 0:
            self.submit_message.show(_("Grade at least one commitment before you submit."), "warning")
            return
        gaps = a.gaps()
        said = [_("Once submitted, this review can no longer be changed.")]
        if gaps["ungraded"]:
            n = len(gaps["ungraded"])
            said.append(
                ngettext(
                    "{n} tracked commitment is not graded yet and will be reported as such.",
                    "{n} tracked commitments are not graded yet and will be reported as such.",
                    n,
                ).format(n=n)
            )
        if a.room:
            said.append(_("It will be shared with your trainer in room {room}.").format(room=a.room))
        said.append(_("Keep your downloads; next year you start a new review and compare."))
        box = self._ensure_confirm_box()
        self.confirm_text.value = (
            "<div class='idpc-msg idpc-msg-warning' role='alert'>⚠ " + esc(" ".join(said)) + "</div>"
        )
        box.layout.display = None
        self.submit_message.clear()
        # Into the question, so the next Tab is "Yes" (pressed before the box arrived, Tab left the page).
        self._focus(f".{SUBMIT_QUESTION} .idpc-msg", " ".join(said))

    def _ensure_confirm_box(self) -> w.VBox:
        """The question before submitting, built the first time "Submit" is pressed, shown under that button."""
        if self.confirm_box is None:
            self.confirm = w.Button(
                description=_("Yes, submit it now"), button_style="danger", layout=w.Layout(width="auto")
            )
            self.cancel = w.Button(description=_("Not yet"), layout=w.Layout(width="auto"))
            self.confirm_text = w.HTML()
            self.confirm_text.add_class(SUBMIT_QUESTION)
            self.confirm_box = w.VBox([self.confirm_text, w.HBox([self.confirm, self.cancel], layout=wrap_row())])
            self.confirm.on_click(self.submit_message.guard(self._confirmed))
            self.cancel.on_click(self.submit_message.guard(self._cancelled))
            children = list(self.widget.children)
            children.insert(children.index(self.submit) + 1, self.confirm_box)
            self.widget.children = children
        return self.confirm_box

    def _confirmed(self, _button: object = None) -> None:
        self._ensure_confirm_box().layout.display = "none"
        self._on_submit()
        # The button that had focus is hidden now: without a move, a keyboard or screen-reader
        # user is left at the top of the page, not told whether the review went in.
        if self.submit_message.kind == "ok":
            self._focus(f".{SUBMIT_MESSAGE} .idpc-msg", self.submit_message.message)
        else:  # refused (the app says why above): back to Submit, to try again once it is fixed
            self._focus(f"button.{SUBMIT_BUTTON}", "")

    def _cancelled(self, _button: object = None) -> None:
        self._ensure_confirm_box().layout.display = "none"
        self.submit_message.show(_("Not submitted. You can keep working on your review."), "info")
        self._focus(f"button.{SUBMIT_BUTTON}", self.submit_message.message)

    def _focus(self, selector: str, say: str) -> None:
        if self._on_focus is not None:
            self._on_focus(selector, say)
