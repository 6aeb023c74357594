"""Find, load and validate the kit's content in ``data/``.

Everything the lessons and apps say about the 2019 Ministerial Segment is read
from plain CSV and YAML files that trainers can edit.  This module turns those
files into typed records (:mod:`idpckit.schema`) and, when something is wrong,
into a report that names the file, the row and the field, so a trainer who broke
a spreadsheet cell can find it without reading Python.

Only the standard library, pydantic and PyYAML are imported here: pandas is
imported by :func:`frame` alone, so that ``import idpckit`` stays cheap in a
Voilà kernel.

Example::

    >>> from idpckit import data
    >>> [c.id for c in data.load().commitments][:2]
    ['alternatives', 'legal-guarantees']
"""

from __future__ import annotations

import csv
import io
import os
import threading
import typing
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from . import yamlfile
from .errors import FileProblems, Problem
from .i18n import _, ngettext
from .schema import (
    SECTIONS,
    Ask,
    Avenue,
    Challenge,
    Commitment,
    CountryAlias,
    Document,
    DossierItem,
    Goal,
    GradingRule,
    Intersessional,
    Reference,
    Rubric,
    TimelineEvent,
    Vignette,
    WorkplanYear,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Environment variable naming a data folder to use instead of the shipped one.
ENV_VAR = "IDPCKIT_DATA"

#: Every content file, the record type of its rows, in load order.
FILES: dict[str, type[BaseModel]] = {
    "documents.csv": Document,
    "timeline.csv": TimelineEvent,
    "commitments.csv": Commitment,
    "references.csv": Reference,
    "goals.csv": Goal,
    "workplan.csv": WorkplanYear,
    "challenges.csv": Challenge,
    "intersessionals.csv": Intersessional,
    "asks.yaml": Ask,
    "avenues.yaml": Avenue,
    "rubric.yaml": Rubric,
    "grading.yaml": GradingRule,
    "calibration.yaml": Vignette,
    "dossier.yaml": DossierItem,
    "country_aliases.csv": CountryAlias,
}

#: Largest content file we will read; a bigger one is a mistake (a wrong file copied in).
MAX_FILE_BYTES = 2_000_000


def data_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder to read content from.

    In order: ``root`` if given; the ``IDPCKIT_DATA`` environment variable; the
    repository's ``data/`` beside the package (a checkout or editable install);
    the copy packaged inside the wheel (``idpckit/_data``).  Notebooks never
    build ``../data`` paths themselves because Voilà and nbclient run them with
    the notebook's folder as the working directory.
    """
    if root is not None:
        return Path(root)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "commitments.csv").is_file():
        return checkout
    return Path(str(resources.files("idpckit") / "_data"))


@dataclass
class Report:
    """All problems found in a data folder (empty when it is valid)."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    #: How many files were checked (0: the content files of :data:`FILES`); the whole-folder check counts all.
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, file: str, row: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, row, field, message))

    def table(self) -> str:
        """A plain-text table (File, Row, Field, Message) for the terminal, in the language in use."""
        if self.ok:
            n = self.files or len(FILES)
            return ngettext("{root}: the {n} file is valid.", "{root}: all {n} files are valid.", n).format(
                root=self.root, n=n
            )
        heads = (_("File"), _("Row"), _("Field"), _("Message"))
        rows = [heads] + [(p.file, p.row, p.field, p.message) for p in self.problems]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
        lines.insert(1, "-" * min(100, sum(widths) + 6 + max(len(r[3]) for r in rows)))
        n = len(self.problems)
        lines.append("\n" + ngettext("{n} problem in {root}", "{n} problems in {root}", n).format(n=n, root=self.root))
        return "\n".join(lines)


