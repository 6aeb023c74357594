"""What the kit offers: the lessons and apps in ``notebooks/``, read from their metadata.

Every notebook carries its own description under the notebook-level metadata key
``"idpckit"`` (kind, order, title, one-line summary, teaching and exercise minutes,
objectives, key points).  Reading it from the notebooks themselves means there is
no second list to keep in step: the index page of ``idpckit serve`` and the
workshop timetable (``workshop/schedule.md``, written by ``idpckit schedule``) are
both generated from it, so a lesson added or re-timed shows up everywhere at once.

Only the standard library and pydantic are imported here (no nbformat, no
widgets): the Voilà server process calls this on every visit to the index page.

Example::

    >>> from idpckit import catalog
    >>> [e.title for e in catalog.catalog() if e.kind == "lesson"][:1]  # doctest: +SKIP
    ['Start here']
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .errors import dotted, plain

#: Environment variable naming a notebooks folder to use instead of the shipped one.
ENV_VAR = "IDPCKIT_NOTEBOOKS"

#: The notebook-level metadata key that holds a notebook's description.
METADATA_KEY = "idpckit"

#: A notebook bigger than this is not one of ours (they are committed without outputs).
MAX_NOTEBOOK_BYTES = 5_000_000

#: Kinds of notebook, in the order the index page and the schedule show them.
KINDS = ("app", "lesson")

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\n\r]*$")]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]


class Metadata(BaseModel):
    """The ``"idpckit"`` metadata of one notebook (its schema; tests/test_notebooks.py checks every notebook against it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    kind: Literal["lesson", "app"]
    order: Annotated[int, Field(ge=0)]
    title: Line
    summary: Line
    teaching: Minutes = 0
    exercises: Minutes = 0
    objectives: list[Line] = []
    keypoints: list[Line] = []
    #: Apps only: keep a kernel ready for the first visitor (``idpckit serve``). Set false for an
    #: app few people open (a trainer's dashboard), so it does not hold an idle kernel's memory.
    preheat: bool = True
    #: "trainers": served, but not listed on the index page that trainees see (the room dashboard).
    audience: Literal["everyone", "trainers"] = "everyone"
    #: The language of a translated lesson (``notebooks/<lang>/``, written by ``idpckit translations notebooks``).
    lang: Literal["en", "es", "fr", "ru"] = "en"


@dataclass(frozen=True)
class Entry:
    """One lesson or app, as the index page and the schedule describe it."""

    path: Path
    kind: str
    order: int
    title: str
    summary: str
    teaching: int
    exercises: int
    objectives: tuple[str, ...] = ()
    keypoints: tuple[str, ...] = ()
    preheat: bool = False
    audience: str = "everyone"
    lang: str = "en"

    @property
    def name(self) -> str:
        """The file name, e.g. ``"table1-explorer.ipynb"`` (also its path under the served folder)."""
        return self.path.name

    @property
    def minutes(self) -> int:
        return self.teaching + self.exercises

    @property
    def url(self) -> str:
        """Where Voilà renders it, relative to the server's base URL."""
        from urllib.parse import quote

        # A translated lesson lives in notebooks/<lang>/ (idpckit translations notebooks writes it there);
        # an app is one notebook for every language, whatever language its entry is written in.
        folder = f"{quote(self.lang)}/" if self.lang != "en" and self.kind == "lesson" else ""
        return f"voila/render/{folder}{quote(self.name)}"


@dataclass(frozen=True)
class Problem:
    """One notebook whose metadata cannot be read, and why, in plain words."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class Scan:
    """Everything found in a notebooks folder: good entries and problems."""

    root: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class CatalogError(ValueError):
    """Raised by :func:`catalog` when any notebook's metadata is missing or malformed."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        lines = "\n".join(f"  - {p}" for p in scan.problems)
        super().__init__(
            f"The notebooks in {scan.root} have {len(scan.problems)} problem(s) in their '{METADATA_KEY}' metadata:\n"
            f"{lines}\n"
            "Each notebook needs notebook-level metadata such as "
            '{"idpckit": {"kind": "lesson", "order": 1, "title": "...", "summary": "...", '
            '"teaching": 20, "exercises": 10, "objectives": ["..."], "keypoints": ["..."]}}.'
        )


def notebooks_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder of lessons and apps.

    In order: ``root`` if given; the ``IDPCKIT_NOTEBOOKS`` environment variable; the
    repository's ``notebooks/`` in a checkout (editable install); the copy packaged
    inside the wheel (``idpckit/_notebooks``, see pyproject's force-include).
    """
    if root is not None:
        return Path(root)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    repo = Path(__file__).resolve().parent.parent
    if (repo / "pyproject.toml").is_file() and (repo / "notebooks").is_dir():
        return repo / "notebooks"
    return Path(str(resources.files("idpckit") / "_notebooks"))


#: What :func:`read_entry` found per notebook file, with the file's stamp when it was read: the
#: Entry, or the ValueError's message.  One item per path (replaced when the file changes).
_read: dict[str, tuple[tuple[int, int, int, int], Entry | str]] = {}


def read_entry(path: Path) -> Entry:
    """Read one notebook's metadata; raises ``ValueError`` with a plain message if it is unusable.

    Cached per file until the file changes (its size, inode, modification or change time):
    the server reads every notebook's metadata for each visit to the index page and each
    page it renders, and parsing the notebooks' JSON cost ~2-3 ms of the server's one core
    per request.  A trainer who edits a notebook while serving sees the edit at the next visit.
    """
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    key = str(path)
    cached = _read.get(key)
    if cached is not None and cached[0] == stamp:
        if isinstance(cached[1], str):
            raise ValueError(cached[1])
        return cached[1]
    try:
        entry = _read_entry(path, st.st_size)
    except ValueError as exc:
        _read[key] = (stamp, str(exc))
        raise
    _read[key] = (stamp, entry)
    return entry


def _read_entry(path: Path, size: int) -> Entry:
    """:func:`read_entry` without its cache: the notebook's JSON parsed and its metadata checked."""
    try:
        if size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB; commit notebooks without outputs")
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not a valid notebook (JSON error on line {exc.lineno}: {exc.msg})") from None
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    if not isinstance(meta, dict) or METADATA_KEY not in meta:
        raise ValueError(f"has no '{METADATA_KEY}' notebook metadata (kind, order, title, summary, times, objectives)")
    try:
        m = Metadata.model_validate(meta[METADATA_KEY])
    except ValidationError as exc:
        raise ValueError("; ".join(f"'{dotted(e['loc'])}': {plain(e)}" for e in exc.errors())) from None
    if m.kind == "lesson" and not m.objectives:
        raise ValueError("a lesson needs at least one learning objective in 'objectives'")
    if m.kind == "lesson" and not m.keypoints:
        raise ValueError("a lesson needs at least one key point in 'keypoints'")
    return Entry(
        path=path,
        kind=m.kind,
        order=m.order,
        title=m.title,
        summary=m.summary,
        teaching=m.teaching,
        exercises=m.exercises,
        objectives=tuple(m.objectives),
        keypoints=tuple(m.keypoints),
        preheat=m.kind == "app" and m.preheat,
        audience=m.audience,
        lang=m.lang,
    )


def scan(root: str | os.PathLike[str] | None = None) -> Scan:
    """Read every ``*.ipynb`` in the notebooks folder; never raises (problems are collected)."""
    folder = notebooks_dir(root)
    result = Scan(folder)
    if not folder.is_dir():
        result.problems.append(Problem(str(folder), "is not a folder"))
        return result
    for path in sorted(folder.glob("*.ipynb")):
        try:
            result.entries.append(read_entry(path))
        except (ValueError, OSError) as exc:
            result.problems.append(Problem(path.name, str(exc)))
    for kind in KINDS:
        seen: dict[int, str] = {}
        for e in result.entries:
            if e.kind != kind:
                continue
            if e.order in seen:
                result.problems.append(
                    Problem(e.name, f"has the same {kind} order ({e.order}) as {seen[e.order]}; orders must differ")
                )
            seen[e.order] = e.name
    result.entries.sort(key=lambda e: (KINDS.index(e.kind), e.order, e.name))
    return result


def in_language(found: Scan, lang: str) -> list[Entry]:
    """The entries of ``found`` as a visitor reading ``lang`` meets them: each lesson in ``lang`` where
    ``notebooks/<lang>/`` has it (same file name, translated title and objectives), else in English.

    Apps are the same notebook in every language (they take ``?lang=``): their title, summary,
    objectives and key points are translated with the interface's messages
    (:func:`idpckit.i18n.app_metadata_messages` extracts them), and stay English where a
    translation is missing.
    """
    if lang == "en":
        return list(found.entries)
    translated = {e.name: e for e in scan(found.root / lang).entries if e.kind == "lesson" and e.lang == lang}
    return [translated.get(e.name, e) if e.kind == "lesson" else _app_in(e, lang) for e in found.entries]


def _app_in(entry: Entry, lang: str) -> Entry:
    """An app's index entry in ``lang``, marked as in that language only when its title is translated."""
    import dataclasses

    from .i18n import _, language

    with language(lang):
        title = _(entry.title)
        if title == entry.title:
            return entry
        return dataclasses.replace(
            entry,
            title=title,
            summary=_(entry.summary),
            objectives=tuple(_(o) for o in entry.objectives),
            keypoints=tuple(_(k) for k in entry.keypoints),
            lang=lang,
        )


def catalog(root: str | os.PathLike[str] | None = None) -> list[Entry]:
    """All lessons and apps, apps first, each in its ``order``.

    Raises :class:`CatalogError` naming every notebook whose metadata is missing or
    malformed, so a mistake is found when the schedule is written or the tests run,
    not by a visitor.
    """
    result = scan(root)
    if result.problems:
        raise CatalogError(result)
    return result.entries


def _hm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell or list item."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def schedule_markdown(
    entries: list[Entry] | None = None, command: str = "idpckit schedule -o workshop/schedule.md"
) -> str:
    """The workshop timetable as Markdown in the language in use, generated from the notebooks' metadata.

    Start times are counted from the beginning of the workshop (0:00); trainers add
    breaks where their day needs them. ``command`` is the one that regenerates the file
    (``idpckit schedule --lang es -o workshop/es/schedule.md``, from ``notebooks/es/``).
    """
    from .i18n import _

    entries = catalog() if entries is None else entries
    lessons = [e for e in entries if e.kind == "lesson"]
    apps = [e for e in entries if e.kind == "app"]
    total = sum(e.minutes for e in lessons)
    out = [
        _("# Workshop schedule"),
        "",
        '<!-- Generated by `idpckit schedule` from the notebooks\' "idpckit" metadata. Do not edit by hand:',
        f"     change a notebook's metadata and run `{command}` again. -->",
        "",
        _(
            "{lessons} lessons, {total} in all ({teaching} minutes of teaching, {exercises} minutes of exercises), "
            "without breaks. Start times count from the beginning of the day; add breaks where your day needs them."
        ).format(
            lessons=len(lessons),
            total=_hm(total),
            teaching=sum(e.teaching for e in lessons),
            exercises=sum(e.exercises for e in lessons),
        ),
        "",
        "| {} | {} | {} | {} | {} |".format(_("Start"), _("Lesson"), _("Notebook"), _("Teaching"), _("Exercises")),
        "|---|---|---|---|---|",
    ]
    start = 0
    minutes = _("{minutes} min")
    for e in lessons:
        out.append(
            f"| {_hm(start)} | {_md(e.title)} | `{e.name}` | {minutes.format(minutes=e.teaching)} | "
            f"{minutes.format(minutes=e.exercises)} |"
        )
        start += e.minutes
    finish = _("Finish")
    out.append(f"| {_hm(start)} | {finish} | | | |")
    if apps:
        out += ["", _("## Apps used during the workshop"), ""]
        for e in apps:
            timing = " " + _("About {minutes} minutes.").format(minutes=e.minutes) if e.minutes else ""
            out.append(f"- **{_md(e.title)}** (`{e.name}`): {_md(e.summary)}{timing}")
    for e in lessons:
        out += ["", f"## {_md(e.title)}", "", f"`{e.name}`: {_md(e.summary)}", ""]
        out.append(
            _("Teaching {teaching} min, exercises {exercises} min.").format(teaching=e.teaching, exercises=e.exercises)
        )
        out += ["", _("Objectives:"), ""] + [f"- {_md(o)}" for o in e.objectives]
        out += ["", _("Key points:"), ""] + [f"- {_md(k)}" for k in e.keypoints]
    return "\n".join(out) + "\n"
