"""A civil-society assessment of one government's record on the Table 1 commitments.

This is the canonical, versioned record behind the self-assessment exercise,
the reports and the coalition views.  It follows the note's advice: grade each
commitment you track (1-5 or a traffic light), back the grade with evidence and
sources, and say what should be done better.  The JSON form of this model,
with ``schema_version``, is the exchange format between the app, the CLI and
the store.

Countries are ISO 3166-1 alpha-3 codes checked with pycountry, so that "Côte
d'Ivoire", "Cote d'Ivoire" and "CIV" are one country when a coalition merges
its reviews.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from . import scales

#: Version of the JSON format written by this code; older versions are upgraded on read.
SCHEMA_VERSION = 1

SourceKind = Literal["data", "testimony", "report", "law or policy", "other"]
SOURCE_KINDS: tuple[str, ...] = ("data", "testimony", "report", "law or policy", "other")
Confidence = Literal["low", "medium", "high"]

#: Generous limits that stop a pasted book or a runaway script, not a real assessment.
MAX_TEXT = 20_000
MAX_SOURCES = 50

LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Source(Model):
    """One piece of evidence behind a grade: a dataset, a testimony, a report, a law..."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    link: ShortText = ""  # a web address or a printed citation
    kind: SourceKind = "other"


class Entry(Model):
    """The assessment of one commitment."""

    commitment_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    grade: int | scales.Light | None = None  # None = tracked but not (yet) assessed
    evidence: LongText = ""
    sources: list[Source] = Field(default_factory=list, max_length=MAX_SOURCES)
    recommendation: LongText = ""
    confidence: Confidence | None = None

    @field_validator("grade", mode="before")
    @classmethod
    def _no_bool_grades(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a grade is a number from 1 to 5 or a colour, not true/false")
        if isinstance(value, float) and value.is_integer():
            return int(value)  # spreadsheets store 3 as 3.0
        return value

    @property
    def graded(self) -> bool:
        return self.grade is not None


def _country_code(value: Any) -> Any:
    """Accept an alpha-2/alpha-3 code or a country name; store the alpha-3 code."""
    if not isinstance(value, str) or not value.strip():
        return value
    from .countries import lookup

    country = lookup(value)
    if country is None:
        raise ValueError(f"'{value}' is not a country we know (use an ISO 3166 code such as 'COL', or an English name)")
    return country.alpha_3


class Assessment(Model):
    """A government's record on the tracked commitments, as one NGO or coalition sees it."""

    schema_version: Literal[1] = SCHEMA_VERSION
    country: Annotated[str, StringConstraints(min_length=1)]
    year: int = Field(ge=2019, le=2100)
    organisations: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=50
    )
    assessor: ShortText = ""
    date: dt.date = Field(default_factory=dt.date.today)
    scale: scales.Scale = "five-point"
    room: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{0,32}$")] = ""
    fictional: bool = False  # examples and demos say so wherever they are shown
    entries: list[Entry] = Field(default_factory=list)

    _normalise_country = field_validator("country", mode="before")(classmethod(lambda cls, v: _country_code(v)))

    @model_validator(mode="after")
    def _consistent(self) -> Assessment:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.commitment_id in seen:
                raise ValueError(f"commitment '{entry.commitment_id}' appears more than once")
            seen.add(entry.commitment_id)
            if entry.grade is not None and not scales.is_valid(entry.grade, self.scale):
                allowed = "1, 2, 3, 4 or 5" if self.scale == "five-point" else "red, orange or green"
                raise ValueError(
                    f"commitment '{entry.commitment_id}' has grade {entry.grade!r}, "
                    f"which is not on the {self.scale} scale (use {allowed})"
                )
        return self

    # -- convenience -------------------------------------------------------------

    def entry(self, commitment_id: str) -> Entry | None:
        return next((e for e in self.entries if e.commitment_id == commitment_id), None)

    @property
    def graded_count(self) -> int:
        return sum(1 for e in self.entries if e.graded)

    @property
    def country_name(self) -> str:
        from .countries import name

        return name(self.country)

    def check_commitments(self, known: set[str] | None = None) -> list[str]:
        """Ids in this assessment that are not Table 1 commitments (empty if all are known)."""
        if known is None:
            from .data import load

            known = {c.id for c in load().commitments}
        return [e.commitment_id for e in self.entries if e.commitment_id not in known]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
