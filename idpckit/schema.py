"""Record types for the kit's content, one per row (CSV) or item (YAML) in ``data/``.

The schema lives here, in code, so that loading *is* validating: every file in
``data/`` is read into these pydantic models, and a model that refuses a row is
what produces the "file, row, field" messages a trainer sees when an edited file
has a mistake.  Models are frozen because the content is shared by every widget
and lesson in a kernel and must not be changed by one of them behind the others'
backs.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .i18n import N_, _

#: The three documents Table 1 cross-references, in the note's column order.
TABLE1_DOCUMENTS: tuple[str, ...] = ("ungass2016", "md2019", "cp2018")

#: Sections each Table 1 document may be cited by, in the order they appear in it.
SECTIONS: dict[str, tuple[str, ...]] = {
    "ungass2016": ("Preamble", "Operative"),
    "md2019": ("Preamble", "Stocktaking", "Way forward"),
    "cp2018": ("Shared principles", "Directions for action", "Accountability and operationalisation"),
}

_PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _partial_date(value: str) -> str:
    if not _PARTIAL_DATE.match(value):
        raise ValueError(_("must be a date written YYYY, YYYY-MM or YYYY-MM-DD"))
    return value


def _url(value: str) -> str:
    if value and not re.match(r"^https?://\S+$", value):
        raise ValueError(_("must be a web address starting with http:// or https:// and without spaces"))
    return value


Slug = Annotated[str, StringConstraints(pattern=_SLUG)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
PartialDate = Annotated[str, AfterValidator(_partial_date)]
Url = Annotated[str, AfterValidator(_url)]


class Record(BaseModel):
    """Base of all content records: immutable, and strict about unknown columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Document(Record):
    """A UN document the note discusses (``data/documents.csv``)."""

    id: Slug
    short_name: Text
    title: Text
    symbol: OptionalText = ""
    date: PartialDate
    date_end: PartialDate | Literal[""] = ""
    adopted_by: Text
    url: Url = ""
    origin: Literal["note", "later"]
    source: OptionalText = ""
    notes: OptionalText = ""


#: How far a later fact (one the note does not report) has been checked.  The
#: kit teaches only ``confirmed`` facts as facts; a ``reported`` one is taught as
#: "X reports that ...", and an ``unconfirmed`` one is shown as something to check.
LATER_STATUSES: dict[str, str] = {
    "confirmed": N_("confirmed by an official record or two independent reports"),
    "reported": N_("reported by one source; not confirmed"),
    "unconfirmed": N_("not confirmed; check before use"),
}


class TimelineEvent(Record):
    """A dated milestone on the road to 2019 and beyond (``data/timeline.csv``).

    ``origin`` says whether the note reports it (``note``) or it comes from
    elsewhere, almost always after September 2019 (``later``).  Later facts must
    name their ``source``, say how far they are confirmed (``status``) and when
    that was checked (``checked``), so that a trainer can check them again.
    """

    id: Slug
    date: PartialDate
    date_end: PartialDate | Literal[""] = ""
    title: Text
    description: Text
    document_id: Slug | Literal[""] = ""
    origin: Literal["note", "later"]
    source: OptionalText = ""
    status: Literal["", "confirmed", "reported", "unconfirmed"] = ""
    checked: PartialDate | Literal[""] = ""

    @property
    def status_label(self) -> str:
        """How sure the kit is of a later fact, in words ("" for facts from the note)."""
        return LATER_STATUSES.get(self.status, "")

    @property
    def year(self) -> int:
        return int(self.date[:4])


class CountryAlias(Record):
    """A name people use for a country that the standard lists miss (``data/country_aliases.csv``).

    CLDR (through Babel) gives each country's name in every language the kit speaks;
    this file adds the short and former names typed in a workshop ("UK", "DRC",
    "Burma", "Turkey") as ``alias``, and, as ``display``, a label to show instead of
    CLDR's when CLDR's reads oddly in a drug-policy room ("Congo - Kinshasa").
    """

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    lang: Literal["en", "es", "fr", "ru"]
    name: Text
    kind: Literal["alias", "display"]
    note: OptionalText = ""


class Commitment(Record):
    """One row of the note's Table 1 (``data/commitments.csv``)."""

    number: int = Field(ge=1)
    id: Slug
    title: Text
    summary: Text
    theme: Text