class DataError(ValueError):
    """Raised by :func:`load` when the data folder has problems; carries the report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        n = len(report.problems)
        shown = "\n".join(f"  - {p}" for p in report.problems[:20])
        more = "\n  " + _("... and {n} more").format(n=n - 20) if n > 20 else ""
        head = ngettext("The content in {root} has {n} problem:", "The content in {root} has {n} problems:", n)
        super().__init__(head.format(root=report.root, n=n) + f"\n{shown}{more}")


@dataclass(frozen=True)
class Content:
    """The whole content of a data folder, as typed records with look-ups."""

    root: Path
    documents: list[Document]
    timeline: list[TimelineEvent]
    commitments: list[Commitment]
    references: list[Reference]
    goals: list[Goal]
    workplan: list[WorkplanYear]
    challenges: list[Challenge]
    intersessionals: list[Intersessional]
    asks: list[Ask]
    avenues: list[Avenue]
    rubric: list[Rubric]
    grading: list[GradingRule]
    calibration: list[Vignette]
    dossier: list[DossierItem]
    country_aliases: list[CountryAlias]

    def document(self, doc_id: str) -> Document:
        return next(d for d in self.documents if d.id == doc_id)

    def commitment(self, commitment_id: str) -> Commitment:
        for c in self.commitments:
            if c.id == commitment_id:
                return c
        raise KeyError(f"no commitment with id '{commitment_id}'")

    def references_for(self, commitment_id: str, document: str | None = None) -> list[Reference]:
        return [
            r
            for r in self.references
            if r.commitment_id == commitment_id and (document is None or r.document == document)
        ]

    def rubric_for(self, commitment_id: str) -> Rubric:
        return next(r for r in self.rubric if r.commitment_id == commitment_id)


# --------------------------------------------------------------------------- reading


def _list_fields(model: type[BaseModel]) -> set[str]:
    return {n for n, f in model.model_fields.items() if typing.get_origin(f.annotation) is list}


def _read_rows(path: Path, report: Report) -> list[tuple[str, dict[str, Any]]] | None:
    """Raw rows of one file as (row label, mapping), or None if unreadable."""
    name = path.name
    try:
        if path.suffix != ".csv":
            return yamlfile.item_rows(name, yamlfile.read(path, name, max_bytes=MAX_FILE_BYTES))
        text = yamlfile.read_text(path, name, max_bytes=MAX_FILE_BYTES)
    except FileProblems as exc:
        report.problems.extend(exc.problems)
        return None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    for i, raw in enumerate(reader, start=2):  # spreadsheet numbering: the header is row 1
        if None in raw:
            report.add(name, row_label(i), "", _("has more cells than the header has columns"))
            continue
        if not any((v or "").strip() for v in raw.values()):
            continue  # a blank line a spreadsheet left behind
        rows.append((row_label(i), {k: (v if v is not None else "") for k, v in raw.items()}))
    return rows


def row_label(n: int) -> str:
    """A CSV row as a spreadsheet numbers it ("row 7"), in the language in use, like the messages beside it."""
    return _("row {n}").format(n=n)


def not_an_id(value: object, file: str) -> str:
    """The message for a link to a record that does not exist ("'x' is not an id in commitments.csv")."""
    return _("'{value}' is not an id in {file}").format(value=value, file=file)


def _parse(
    name: str, model: type[BaseModel], rows: list[tuple[str, dict[str, Any]]], report: Report
) -> tuple[list[Any], list[str]]:
    """The valid records of one file, and the row label of each ("row 7 (id 'x')", "item 3"), in step.

    A row that failed on its own is not among the records, so a later check must name a
    record by its label, never by its position in the list.
    """
    lists = _list_fields(model) if name.endswith(".csv") else set()
    prepared = []
    for label, raw in rows:
        values = dict(raw)
        for key in lists & values.keys():
            cell = values[key]
            values[key] = [p.strip() for p in cell.split(";") if p.strip()] if isinstance(cell, str) else cell
        row_id = values.get("id") or values.get("commitment_id")
        if name.endswith(".csv") and row_id and "id" in values:
            label = yamlfile.with_id(label, row_id)
        prepared.append((label, values))
    records, problems = yamlfile.validate_rows(name, model, prepared)
    report.problems.extend(problems)
    failed = {p.row for p in problems}
    labels = [label for label, _ in prepared if label not in failed]
    return records, labels


def _check_links(
    c: dict[str, list[Any]], raw_ids: dict[str, set[str]], labels: dict[str, list[str]], report: Report
) -> None:
    """Cross-file rules: the foreign keys and orderings a single row cannot see.

    Keys are taken from the *raw* rows, so one bad row is reported once, not
    again as a broken link from every row that points at it.  Each record is
    named by its own row label (``labels``, in step with ``c``).
    """

    def rows(file: str) -> list[tuple[str, Any]]:
        return list(zip(labels[file], c[file], strict=True))

    def unique(file: str, key: str, values: list[Any]) -> None:
        for value, n in Counter(values).items():
            if n > 1:
                report.add(
                    file, "", key, _("'{value}' appears {n} times; each must be unique").format(value=value, n=n)
                )

    unique("documents.csv", "id", [d.id for d in c["documents.csv"]])
    unique("timeline.csv", "id", [e.id for e in c["timeline.csv"]])
    unique("commitments.csv", "id", [x.id for x in c["commitments.csv"]])
    unique("commitments.csv", "number", [x.number for x in c["commitments.csv"]])
    unique("goals.csv", "number", [g.number for g in c["goals.csv"]])
    unique("workplan.csv", "year", [w.year for w in c["workplan.csv"]])
    unique("challenges.csv", "number", [x.number for x in c["challenges.csv"]])
    unique("intersessionals.csv", "year", [x.year for x in c["intersessionals.csv"]])
    unique("asks.yaml", "number", [a.number for a in c["asks.yaml"]])
    unique("avenues.yaml", "id", [a.id for a in c["avenues.yaml"]])
    unique("rubric.yaml", "commitment_id", [r.commitment_id for r in c["rubric.yaml"]])
    unique("grading.yaml", "id", [g.id for g in c["grading.yaml"]])
    unique("calibration.yaml", "id", [v.id for v in c["calibration.yaml"]])
    unique("dossier.yaml", "commitment_id", [d.commitment_id for d in c["dossier.yaml"]])
    for row, v in rows("calibration.yaml"):
        if v.commitment_id not in raw_ids["commitments.csv"]:
            report.add("calibration.yaml", row, "commitment_id", not_an_id(v.commitment_id, "commitments.csv"))
        for rule in v.rules:
            if rule not in raw_ids["grading.yaml"]:
                report.add("calibration.yaml", row, "rules", not_an_id(rule, "grading.yaml"))
    for row, d in rows("dossier.yaml"):
        if d.commitment_id not in raw_ids["commitments.csv"]:
            report.add("dossier.yaml", row, "commitment_id", not_an_id(d.commitment_id, "commitments.csv"))
    if c["grading.yaml"] or raw_ids.get("grading.yaml"):
        for needed in ("period", "law-and-practice", "combining", "not-applicable", "no-evidence"):
            if needed not in raw_ids["grading.yaml"]:
                words = _("the rule '{rule}' is missing; every review depends on it").format(rule=needed)
                report.add("grading.yaml", "", "id", words)
    unique(
        "references.csv",
        "commitment_id+document+section+unit+ref",
        [f"{r.commitment_id} {r.document} {r.section} {r.unit} {r.ref}" for r in c["references.csv"]],
    )

    doc_ids = raw_ids["documents.csv"]
    commitment_ids = raw_ids["commitments.csv"]
    for row, d in rows("documents.csv"):
        if d.origin == "later" and not d.source:
            report.add("documents.csv", row, "source", _("a later fact must name its source"))
    for row, e in rows("timeline.csv"):
        if e.document_id and e.document_id not in doc_ids:
            report.add("timeline.csv", row, "document_id", not_an_id(e.document_id, "documents.csv"))
        if e.origin == "later" and not e.source:
            report.add("timeline.csv", row, "source", _("a later fact must name its source"))
        if e.origin == "later" and not e.status:
            report.add("timeline.csv", row, "status", _("a later fact must say how far it is confirmed"))
        if e.origin == "later" and not e.checked:
            report.add("timeline.csv", row, "checked", _("a later fact must say when it was checked"))
        if e.origin == "note" and e.status:
            report.add("timeline.csv", row, "status", _("facts from the note have no status; leave it empty"))
        if e.date_end and e.date_end < e.date:
            report.add("timeline.csv", row, "date_end", _("ends before it starts"))
    for row, r in rows("references.csv"):
        if r.commitment_id not in commitment_ids:
            report.add("references.csv", row, "commitment_id", not_an_id(r.commitment_id, "commitments.csv"))
        if r.section not in SECTIONS[r.document]:
            allowed = ", ".join(f"'{s}'" for s in SECTIONS[r.document])
            words = _("'{section}' is not a section of {document}; use {allowed}")
            report.add(
                "references.csv", row, "section", words.format(section=r.section, document=r.document, allowed=allowed)
            )
        if r.unit == "chapter" and "." in r.ref:
            report.add("references.csv", row, "ref", _("a chapter is cited by its number alone, e.g. 2"))
        if r.status != "unchecked" and not r.status_source:
            words = _("a reference marked '{status}' must say where it was checked").format(status=r.status)
            report.add("references.csv", row, "status_source", words)
    for row, g in rows("goals.csv"):
        for cid in g.commitment_ids:
            if cid not in commitment_ids:
                report.add("goals.csv", row, "commitment_ids", not_an_id(cid, "commitments.csv"))
    for row, r in rows("rubric.yaml"):
        if r.commitment_id not in commitment_ids:
            report.add("rubric.yaml", row, "commitment_id", not_an_id(r.commitment_id, "commitments.csv"))
    graded = raw_ids["rubric.yaml"]
    for x in c["commitments.csv"]:
        if graded and x.id not in graded:
            report.add("rubric.yaml", "", "commitment_id", _("commitment '{id}' has no rubric").format(id=x.id))
    numbers = sorted(x.number for x in c["commitments.csv"])
    complete = len(numbers) == len(commitment_ids)  # a row that failed on its own is already reported
    if complete and numbers != list(range(1, len(numbers) + 1)):
        report.add("commitments.csv", "", "number", _("numbers must run 1, 2, 3, ... without gaps"))


def _read_all(root: Path) -> tuple[dict[str, list[Any]], Report]:
    report = Report(root)
    parsed: dict[str, list[Any]] = {}
    labels: dict[str, list[str]] = {}
    raw_ids: dict[str, set[str]] = {}
    if not root.is_dir():
        report.add(str(root), "", "", _("is not a folder"))
        return {name: [] for name in FILES}, report
    for name, model in FILES.items():
        rows = _read_rows(root / name, report)
        parsed[name], labels[name] = _parse(name, model, rows, report) if rows is not None else ([], [])
        raw_ids[name] = {str(raw.get("id") or raw.get("commitment_id") or "") for _, raw in rows or []}
    _check_links(parsed, raw_ids, labels, report)
    return parsed, report


def read_all(root: str | os.PathLike[str] | None = None) -> tuple[dict[str, list[Any]], Report]:
    """The records of every content file, by file name, and every problem found in them (never raises).

    What is built on the content (exercises, translations, country aliases) is checked by
    :func:`idpckit.content_check.validate`, which starts from this.
    """
    return _read_all(data_dir(root))


def validate(root: str | os.PathLike[str] | None = None) -> Report:
    """Check the content files of a data folder on their own and return *every* problem (never raises).

    ``idpckit data check`` runs :func:`idpckit.content_check.validate`, which adds the
    exercises, the translations and the country aliases to this.
    """
    return _read_all(data_dir(root))[1]


_cache: dict[tuple[Any, ...], Content] = {}
_lock = threading.Lock()


def _stamp(root: Path) -> tuple[Any, ...]:
    stamps = []
    for name in FILES:
        try:
            st = (root / name).stat()
            stamps.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append(None)
    return (str(root.resolve()), *stamps)


def load(root: str | os.PathLike[str] | None = None) -> Content:
    """Load and validate a data folder, cached until one of its files changes.

    Raises :class:`DataError` listing every problem if the folder is not valid.
    """
    path = data_dir(root)
    key = _stamp(path)
    with _lock:
        if key in _cache:
            return _cache[key]
        parsed, report = _read_all(path)
        if not report.ok:
            raise DataError(report)
        content = Content(
            root=path,
            documents=parsed["documents.csv"],
            timeline=parsed["timeline.csv"],
            commitments=sorted(parsed["commitments.csv"], key=lambda x: x.number),
            references=parsed["references.csv"],
            goals=sorted(parsed["goals.csv"], key=lambda g: g.number),
            workplan=sorted(parsed["workplan.csv"], key=lambda w: w.year),
            challenges=sorted(parsed["challenges.csv"], key=lambda x: x.number),
            intersessionals=sorted(parsed["intersessionals.csv"], key=lambda x: x.year),
            asks=sorted(parsed["asks.yaml"], key=lambda a: a.number),
            avenues=parsed["avenues.yaml"],
            rubric=parsed["rubric.yaml"],
            grading=parsed["grading.yaml"],
            calibration=parsed["calibration.yaml"],
            dossier=parsed["dossier.yaml"],
            country_aliases=parsed["country_aliases.csv"],
        )
        _cache.clear()
        _cache[key] = content
        return content


def load_commitments(root: str | os.PathLike[str] | None = None) -> list[Commitment]:
    """The 13 Table 1 commitments, in the note's order."""
    return load(root).commitments


#: Names accepted by :func:`frame`, mapped to the Content attribute they view.
FRAMES = {
    "documents": "documents",
    "timeline": "timeline",
    "commitments": "commitments",
    "references": "references",
    "goals": "goals",
    "workplan": "workplan",
    "challenges": "challenges",
    "asks": "asks",
    "avenues": "avenues",
    "rubric": "rubric",
}


def frame(name: str, root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """A pandas DataFrame view of one content file, e.g. ``frame("references")``.

    Records stay the source of truth; the DataFrame is a copy for filtering,
    grouping and plotting in the lessons.
    """
    import pandas as pd

    if name not in FRAMES:
        raise KeyError(f"unknown table '{name}'; choose one of {', '.join(FRAMES)}")
    records = getattr(load(root), FRAMES[name])
    columns = list(FILES[f"{name}.csv" if f"{name}.csv" in FILES else f"{name}.yaml"].model_fields)
    return pd.DataFrame([r.model_dump() for r in records], columns=columns)
