"""The "Vienna consensus" role-play, read from ``data/roleplay.yaml``, for the workshop guide and the handouts.

Groups play the CND's member-state blocs (as IDPC's 2019 note describes them), the UN
agencies and civil society, and negotiate one bracketed paragraph twice: under consensus,
then under a vote.  Everything a trainer might change (wording, votes, timings) is in
the data file; this module validates it (errors name the file, the item and the field)
and renders it three ways from the same records:

* :func:`markdown` for ``workshop/roleplay.md`` (generated; a test keeps it in step);
* the role cards and the rules sheet printed by :mod:`idpckit.handouts` (which imports
  this module, never the other way round).

Each role's instructions on the paragraph ("you want ...", "you cannot accept ...") are
computed from the options' ``supporters`` and ``opponents``, so a card never disagrees
with the paragraph it is played on.

Example::

    >>> from idpckit import roleplay
    >>> game = roleplay.load()
    >>> game.minutes, [r.id for r in game.voters()][:1]
    (85, ['reformers'])
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from . import data, localise, yamlfile
from .errors import FileProblems, Problem, dotted, plain
from .i18n import _
from .text import md

FILE = "roleplay.yaml"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Record):
    text: Text
    supporters: list[Slug] = []
    opponents: list[Slug] = []


class Bracket(_Record):
    id: Slug
    label: Text
    options: list[Option] = Field(min_length=2)


class Paragraph(_Record):
    title: Text
    chapeau: Text
    brackets: list[Bracket] = Field(min_length=1)


class Role(_Record):
    id: Slug
    name: Text
    kind: Literal["member-states", "observers"]
    votes: int = Field(ge=0, le=200)
    who: Text
    wants: list[Text] = Field(min_length=1)
    limits: list[Text] = []
    tactics: list[Text] = []


class Round(_Record):
    id: Slug
    title: Text
    minutes: int = Field(ge=1, le=240)
    rules: list[Text] = []
    steps: list[Text] = []


class Question(_Record):
    question: Text
    notes: Text = ""


class Fact(_Record):
    text: Text
    source: str = ""
    date: str = ""
    origin: Literal["note", "later"]


class RolePlay(_Record):
    """The whole role-play: setting, paragraph, roles, rounds, debrief and the facts it rests on."""

    id: Slug
    title: Text
    summary: Text
    groups: Text
    aims: list[Text] = Field(min_length=1)
    setting: Text
    paragraph: Paragraph
    roles: list[Role] = Field(min_length=2)
    rounds: list[Round] = Field(min_length=1)
    debrief: list[Question] = Field(min_length=1)
    facts: list[Fact] = []

    @property
    def minutes(self) -> int:
        """The whole activity's length: the sum of its rounds."""
        return sum(r.minutes for r in self.rounds)

    def voters(self) -> list[Role]:
        return [r for r in self.roles if r.kind == "member-states"]

    def total_votes(self) -> int:
        return sum(r.votes for r in self.voters())

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)


@dataclass(frozen=True)
class Stance:
    """What one role is told about one bracket: the options it wants and those it cannot accept."""

    bracket: Bracket
    wants: list[str]
    refuses: list[str]


def stances(game: RolePlay, role_id: str) -> list[Stance]:
    """A role's instructions on each bracket, computed from the options' supporters and opponents."""
    out = []
    for b in game.paragraph.brackets:
        wants = [o.text for o in b.options if role_id in o.supporters]
        refuses = [o.text for o in b.options if role_id in o.opponents]
        out.append(Stance(b, wants, refuses))
    return out


def consensus_survivors(game: RolePlay) -> dict[str, list[Option]]:
    """Per bracket, the options no member-state group refuses: what consensus leaves if every card is played as written.

    Observers' objections do not count (they cannot block).  An empty list means the
    bracket falls and the paragraph loses that part; the trainer's guide says so.
    """
    voters = {r.id for r in game.voters()}
    return {b.id: [o for o in b.options if not (set(o.opponents) & voters)] for b in game.paragraph.brackets}


