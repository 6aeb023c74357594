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
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

from . import scales
from .i18n import N_, _
from .text import strip_control

#: Version of the JSON format written by this code; older versions are upgraded on read.
SCHEMA_VERSION = 1
#: The oldest version :func:`upgrade` can still read.
MIN_SCHEMA_VERSION = 1

SourceKind = Literal["data", "testimony", "report", "law or policy", "other"]
SOURCE_KINDS: tuple[str, ...] = ("data", "testimony", "report", "law or policy", "other")
Confidence = Literal["low", "medium", "high"]

#: Generous limits that stop a pasted book or a runaway script, not a real assessment.
MAX_TEXT = 20_000
MAX_SOURCES = 50


def clean_text(value: Any) -> Any:
    """Normalise typed text: Windows and old-Mac line ends become "\\n", invisible controls go.

    Everything else, HTML and script included, is kept exactly as typed;
    escaping is the job of whatever shows the text.  Browsers already send
    "\\n" line ends, so what a user typed in the app is unchanged.
    """
    if not isinstance(value, str):
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return strip_control(value)


#: Runs before the string checks (pydantic applies before-validators outside the constraints
#: they follow), so "  " still fails min_length after stripping.
Clean = BeforeValidator(clean_text)
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT), Clean]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), Clean]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Source(Model):
    """One piece of evidence behind a grade: a dataset, a testimony, a report, a law..."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), Clean]
    link: ShortText = ""  # a web address or a printed citation
    kind: SourceKind = "other"


#: What each status of an ungraded entry means (data/grading.yaml, rules 'no-evidence' and
#: 'not-applicable'): a short label and one sentence, so that every page shows it in words.
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "no evidence found": (
        N_("No evidence found"),
        N_("The reviewers looked for evidence and found none: a finding in itself, not a low grade."),
    ),
    "not applicable": (
        N_("Not applicable"),
        N_("The commitment does not apply in this country, so it has no grade."),
    ),
}


class Entry(Model):
    """The assessment of one commitment."""

    commitment_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    grade: int | scales.Light | None = None  # None = tracked but not (yet) assessed
    evidence: LongText = ""
    sources: list[Source] = Field(default_factory=list, max_length=MAX_SOURCES)
    recommendation: LongText = ""
    confidence: Confidence | None = None
    #: Why a tracked commitment has no grade, when it is not simply "not yet assessed":
    #: "no evidence found" (the assessor looked and found none; a finding in itself, never
    #: a low grade) or "not applicable" (the commitment does not apply to this country,
    #: e.g. no illicit cultivation for root-causes).  See data/grading.yaml.
    status: Literal["", "no evidence found", "not applicable"] = ""

    @model_serializer(mode="wrap")
    def _omit_empty_status(self, handler: Any) -> Any:
        # Files written before the status existed stay byte-for-byte the same, and readers
        # that do not know it yet never see it unless it says something.
        out = handler(self)
        if isinstance(out, dict) and not out.get("status"):
            out.pop("status", None)
        return out

    @model_validator(mode="after")
    def _status_is_not_a_grade(self) -> Entry:
        if self.status and self.grade is not None:
            raise ValueError(
                f"commitment '{self.commitment_id}' is marked '{self.status}' and also graded {self.grade!r}; "
                "a commitment with no evidence, or one that does not apply, has no grade"
            )
        return self

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

    @property
    def status_label(self) -> str:
        """The status in words, in the language in use ("" when the entry has none)."""
        return _(STATUS_WORDS[self.status][0]) if self.status else ""

    @property
    def status_meaning(self) -> str:
        """One sentence saying what the status means ("" when the entry has none)."""
        return _(STATUS_WORDS[self.status][1]) if self.status else ""

    @property
    def has_evidence(self) -> bool:
        """Evidence written out, or at least one source: a list of sources is evidence too."""
        return bool(self.evidence.strip() or self.sources)

    @property
    def blank(self) -> bool:
        """Nothing entered yet: no grade, status, evidence, sources or recommendation (safe to stop tracking)."""
        return self.grade is None and not self.status and not self.has_evidence and not self.recommendation.strip()

    def on_scale(self, source: scales.Scale, target: scales.Scale) -> Entry:
        """This entry with its grade converted from ``source`` to ``target`` (:func:`scales.convert`)."""
        if self.grade is None or source == target:
            return self
        return self.model_copy(update={"grade": scales.convert(self.grade, source, target)})


#: The kinds of gap :meth:`Assessment.gaps` reports, in the order a summary lists them.
GAPS = ("ungraded", "no evidence", "no recommendation")


def _country_code(value: Any) -> Any:
    """Accept an alpha-2/alpha-3 code or a country name; store the alpha-3 code."""
    if not isinstance(value, str) or not value.strip():
        return value
    from .countries import lookup

    country = lookup(value)
    if country is None:
        shown = value if len(value) <= 60 else value[:56] + "..."
        raise ValueError(f"'{shown}' is not a country we know (use an ISO 3166 code such as 'COL', or an English name)")
    return country.alpha_3


class Assessment(Model):
    """A government's record on the tracked commitments, as one NGO or coalition sees it."""

    schema_version: Literal[1] = SCHEMA_VERSION
    country: Annotated[str, StringConstraints(min_length=1)]
    year: int = Field(ge=2019, le=2100)
    organisations: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Clean]
    ] = Field(default_factory=list, max_length=50)
    assessor: ShortText = ""
    date: dt.date = Field(default_factory=dt.date.today)
    scale: scales.Scale = "five-point"
    room: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{0,32}$")] = ""
    fictional: bool = False  # examples and demos say so wherever they are shown
    #: The language the review was made in; its reports come out in it unless asked otherwise.
    language: Literal["en", "es", "fr", "ru"] = "en"
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
        """The country's name in the language in use (CLDR), so every page and chart names it in its language."""
        from .countries import name
        from .i18n import current

        return name(self.country, current())

    def gaps(self) -> dict[str, list[str]]:
        """What is missing: tracked commitments without a grade, or graded without evidence or a recommendation.

        Ids in the review's order under each of :data:`GAPS`.  A commitment not graded yet
        is listed only as "ungraded"; evidence may be written out or given as sources.
        """
        out: dict[str, list[str]] = {kind: [] for kind in GAPS}
        for e in self.entries:
            if e.status:  # "no evidence found" or "not applicable" is a finding, not a missing grade
                continue
            if e.grade is None:
                out["ungraded"].append(e.commitment_id)
                continue
            if not e.has_evidence:
                out["no evidence"].append(e.commitment_id)
            if not e.recommendation.strip():
                out["no recommendation"].append(e.commitment_id)
        return out

    def check_commitments(self, known: set[str] | None = None) -> list[str]:
        """Ids in this assessment that are not Table 1 commitments (empty if all are known)."""
        if known is None:
            from .data import load

            known = {c.id for c in load().commitments}
        return [e.commitment_id for e in self.entries if e.commitment_id not in known]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def rebuild(
    previous: Assessment | None,
    setup: dict[str, Any],
    tracked: list[str],
    today: dt.date,
    remembered: Mapping[str, scales.Grade] | None = None,
) -> tuple[Assessment, list[tuple[str, scales.Grade, scales.Grade]]]:
    """The review after its set-up changed: new fields, the tracked commitments, grades on the new scale.

    ``previous`` is the review as it was (None for a first set-up), ``setup`` the
    fields of :class:`Assessment` the set-up form gives (country, year, scale, ...),
    ``tracked`` the commitment ids in order.  What was entered for a commitment that
    stays tracked is kept (its grade converted when the scale changed); a newly
    tracked one starts blank; the date stays that of the first set-up.  Returns the
    new review and the grades converted, as (commitment id, old grade, new grade).

    ``remembered`` makes a switch there and back lossless: the grades the entries had on
    the new scale before an earlier switch (see :func:`grades_on`).  A remembered grade is
    used again when it still converts to the grade the entry now has (a 2 that became
    orange is a 2 again); one the trainee changed meanwhile is converted as usual.
    """
    kept = {e.commitment_id: e for e in previous.entries} if previous is not None else {}
    converted: list[tuple[str, scales.Grade, scales.Grade]] = []
    if previous is not None and previous.scale != setup["scale"]:
        for cid, e in list(kept.items()):
            kept[cid] = e.on_scale(previous.scale, setup["scale"])
            earlier = (remembered or {}).get(cid)
            if (
                earlier is not None
                and e.grade is not None
                and scales.convert(earlier, setup["scale"], previous.scale) == e.grade
            ):
                kept[cid] = kept[cid].model_copy(update={"grade": earlier})
            if e.grade is not None and kept[cid].grade is not None:
                converted.append((cid, e.grade, kept[cid].grade))
    entries = [kept.get(cid) or Entry(commitment_id=cid) for cid in tracked]
    date = previous.date if previous is not None else today
    return Assessment(**setup, date=date, entries=entries), converted