#: How far a Table 1 reference has been checked, in words a trainee can read.
#: Most of the official texts number only some of their paragraphs, so many
#: "PP n" and bullet numbers are IDPC's own count and stay flagged until someone
#: checks them against the official text.
REFERENCE_STATUSES: dict[str, str] = {
    "checked": N_("checked: number and topic confirmed from an official UN source"),
    "topic-confirmed": N_("topic confirmed in the document; the number is IDPC's and not yet checked"),
    "unchecked": N_("as numbered by IDPC; not yet checked against the official text"),
}
ReferenceStatus = Literal["checked", "topic-confirmed", "unchecked"]


class Reference(Record):
    """One paragraph, bullet or chapter that anchors a commitment in a document.

    Stored one per row (``data/references.csv``) rather than as the note's free
    text, so the explorer can filter by document and section and the note's
    printed form is *rendered* from structure (see :mod:`idpckit.table1`).
    ``printed`` keeps the note's own text when we corrected it, and ``note``
    says why; ``printed_style`` records the note's typographical habits in a
    cell (a footnote marker, a repeated unit, "and" instead of a comma) so the
    printed cell can be reproduced exactly.  ``topic`` says in one line what the
    paragraph is about and ``status`` how far that has been checked: a kit that
    teaches advocates to cite paragraphs must say which numbers are unverified.
    """

    commitment_id: Slug
    document: Literal["ungass2016", "md2019", "cp2018"]
    section: Text
    unit: Literal["PP", "OP", "chapter", "bullet"]
    ref: Annotated[str, StringConstraints(pattern=r"^\d+(\.[a-z]+)?$")]
    topic: OptionalText = ""  # every shipped reference has one (tests/test_facts.py)
    status: ReferenceStatus = "unchecked"  # a reference added without a status is, honestly, unchecked
    status_source: OptionalText = ""
    printed: OptionalText = ""
    printed_style: Literal["", "footnote", "repeat-unit", "and"] = ""
    note: OptionalText = ""

    @field_validator("status", mode="before")
    @classmethod
    def _empty_is_unchecked(cls, value: object) -> object:
        # a row added in a spreadsheet without this cell is, honestly, unchecked
        return "unchecked" if value == "" else value

    @property
    def status_label(self) -> str:
        """The verification status in words, for tables and handouts."""
        return REFERENCE_STATUSES[self.status]


class Ask(Record):
    """One of IDPC's four asks for the Ministerial Segment (``data/asks.yaml``)."""

    id: Slug
    number: int = Field(ge=1, le=4)
    title: Text
    asked: Text
    wins: list[Text] = Field(min_length=1)
    challenges: list[Text] = Field(min_length=1)
    verdict: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    verdict_level: Literal["not met", "partly met", "largely met"]


class Goal(Record):
    """One of the six goals of the 2019 Ministerial Declaration (``data/goals.csv``)."""

    number: int = Field(ge=1, le=6)
    theme: Text
    goal: Text
    key_phrase: Text
    commitment_ids: list[Slug] = []


class Challenge(Record):
    """One of the eleven challenges of the 2019 Declaration's stocktaking paragraph (``data/challenges.csv``).

    Box 1 and the CND work plans are built on this list, so the kit lists it in
    full, worded as the CND's thematic sessions confirmed it, with the year the
    2019-2023 work plan gave it.
    """

    number: int = Field(ge=1, le=11)
    challenge: Text
    workplan_year: int = Field(ge=2019, le=2023)
    status: Literal["confirmed", "unconfirmed"]
    source: Text


class WorkplanYear(Record):
    """One row of Box 1, the CND thematic work plan (``data/workplan.csv``)."""

    year: int = Field(ge=2019, le=2024)
    theme: Text
    topics: Text
    stocktaking_challenges: list[int] = []
    held: OptionalText = ""


#: Where a CND calendar trainees can check lives (named in words when the kit has no date).
CND_CALENDAR_URL = "https://www.unodc.org/unodc/en/commissions/CND/Mandate_Functions/thematic-discussions.html"