def draft_text(paragraph: Paragraph) -> str:
    """The draft as the room sees it: the chapeau, then each bracket's options in square brackets."""
    parts = [paragraph.chapeau]
    for b in paragraph.brackets:
        parts.append("[" + " / ".join(o.text for o in b.options) + "]")
    return " ".join(parts) + "."


# --------------------------------------------------------------------------- loading


def _where(loc: tuple[Any, ...], raw: Any) -> tuple[str, str]:
    """A pydantic location as (item, field), e.g. ("roles item 2 (id 'eu')", "votes")."""
    parts = list(loc)
    if len(parts) >= 2 and isinstance(parts[1], int):
        section, index = parts[0], parts[1]
        item = f"{section} item {index + 1}"
        try:
            ident = raw[section][index].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            ident = None
        return item + (f" (id '{ident}')" if ident else ""), dotted(parts[2:])
    if parts:
        return str(parts[0]), dotted(parts[1:])
    return "", ""


def _check(game: RolePlay, report: data.Report) -> None:
    """Rules one field cannot see: unique ids, known role ids, votes, sources of later facts."""
    for section, ids in (
        ("roles", [r.id for r in game.roles]),
        ("rounds", [r.id for r in game.rounds]),
        ("paragraph.brackets", [b.id for b in game.paragraph.brackets]),
    ):
        for value, n in Counter(ids).items():
            if n > 1:
                report.add(FILE, section, "id", f"'{value}' appears {n} times; each must be unique")
    known = {r.id for r in game.roles}
    for b in game.paragraph.brackets:
        for i, o in enumerate(b.options, start=1):
            where = f"paragraph bracket '{b.id}', option {i}"
            for key in ("supporters", "opponents"):
                for rid in getattr(o, key):
                    if rid not in known:
                        report.add(FILE, where, key, f"'{rid}' is not the id of a role")
            both = set(o.supporters) & set(o.opponents)
            if both:
                report.add(FILE, where, "opponents", f"{', '.join(sorted(both))} cannot both support and oppose it")
    for i, r in enumerate(game.roles, start=1):
        where = f"roles item {i} (id '{r.id}')"
        if r.kind == "member-states" and r.votes < 1:
            report.add(FILE, where, "votes", "a member-state group needs at least one vote")
        if r.kind == "observers" and r.votes:
            report.add(FILE, where, "votes", "observers (UN agencies, civil society) cannot vote; set 0")
    if len(game.voters()) < 2:
        report.add(FILE, "roles", "kind", "the game needs at least two member-state groups")
    for i, f in enumerate(game.facts, start=1):
        if f.origin == "later" and not (f.source.strip() and f.date.strip()):
            report.add(
                FILE, f"facts item {i}", "source", "a fact from after September 2019 must name its source and date"
            )


def load(root: str | os.PathLike[str] | None = None, lang: str | None = None) -> RolePlay:
    """Read and validate ``roleplay.yaml`` in the data folder, in English or with ``lang``'s words in place.

    The translation (``data/translations/<lang>.yaml`` under ``roleplay.yaml``) is put in
    before validating, so a translated role-play is checked like the English one; a field
    with no translation, or a stale one, stays English (:func:`idpckit.localise.translated_document`).

    Raises :class:`idpckit.errors.FileProblems` listing every problem, each with the
    file, the item and the field, so a trainer who edited the file can find it.
    """
    raw = yamlfile.read(Path(data.data_dir(root)) / FILE, FILE)
    if not isinstance(raw, dict):
        raise FileProblems([Problem(FILE, "", "", "must be a mapping of field: value (title, paragraph, roles, ...)")])
    raw = localise.translated_document(FILE, raw, lang, root)
    try:
        game = RolePlay.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            item, fld = _where(tuple(err["loc"]), raw)
            problems.append(Problem(FILE, item, fld, plain(err)))
        raise FileProblems(problems) from None
    report = data.Report(Path(data.data_dir(root)))
    _check(game, report)
    if not report.ok:
        raise FileProblems(report.problems)
    return game


# --------------------------------------------------------------------------- the workshop guide


