"""The set-up step of the self-assessment app: who grades which country, when, on which scale.

The step only collects and checks values; the app turns them into the
:class:`~idpckit.assessment.Assessment` and saves it.  Validation messages are
sentences a trainee can act on ("Choose a country from the list ..."), shown
in the page, because Voilà hides exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ... import countries, scales
from ...i18n import N_, _, current, ngettext
from ...rooms import is_room_code
from ...text import esc
from .._base import DESCRIPTION_STYLE, ErrorBox, full_width, wrap_row

if TYPE_CHECKING:  # pragma: no cover
    from ...assessment import Assessment
    from ...data import Content

ROOM_PATTERN = re.compile(r"^[A-Za-z0-9-]{0,32}$")
MIN_YEAR, MAX_YEAR = 2019, 2100
ROOM_SHAPE = N_(
    "A room code has 8 letters and digits in two groups of four, like K7QD-M2XP; copy it from your "
    "trainer (or leave the box empty)."
)

SCALE_OPTIONS = [
    (N_("Five-point scale: 1, 2, 3, 4 or 5"), "five-point"),
    (N_("Traffic light: red, orange or green"), "traffic-light"),
]


def scale_help() -> str:
    """The two scales explained, in the language in use."""
    paragraphs = [
        _(
            "<strong>Five-point scale.</strong> 1 means the situation requires urgent attention, 3 that it needs "
            "improvement and 5 that it is good; 2 and 4 sit in between. Finer, so it shows smaller changes from one "
            "year to the next."
        ),
        _(
            "<strong>Traffic light.</strong> Red means the situation requires urgent attention, orange that it needs "
            "improvement, green that it is good. Quicker, and easy to show to officials and the press."
        ),
        _(
            "Both are the scales IDPC's September 2019 note suggests. Reviews on different scales can still be "
            "compared later (1–2 count as red, 3 as orange, 4–5 as green)."
        ),
    ]
    return "<div class='idpc-prose idpc-small'>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"


def _country_options(lang: str = "en") -> tuple[list[str], dict[str, str]]:
    """Labels for the country box in ``lang`` (CLDR's names), and label -> ISO alpha-3 code.

    The fictional Veridia comes last, for practice runs in workshops.
    """
    pairs = list(countries.choices(lang))
    for code in countries.FICTIONAL:
        pairs.append((countries.name(code, lang), code))
    return [label for label, _ in pairs], {label.casefold(): code for label, code in pairs}


class SetupStep:
    """Country, year, organisation, assessor, scale, tracked commitments and room code."""

    def __init__(
        self,
        content: Content,
        *,
        year: int,
        on_change: Callable[[], None] | None = None,
        can_untrack: Callable[[str], str | None] | None = None,
    ) -> None:
        self.content = content
        self._on_change = on_change
        self._can_untrack = can_untrack
        self._quiet = False
        #: The language of the country names shown (and searched first): the page's.
        self.lang = current()
        labels, self._by_label = _country_options(self.lang)
        self.country = w.Combobox(
            options=labels,
            placeholder=_("Type to search, e.g. Colombia"),
            description=_("Country"),
            ensure_option=False,
            style=DESCRIPTION_STYLE,
            layout=full_width(max_width="36em"),
        )
        self.country_hint = w.HTML(layout=full_width())
        self.year = w.BoundedIntText(
            value=year,
            min=MIN_YEAR,
            max=MAX_YEAR,
            description=_("Review year"),
            tooltip=_("The year this review describes; review again every year before the CND intersessional meetings"),
            style=DESCRIPTION_STYLE,
            layout=w.Layout(width="24em", max_width="100%"),
        )
        self.organisations = w.Text(
            description=_("Organisation(s)"),
            placeholder=_("e.g. Our NGO; Partner NGO"),  # short enough for a phone; the ";" shown by example
            tooltip=_("For a coalition, separate the organisations' names with ;"),
            style=DESCRIPTION_STYLE,
            layout=full_width(max_width="36em"),
        )
        self.assessor = w.Text(
            description=_("Your name"),
            placeholder=_("Who is grading (optional)"),
            style=DESCRIPTION_STYLE,
            layout=full_width(max_width="36em"),
        )
        self.scale = w.RadioButtons(
            options=[(_(label), value) for label, value in SCALE_OPTIONS],
            value="five-point",
            description=_("Scale"),
            style=DESCRIPTION_STYLE,
            layout=full_width(),
        )
        self.tracked = {
            c.id: w.Checkbox(
                value=True,
                description=f"{c.number}. {c.title}",
                indent=False,
                layout=full_width(),
            )
            for c in content.commitments
        }
        self.select_all = w.Button(description=_("Track all"), tooltip=_("Tick every commitment"))
        self.select_none = w.Button(description=_("Track none"), tooltip=_("Untick every commitment without notes"))
        self.room = w.Text(
            description=_("Room code"),
            placeholder=_("Optional: the code your trainer gave you"),
            style=DESCRIPTION_STYLE,
            layout=full_width(max_width="36em"),
        )
        self.message = ErrorBox()  # what must be fixed before saving
        self.message.widget.add_class("idpc-setup-message")
        self.notice = ErrorBox()  # other news: grades converted, a commitment kept
        self.room_message = ErrorBox()  # a room code refused: shown under the room's field, at the foot of the step
        self.room_message.widget.add_class("idpc-room-message")

        self.select_all.on_click(self.message.guard(lambda _b: self._set_all(True)))
        self.select_none.on_click(self.message.guard(lambda _b: self._set_all(False)))
        self.country.observe(self.message.guard(self._country_typed), names="value")
        for widget in (self.year, self.organisations, self.assessor, self.scale, self.room):
            widget.observe(self.message.guard(self._changed), names="value")
        for cid, box in self.tracked.items():
            box.observe(self.message.guard(lambda change, cid=cid: self._tracked_changed(cid, change)), names="value")

        n = len(content.commitments)
        self.widget = w.VBox(
            [
                w.HTML(
                    "<h2>"
                    + _("Set-up")
                    + "</h2><p class='idpc-prose'>"
                    + _("Tell us whose record you are grading. Everything here can be changed later.")
                    + "</p>"
                ),
                self.message.widget,  # above the first field, so a warning is seen where the fixing starts
                self.country,
                self.country_hint,
                self.year,
                self.organisations,
                self.assessor,
                w.HTML("<h3>" + _("How you will grade") + "</h3>"),
                self.scale,
                w.HTML(scale_help()),
                w.HTML(
                    "<h3>"
                    + _("Commitments to track")
                    + "</h3><p class='idpc-prose'>"
                    + ngettext(
                        "The {n} commitment of Table 1 is ticked.",
                        "All {n} commitments of Table 1 are ticked.",
                        n,
                    ).format(n=n)
                    + " "
                    + _(
                        "You may focus on the ones your organisation knows best and has evidence for, as the note "
                        "suggests; untick the others."
                    )
                    + "</p>"
                ),
                w.HBox([self.select_all, self.select_none], layout=wrap_row()),
                *self.tracked.values(),
                w.HTML("<h3>" + _("Workshop room") + "</h3>"),
                self.room,
                self.room_message.widget,
                w.HTML(
                    "<p class='idpc-prose idpc-small'>"
                    + _(
                        "In a workshop your trainer may give you a room code, so that the group's submitted reviews "
                        "can be compared. Leave it empty when you work on your own."
                    )
                    + "</p>"
                ),
                self.notice.widget,
            ],
            layout=full_width(),
        )

    # -- values --------------------------------------------------------------------

    @property
    def country_code(self) -> str | None:
        """The ISO alpha-3 code of the chosen country, or None while nothing matches."""
        named = self._named_code()
        if named is not None:
            return named
        text = self.country.value.strip()
        if not text:
            return None
        # A few letters that fit one country only are enough: keyboard users need not finish the name.
        matches = countries.search(text, limit=2, lang=self.lang)
        return matches[0][1] if len(matches) == 1 else None

    @property
    def country_named(self) -> bool:
        """True when the box names its country (a label from the list, a whole name or a code), not a guess
        from a few letters; the app saves a draft on a guess only once the trainee goes on."""
        return self._named_code() is not None

    def _named_code(self) -> str | None:
        text = self.country.value.strip()
        if not text:
            return None
        code = self._by_label.get(text.casefold())
        if code is not None:
            return code
        # Lower-case letters may still be the start of a name ("uk" of "Ukraine"); capitals are a code.
        found = countries.lookup(text) if len(text) > 3 or text.isupper() else None
        return found.alpha_3 if found is not None else None

    def organisation_list(self) -> list[str]:
        return [part.strip() for part in self.organisations.value.split(";") if part.strip()]

    def tracked_ids(self) -> list[str]:
        return [cid for cid, box in self.tracked.items() if box.value]

    def problems(self) -> list[str]:
        """What must be fixed before the review can be saved, in words; empty when all is well."""
        out = []
        if not self.country.value.strip():
            out.append(_("Choose the country you are grading: type a few letters and pick it from the list."))
        elif self.country_code is None:
            out.append(
                _("We do not know a country called '{name}'. Type a few letters and pick a name from the list.").format(
                    name=self.country.value.strip()
                )
            )
        year = self.year.value
        if not MIN_YEAR <= year <= MAX_YEAR:
            out.append(_("The review year must be between {first} and {last}.").format(first=MIN_YEAR, last=MAX_YEAR))
        if not self.tracked_ids():
            out.append(_("Tick at least one commitment to track."))
        room = self.room.value.strip()
        if room and not is_room_code(room):
            out.append(_(ROOM_SHAPE))
        for name in self.organisation_list():
            if len(name) > 300:
                out.append(_("An organisation name is longer than 300 characters; shorten it."))
                break
        if len(self.assessor.value) > 500:
            out.append(_("Your name is longer than 500 characters; shorten it."))
        return out

    def fields(self) -> dict[str, Any]:
        """The values for the assessment (call only when :meth:`problems` is empty)."""
        return {
            "country": self.country_code,
            "year": int(self.year.value),
            "organisations": self.organisation_list(),
            "assessor": self.assessor.value.strip(),
            "scale": self.scale.value,
            "room": self.room.value.strip().upper(),
            "fictional": self.country_code in countries.FICTIONAL,
        }

    def load(self, assessment: Assessment) -> None:
        """Show an existing review's set-up (after a resume) without triggering saves."""
        self._quiet = True
        try:
            self.country.value = countries.name(assessment.country, self.lang)
            self.year.value = assessment.year
            self.organisations.value = "; ".join(assessment.organisations)
            self.assessor.value = assessment.assessor
            self.scale.value = assessment.scale
            self.room.value = assessment.room
            ids = {e.commitment_id for e in assessment.entries}
            for cid, box in self.tracked.items():
                box.value = cid in ids
        finally:
            self._quiet = False
        self._show_country_hint()

    def set_room(self, room: str) -> None:
        """Pre-fill the room code (from a trainer's link) if it looks like one."""
        if ROOM_PATTERN.match(room.strip()):
            self.room.value = room.strip().upper()

    def set_read_only(self, flag: bool) -> None:
        for widget in (
            self.country,
            self.year,
            self.organisations,
            self.assessor,
            self.scale,
            self.room,
            self.select_all,
            self.select_none,
            *self.tracked.values(),
        ):
            widget.disabled = flag

    def show_problems(self) -> bool:
        """Show what is missing; True when there is nothing to fix."""
        problems = self.problems()
        if problems:
            self.message.show(" ".join(problems), "warning")
            return False
        self.message.clear()
        return True

    # -- callbacks -----------------------------------------------------------------

    def _set_all(self, flag: bool) -> None:
        for box in self.tracked.values():
            box.value = flag

    def _show_country_hint(self) -> None:
        text = self.country.value.strip()
        code = self.country_code
        if code is not None:
            shown = esc(countries.name(code, self.lang))
            self.country_hint.value = f"<span class='idpc-small'>✔ {shown} ({esc(code)})</span>"
        elif text:
            matches = countries.search(text, limit=6, lang=self.lang)
            if matches:
                names = ", ".join(esc(label) for label, _code in matches)
                said = _("Matching: {names}").format(names=names)
            else:
                said = _("No country matches '{text}'.").format(text=esc(text))
            self.country_hint.value = f"<span class='idpc-small'>{said}</span>"
        else:
            self.country_hint.value = ""

    def _country_typed(self, _change: dict[str, Any]) -> None:
        self._show_country_hint()
        self._changed(_change)

    def _tracked_changed(self, cid: str, change: dict[str, Any]) -> None:
        if not self._quiet and change["new"] is False and self._can_untrack is not None:
            refusal = self._can_untrack(cid)
            if refusal:
                self._quiet = True
                try:
                    self.tracked[cid].value = True
                finally:
                    self._quiet = False
                self.notice.show(refusal, "warning")
                return
        self._changed(change)

    def _changed(self, _change: dict[str, Any] | None = None) -> None:
        if self._quiet:
            return
        if self.message.kind in ("warning", "error"):
            self.show_problems()  # keep the list of problems current once it is shown
        if self.room_message.kind == "warning":  # a refused code being edited: say what is wrong with it now
            room = self.room.value.strip()
            if not room:
                self.room_message.clear()
            elif not is_room_code(room):
                self.room_message.show(_(ROOM_SHAPE), "warning")
        if self._on_change is not None:
            self._on_change()

    def scale_label(self) -> str:
        return _(scales.SCALE_LABELS[self.scale.value])