def grades_on(review: Assessment) -> dict[str, scales.Grade]:
    """The review's grades by commitment id, to remember before a scale switch (:func:`rebuild`)."""
    return {e.commitment_id: e.grade for e in review.entries if e.grade is not None}


# --------------------------------------------------------------------------- format versions


class SchemaVersionError(ValueError):
    """A record whose ``schema_version`` is missing, malformed, too old or too new."""


#: ``UPGRADES[n]`` turns a version-``n`` record into a version ``n + 1`` record.  When the
#: format changes: bump :data:`SCHEMA_VERSION`, widen ``Assessment.schema_version``, and add
#: the step here, so that every file and stored review written by older versions still opens.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upgrade(record: dict[str, Any]) -> dict[str, Any]:
    """Bring a raw JSON record up to :data:`SCHEMA_VERSION`, one step at a time.

    Files and stored reviews outlive the code that wrote them; upgrading on read
    (as nbgrader does with its metadata versions) means nobody has to convert
    anything by hand.  A record from a *newer* idpckit is refused, not guessed at.
    Returns a new dict; ``record`` is not modified.

    :raises SchemaVersionError: the version is missing, not a whole number, or unknown.
    """
    if "schema_version" not in record:
        raise SchemaVersionError(
            # Translators: said of the field schema_version, named before it ('field "schema_version": is missing').
            _('is missing; an assessment file must say which format it uses, e.g. "schema_version": {version}').format(
                version=SCHEMA_VERSION
            )
        )
    version = record["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise SchemaVersionError(
            _("must be a whole number such as {version}, not {value}").format(
                version=SCHEMA_VERSION, value=json.dumps(version)[:40]
            )
        )
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            _(
                "is {version}, a newer format than this idpckit can read (up to {newest}); "
                "update idpckit (pip install -U idpckit) and try again"
            ).format(version=version, newest=SCHEMA_VERSION)
        )
    if version < MIN_SCHEMA_VERSION:
        raise SchemaVersionError(
            _(
                "is {version}, which is not a version of the assessment format (versions {oldest} to {newest} exist)"
            ).format(version=version, oldest=MIN_SCHEMA_VERSION, newest=SCHEMA_VERSION)
        )
    out = dict(record)
    while version < SCHEMA_VERSION:
        out = UPGRADES[version](out)
        version += 1
        out["schema_version"] = version
    return out