def markdown(game: RolePlay | None = None, command: str = "idpckit roleplay -o workshop/roleplay.md") -> str:
    """The trainer's guide to the role-play, for ``workshop/roleplay.md``, in the language in use.

    ``command`` is the one that regenerates the file, named in its header comment
    (``workshop/es/roleplay.md`` is made with ``--lang es``).
    """
    game = game or load()
    out = [
        _("# {title}: a role-play").format(title=md(game.title)),
        "",
        f"<!-- Generated by `idpckit roleplay` from data/roleplay.yaml. Do not edit by hand:\n"
        f"     change the data and run `{command}` again. -->",
        "",
        f"{md(game.summary)}",
        "",
        _(
            "**Time:** {minutes} minutes. **Groups:** {groups}. **Print:** `role-cards.pdf` (one card per group) and "
            "`roleplay-rules.pdf` (one copy per group; the last page is the chair's debrief) from `idpckit handouts`."
        ).format(minutes=game.minutes, groups=md(game.groups)),
        "",
        _("## Aims"),
        "",
        *[f"- {md(a)}" for a in game.aims],
        "",
        _("## The setting"),
        "",
        md(game.setting),
        "",
        _("## The paragraph: {title}").format(title=md(game.paragraph.title)),
        "",
        f"> {md(draft_text(game.paragraph))}",
        "",
        "| {} | {} | {} | {} |".format(_("Bracket"), _("Option"), _("Wanted by"), _("Refused by")),
        "|---|---|---|---|",
    ]
    names = {r.id: r.name for r in game.roles}
    for b in game.paragraph.brackets:
        for i, o in enumerate(b.options, start=1):
            out.append(
                f"| {md(b.label) if i == 1 else ''} | {md(o.text)} | "
                f"{md(', '.join(names[x] for x in o.supporters)) or '-'} | "
                f"{md(', '.join(names[x] for x in o.opponents)) or '-'} |"
            )
    out += [
        "",
        _("## The roles"),
        "",
        _(
            "Member-state groups hold {votes} votes between them (the game's numbers, chosen so that no side wins a "
            "vote alone); UN agencies and civil society advise and persuade but cannot vote or block."
        ).format(votes=game.total_votes()),
        "",
        "| {} | {} | {} | {} |".format(_("Role"), _("Kind"), _("Votes"), _("Who they are")),
        "|---|---|---|---|",
    ]
    for r in game.roles:
        kind = _("member states") if r.kind == "member-states" else _("observer")
        out.append(f"| **{md(r.name)}** | {kind} | {r.votes or '-'} | {md(r.who)} |")
    out += ["", _("## Timings and rules"), ""]
    for r in game.rounds:
        out += ["### " + _("{title} ({minutes} min)").format(title=md(r.title), minutes=r.minutes), ""]
        out += [f"- {md(x)}" for x in r.rules]
        out += [f"- *{md(x)}*" for x in r.steps]
        out.append("")
    out += [
        _("## What the cards predict"),
        "",
        _(
            "If every group plays its card as written, consensus keeps only the options no member-state group "
            "refuses (computed from the cards; rooms often surprise):"
        ),
        "",
    ]
    for b in game.paragraph.brackets:
        left = consensus_survivors(game)[b.id]
        kept = " / ".join(md(o.text) for o in left) if left else _("nothing: the bracket falls")
        out.append(f"- {md(b.label)}: {kept}")
    out += ["", _("## Debrief"), ""]
    for n, q in enumerate(game.debrief, start=1):
        out.append(f"{n}. **{md(q.question)}**  ")
        if q.notes:
            out.append("   " + _("*For the trainer:* {notes}").format(notes=md(q.notes)))
        out.append("")
    out += [_("## What happened at the CND"), ""]
    for f in game.facts:
        src = ""
        if f.source:
            where = f"{md(f.source)}, {f.date}" if f.date else md(f.source)
            src = " " + _("(source: {source})").format(source=where)
        out.append(f"- {md(f.text)}{src}")
    return "\n".join(out).rstrip() + "\n"