class Intersessional(Record):
    """The CND's yearly thematic meeting under the 2024-2028 work plan (``data/intersessionals.csv``).

    The note's Box 1 (``workplan.csv``) ends in 2024.  For the years after it the
    kit only knows a meeting's dates when a record gives them, so a row says how
    far its dates are checked (``status``), where (``source``) and when
    (``checked``); ``unknown`` means no date yet, and the planner then says, in
    words, to check the CND calendar instead of guessing a month.
    """

    year: int = Field(ge=2024, le=2028)
    date: PartialDate | Literal[""] = ""
    date_end: PartialDate | Literal[""] = ""
    focus: OptionalText = ""
    status: Literal["confirmed", "reported", "unconfirmed", "unknown"]
    source: Text
    checked: PartialDate

    @model_validator(mode="after")
    def _dates_fit_status(self) -> Intersessional:
        if self.status == "unknown" and (self.date or self.date_end):
            raise ValueError(_("a meeting with status 'unknown' has no date; give the date a status instead"))
        if self.status != "unknown" and len(self.date) < 7:
            raise ValueError(_("a dated meeting needs at least its month (YYYY-MM); write status 'unknown' if none"))
        if self.date and not self.date.startswith(str(self.year)):
            raise ValueError(_("date {date} is not in {year}").format(date=self.date, year=self.year))
        if self.date_end and not (self.date <= self.date_end and self.date_end.startswith(str(self.year))):
            raise ValueError(
                _("date_end {end} must be after date {date}, in the same year").format(
                    end=self.date_end, date=self.date
                )
            )
        return self

    @property
    def months(self) -> list[int]:
        """The months the meeting is held in ([] when the date is not known)."""
        if not self.date:
            return []
        first, last = int(self.date[5:7]), int((self.date_end or self.date)[5:7])
        return list(range(first, last + 1))


class Link(Record):
    title: Text
    url: Url


class Avenue(Record):
    """A place to advocate and what to do there (``data/avenues.yaml``)."""

    id: Slug
    city: Literal["Vienna", "Geneva", "New York", "National"]
    venue: Text
    why: Text
    actions: list[Text] = Field(min_length=1)
    timing: OptionalText = ""
    links: list[Link] = []


class Indicator(Record):
    indicator: Text
    where: Text


class Source(Record):
    """A source a rubric points to; ``covers`` says what it does not cover, so assessors do not over-read it."""

    name: Text
    url: Url = ""
    covers: OptionalText = ""


class GradingRule(Record):
    """One decision rule that applies to every commitment (``data/grading.yaml``).

    Stated once, so that two NGOs grading the same country settle the same
    questions (period, law versus practice, several criteria, not applicable,
    no evidence found) the same way, whichever commitment they grade.
    """

    id: Slug
    title: Text
    rule: Text


class Vignette(Record):
    """A short fictional situation with the grade the rubric points to (``data/calibration.yaml``).

    Calibration needs a shared answer key: each reason names the rubric
    description or the decision rule (``rules``, ids in ``grading.yaml``) that
    decides the grade, so a trainee who chose differently sees *which* rule they
    read differently.
    """

    id: Slug
    commitment_id: Slug
    title: Text
    evidence: Text
    grade: int = Field(ge=1, le=5)
    reasons: list[Text] = []  # the shipped vignettes all give two or more (tests/test_facts.py)
    rules: list[Slug] = []


class DossierItem(Record):
    """What a fictional coalition found on one commitment in Veridia (``data/dossier.yaml``), with no grade.

    ``extra="forbid"`` is the point: a dossier that trainees grade must not
    carry the answer.
    """

    commitment_id: Slug
    period: Text
    evidence: list[Text] = Field(min_length=1)
    sources: list[Text] = Field(min_length=1)


class Rubric(Record):
    """How to grade one commitment (``data/rubric.yaml``).

    The note asks NGOs to grade but does not say how; without shared anchors two
    assessors give the same situation different grades.  ``levels`` describes
    what a 1, a 3 and a 5 look like.
    """

    commitment_id: Slug
    questions: list[Text] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    sources: list[Source] = []
    levels: dict[Literal["1", "3", "5"], Text]

    @field_validator("levels", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        # YAML reads an unquoted 1: as a number; trainers should not have to care.
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("levels")
    @classmethod
    def _all_anchors(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [k for k in ("1", "3", "5") if k not in value]
        if missing:
            raise ValueError(
                _("needs a description for grades 1, 3 and 5 (missing: {grades})").format(grades=", ".join(missing))
            )
        return value

    def level(self, grade: int) -> str:
        """The descriptor for ``grade``, or "" for grades between the anchors."""
        return self.levels.get(str(grade), "")  # type: ignore[call-overload]