# --------------------------------------------------------------------------- JSON Schema

#: Where the generated schema ships inside the package (regenerate with `idpckit schema --write`).
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "assessment.schema.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an assessment file, generated from the model.

    Generated, never hand-edited, so the schema and the model cannot drift apart
    (a test compares it with the shipped file).  Two rules the model checks in
    code are added by hand because pydantic cannot see them: a file must state
    its ``schema_version``, and its grades must be on its own scale.  Rules the
    schema cannot express (a commitment listed twice, an id that is not in
    Table 1, an unknown country) are checked by ``idpckit validate``.
    """
    schema = Assessment.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "idpckit assessment",
        "description": (
            "A civil-society assessment of one government's record on the 13 commitments of Table 1 "
            "in IDPC's advocacy note on the 2019 CND Ministerial Segment: per commitment a grade "
            "(1-5 or a traffic light, or null for not assessed), evidence, sources and a recommendation. "
            "Written by idpckit; check a file with `idpckit validate FILE`."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
    schema["required"] = ["schema_version", *[r for r in schema.get("required", []) if r != "schema_version"]]
    grade = schema["$defs"]["Entry"]["properties"]["grade"]
    for option in grade["anyOf"]:
        if option.get("type") == "integer":
            option.update(minimum=1, maximum=5)

    def grades(allowed: dict[str, Any]) -> dict[str, Any]:
        return {"properties": {"entries": {"items": {"properties": {"grade": allowed}}}}}

    schema["allOf"] = [
        {
            "if": {"properties": {"scale": {"const": "traffic-light"}}, "required": ["scale"]},
            "then": grades({"enum": ["red", "orange", "green", None]}),
            "else": grades({"anyOf": [{"type": "integer", "minimum": 1, "maximum": 5}, {"type": "null"}]}),
        }
    ]
    return schema


def json_schema_text() -> str:
    """:func:`json_schema` as the exact text of the shipped file."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
