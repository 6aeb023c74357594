"""The rule engine: exercises whose answers are computed from the kit's data.

Some questions ask about facts the kit already holds: which commitments the
2019 Declaration never cites (``references.csv``), which year of Box 1 was about
health (``workplan.csv``), which venue is in Geneva (``avenues.yaml``), which
grade the rubric describes (``rubric.yaml``), where the fictional Veridia
coalition disagrees (``data/examples/``).  Typing those answers into an exercise
file would let them drift from the data; so the file holds the wording and a
rule (``computed: {rule: silent_in, document: md2019}``), and each rule here
turns the entry into an ordinary written-out spec (:mod:`.specs`) when it is
loaded.  Grading, the widgets and the solution sheet never know the difference.

Each rule is a pydantic model: its fields are the settings a trainer writes
under ``computed:``, checked like every other field; ``makes`` is the kind of
exercise it builds; ``build`` computes the options or items and the reasons.
A rule that finds nothing to ask any more (a corrected paragraph number)
raises :class:`NothingToAsk`, and the exercise is left out with a note for the
trainer rather than breaking the lesson.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag

from .. import scales
from ..i18n import N_
from ..schema import TABLE1_DOCUMENTS, Record, Reference
from ..table1 import render
from . import sentences
from .feedback import _, ngettext
from .specs import Base, ChoiceSpec, MatchSpec, Option, Pair, Slug, SortItem, SortSpec, Spec, Text

if TYPE_CHECKING:
    from ..data import Content

#: Offered (and right) when a "tick all that apply" question has no right option in the data.
NONE_OF_THEM = N_("None of them")

#: Short names for the three Table 1 documents, used in prompts and feedback.
DOC_NAMES = {
    "ungass2016": N_("the UNGASS Outcome Document"),
    "md2019": N_("the 2019 Ministerial Declaration"),
    "cp2018": N_("the UN System Common Position"),
}

Document = Literal["ungass2016", "md2019", "cp2018"]
Unit = Literal["PP", "OP", "chapter", "bullet"]
Direction = Literal["improved", "worsened", "unchanged", "new", "dropped"]
FivePoint = Annotated[int, Field(ge=1, le=5, strict=True)]


class NothingToAsk(LookupError):
    """The data no longer holds what the rule asks about; the exercise is left out with this note."""


class RuleError(ValueError):
    """A rule setting does not match the content; ``field`` names the setting under ``computed:``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def and_list(items: Iterable[str]) -> str:
    """ "1", "1 and 2", "1, 2 and 3", in the language in use ("1 y 2", "1 et 2")."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


class Rule(Record):
    """Settings of one rule (the mapping under ``computed:``)."""

    makes: ClassVar[str] = "choice"

    def build(self, entry: Base, content: Content) -> Spec:
        raise NotImplementedError


def _common(entry: Base, explanation: str = "", **fields: Any) -> dict[str, Any]:
    """The entry's own fields, with the computed explanation first and the file's after it."""
    both = " ".join(t for t in (explanation, entry.explanation) if t)
    base = {"id": entry.id, "title": entry.title, "prompt": entry.prompt, "hint": entry.hint, "source": entry.source}
    return {**base, "explanation": both, **fields}


def _choice(entry: Base, options: list[Option], *, multiple: bool, explanation: str = "", **fields: Any) -> ChoiceSpec:
    if multiple and not any(o.correct for o in options):
        options = [*options, Option(text=_(NONE_OF_THEM), correct=True, why=_("Nothing in the data matches."))]
    return ChoiceSpec(**_common(entry, explanation, kind="choice", multiple=multiple, options=options, **fields))


def _label(content: Content, cid: str) -> str:
    c = content.commitment(cid)
    return f"{c.number}. {c.title}"


def _commitment_options(
    content: Content, answer: set[str], why: dict[str, str], ids: set[str] | None = None
) -> list[Option]:
    return [
        Option(text=_label(content, c.id), value=c.id, correct=c.id in answer, why=why.get(c.id, ""))
        for c in content.commitments
        if ids is None or c.id in ids
    ]


def _which_commitments(
    entry: Base, content: Content, answer: set[str], why: dict[str, str], ids: set[str] | None = None, **fields: Any
) -> ChoiceSpec:
    """A "tick every commitment that..." question: one option per commitment, ``answer`` ticked."""
    return _choice(entry, _commitment_options(content, answer, why, ids), multiple=True, **fields)


def _cited_as(content: Content, cells: dict[str, str]) -> dict[str, str]:
    return {c.id: _("Cited as: {cell}").format(cell=cells[c.id]) for c in content.commitments}


def _in_order(content: Content, ids: Iterable[str]) -> list[str]:
    ids = set(ids)
    return [c.id for c in content.commitments if c.id in ids]


def _cells(content: Content, document: str) -> dict[str, str]:
    """Commitment id -> its Table 1 cell for ``document`` ("-" when silent)."""
    return {c.id: render(content.references_for(c.id, document)) for c in content.commitments}


def _ref_key(r: Reference) -> str:
    return f"{r.section}|{r.unit}|{r.ref}"


def _doc(document: str) -> str:
    name = _(DOC_NAMES[document])
    return name[0].upper() + name[1:]


# --------------------------------------------------------------------------- Table 1 (lesson 4)


class SilentIn(Rule):
    """Commitments with no reference in one document."""

    rule: Literal["silent_in"]
    document: Document

    def build(self, entry: Base, content: Content) -> Spec:
        doc = self.document
        cells = _cells(content, doc)
        answer = {cid for cid, cell in cells.items() if cell == "-"}
        n = len(answer)
        explanation = (
            ngettext(
                "Table 1 shows a dash for this commitment in the column for {doc}.",
                "Table 1 shows a dash for these {n} commitments in the column for {doc}.",
                n,
            ).format(n=n, doc=_(DOC_NAMES[doc]))
            + " "
            + _(
                "A dash means that document is silent on the commitment; the government still made it in the "
                "other documents, so you can still hold it to account."
            )
            if n
            else _("Every commitment has at least one reference in {doc}.").format(doc=_(DOC_NAMES[doc]))
        )
        code = (
            'refs = data.frame("references")\n'
            f'cited = set(refs[refs["document"] == "{doc}"]["commitment_id"])\n'
            'commitments = data.frame("commitments")\n'
            'commitments[~commitments["id"].isin(cited)]["id"].tolist()'
        )
        why = {
            cid: _("{doc} cites it: {cell}").format(doc=_doc(doc), cell=cell)
            if cell != "-"
            else _("No reference in {doc}.").format(doc=_(DOC_NAMES[doc]))
            for cid, cell in cells.items()
        }
        return _which_commitments(entry, content, answer, why, explanation=explanation, code=code)


class CitesUnit(Rule):
    """Commitments cited by one kind of unit (e.g. a whole chapter)."""

    rule: Literal["cites_unit"]
    document: Document
    unit: Unit

    def build(self, entry: Base, content: Content) -> Spec:
        doc, unit = self.document, self.unit
        answer = {r.commitment_id for r in content.references if r.document == doc and r.unit == unit}
        cells = _cells(content, doc)
        cited = "; ".join(
            _("commitment {n}, {cell}").format(n=content.commitment(c).number, cell=cells[c])
            for c in _in_order(content, answer)
        )
        explanation = (
            _("In the column for {doc}: {cited}.").format(doc=_(DOC_NAMES[doc]), cited=cited)
            if answer
            else _("No commitment is cited that way in {doc}.").format(doc=_(DOC_NAMES[doc]))
        )
        code = (
            'refs = data.frame("references")\n'
            f'chosen = refs[(refs["document"] == "{doc}") & (refs["unit"] == "{unit}")]\n'
            'chosen["commitment_id"].unique().tolist()'
        )
        why = _cited_as(content, cells)
        return _which_commitments(entry, content, answer, why, explanation=explanation, code=code)


class CitedFor(Rule):
    """Commitments that cite one exact paragraph or bullet."""

    rule: Literal["cited_for"]
    document: Document
    unit: Unit
    ref: Annotated[str, Field(min_length=1, coerce_numbers_to_str=True)]

    def build(self, entry: Base, content: Content) -> Spec:
        doc, unit, ref = self.document, self.unit, self.ref
        matches = [r for r in content.references if r.document == doc and r.unit == unit and r.ref == ref]
        if not matches:
            raise NothingToAsk(
                _("no commitment cites {unit} {ref} of {doc} in references.csv any more").format(
                    unit=unit, ref=ref, doc=doc
                )
            )
        answer = {r.commitment_id for r in matches}
        explanation = ngettext(
            "{shown} of {doc} is cited for one commitment.",
            "{shown} of {doc} is cited for {n} commitments. One paragraph can cover several issues, so the same "
            "reference can anchor more than one commitment.",
            len(answer),
        ).format(shown=render(matches[:1]), doc=_(DOC_NAMES[doc]), n=len(answer))
        code = (
            'refs = data.frame("references")\n'
            f'chosen = refs[(refs["document"] == "{doc}") & (refs["unit"] == "{unit}") & (refs["ref"] == "{ref}")]\n'
            'chosen["commitment_id"].unique().tolist()'
        )
        cells = _cells(content, doc)
        why = _cited_as(content, cells)
        return _which_commitments(entry, content, answer, why, explanation=explanation, code=code)


class MostReferences(Rule):
    """The commitment with the most references in one document (one choice; several only on a tie)."""

    rule: Literal["most_references"]
    document: Document

    def build(self, entry: Base, content: Content) -> Spec:
        doc = self.document
        counts = Counter(r.commitment_id for r in content.references if r.document == doc)
        top = max(counts.values(), default=0)
        answer = {cid for cid, n in counts.items() if n == top and top > 0}
        if not answer:
            raise NothingToAsk(_("no commitment has a reference in {doc}").format(doc=doc))
        explanation = (
            ngettext(
                "It has one reference in {doc}, more than any other commitment.",
                "It has {top} references in {doc}, more than any other commitment.",
                top,
            )
            if len(answer) == 1
            else ngettext(
                "They share the top place with one reference each in {doc}.",
                "They share the top place with {top} references each in {doc}.",
                top,
            )
        ).format(top=top, doc=_(DOC_NAMES[doc]))
        code = (
            'refs = data.frame("references")\n'
            f'refs[refs["document"] == "{doc}"]["commitment_id"].value_counts().head(3)'
        )
        why = {
            c.id: ngettext("One reference there.", "{n} references there.", counts.get(c.id, 0)).format(
                n=counts.get(c.id, 0)
            )
            for c in content.commitments
        }
        return _choice(
            entry,
            _commitment_options(content, answer, why),
            multiple=len(answer) > 1,
            explanation=explanation,
            code=code,
        )


class MostSharedRef(Rule):
    """The paragraph cited for the most commitments (one choice; several only on a tie)."""

    rule: Literal["most_shared_ref"]
    document: Document

    def build(self, entry: Base, content: Content) -> Spec:
        doc = self.document
        by_key: dict[str, set[str]] = {}
        first: dict[str, Reference] = {}
        for r in content.references:
            if r.document == doc:
                by_key.setdefault(_ref_key(r), set()).add(r.commitment_id)
                first.setdefault(_ref_key(r), r)
        if not by_key:
            raise NothingToAsk(_("no commitment has a reference in {doc}").format(doc=doc))
        top = max(len(v) for v in by_key.values())
        answer = {k for k, v in by_key.items() if len(v) == top}
        shown = and_list(render([first[k]]) for k in first if k in answer)
        explanation = _(
            "{shown} is cited for {top} of the {n} commitments. Before you quote a paragraph that anchors so many "
            "commitments to officials, read it in full and find the words that support the commitment you are "
            "tracking."
        ).format(shown=shown, top=top, n=len(content.commitments))
        code = (
            'refs = data.frame("references")\n'
            f'in_doc = refs[refs["document"] == "{doc}"]\n'
            'in_doc.groupby(["section", "unit", "ref"])["commitment_id"].nunique().sort_values(ascending=False).head(3)'
        )
        options = [
            Option(
                text=render([first[k]]),
                value=k,
                correct=k in answer,
                why=ngettext("Cited for one commitment.", "Cited for {n} commitments.", len(by_key[k])).format(
                    n=len(by_key[k])
                ),
            )
            for k in first
        ]
        return _choice(entry, options, multiple=len(answer) > 1, explanation=explanation, code=code)


class CountInAll(Rule):
    """How many commitments are cited in all three documents."""

    rule: Literal["count_in_all"]

    def build(self, entry: Base, content: Content) -> Spec:
        docs_per = {c.id: {r.document for r in content.references_for(c.id)} for c in content.commitments}
        everywhere = {cid for cid, docs in docs_per.items() if docs >= set(TABLE1_DOCUMENTS)}
        n, total = len(everywhere), len(content.commitments)
        silent = [c.title for c in content.commitments if c.id not in everywhere]
        explanation = ngettext(
            "{n} of the {total} commitments is anchored in all three documents.",
            "{n} of the {total} commitments are anchored in all three documents.",
            n,
        ).format(n=n, total=total)
        if silent:
            explanation += " " + _("The others are missing from at least one: {titles}.").format(
                titles="; ".join(silent)
            )
        code = (
            'refs = data.frame("references")\n'
            'documents_per_commitment = refs.groupby("commitment_id")["document"].nunique()\n'
            f"int((documents_per_commitment == {len(TABLE1_DOCUMENTS)}).sum())"
        )
        options = [
            Option(
                text=str(i),
                value=str(i),
                correct=i == n,
                why="" if i == n else (_("That is too few.") if i < n else _("That is too many.")),
            )
            for i in range(total + 1)
        ]
        return _choice(entry, options, multiple=False, explanation=explanation, code=code)


# --------------------------------------------------------------------------- calendar and venues (lesson 5)


class WorkplanThemes(Rule):
    """Box 1: match each year to the theme of its thematic meeting (``workplan.csv``)."""

    rule: Literal["workplan_themes"]
    makes: ClassVar[str] = "match"

    def build(self, entry: Base, content: Content) -> Spec:
        pairs = [Pair(left=str(r.year), right=r.theme, why=r.topics) for r in content.workplan]
        return MatchSpec(**_common(entry, kind="match", left_label="Year", right_label="Theme", pairs=pairs))


class VenuesByCity(Rule):
    """Sort the venues of ``avenues.yaml`` by where the work happens.

    ``exclude``: venues left out.  ``at_home``: venues the note lists under a
    city whose work happens at home (meetings with your government before and
    after the CND are listed with Vienna, but they take place in your capital).
    """

    rule: Literal["venues_by_city"]
    exclude: list[Slug] = Field(default_factory=list)
    at_home: list[Slug] = Field(default_factory=list)
    makes: ClassVar[str] = "sort"

    def build(self, entry: Base, content: Content) -> Spec:
        known = {a.id for a in content.avenues}
        for name in ("exclude", "at_home"):
            if unknown := sorted(set(getattr(self, name)) - known):
                raise RuleError(
                    name, _("names venues that are not in avenues.yaml: {ids}").format(ids=", ".join(unknown))
                )
        names = [a.venue for a in content.avenues]
        avenues = [a for a in content.avenues if a.id not in self.exclude]
        place = {a.id: "National" if a.id in self.at_home else a.city for a in avenues}
        bins = [c for c in ("Vienna", "Geneva", "New York", "National") if c in place.values()]
        items = [SortItem(text=a.venue, bin=place[a.id], why=_first(a.why, names)) for a in avenues]
        return SortSpec(**_common(entry, kind="sort", bins=bins, items=items, bin_label="Where"))


def _first(text: str, names: list[str]) -> str:
    first = sentences.first(text, names)
    return first if first.endswith((".", "!", "?")) else first + "."


# --------------------------------------------------------------------------- grading (lessons 6 and 7)


class GradeForSituation(Rule):
    """Which five-point grade fits a described situation, judged against ``rubric.yaml``.

    ``grade`` is the reference grade.  With ``accept_neighbours: true`` a grade
    one step away also passes, with feedback saying why the reference grade is
    preferred (``why_preferred``, or the rubric's words for the reference grade).
    """

    rule: Literal["grade_for_situation"]
    commitment: Slug
    grade: FivePoint
    situation: Text
    accept_neighbours: bool = False
    why_preferred: str = ""

    def build(self, entry: Base, content: Content) -> Spec:
        if self.commitment not in {c.id for c in content.commitments}:
            raise RuleError("commitment", _("'{id}' is not an id in commitments.csv").format(id=self.commitment))
        c = content.commitment(self.commitment)
        rubric = content.rubric_for(self.commitment)
        preferred = self.why_preferred.strip() or _("The rubric describes {grade} as: {text}").format(
            grade=self.grade, text=rubric.level(self.grade) or _("a situation between its neighbours' descriptions.")
        )
        options = []
        for grade, lvl in scales.FIVE_POINT.items():
            text = rubric.level(grade)
            if text:
                why = _("The rubric describes {grade} as: {text}").format(grade=grade, text=text)
            else:
                why = _("The rubric uses {grade} for a situation between its descriptions of {low} and {high}.").format(
                    grade=grade, low=grade - 1, high=grade + 1
                )
            near = self.accept_neighbours and abs(grade - self.grade) == 1
            if near:
                why = _("{ref} fits better than {grade}: {why}").format(grade=grade, ref=self.grade, why=preferred)
            options.append(
                Option(
                    text=f"{grade} {lvl.symbol} {_(lvl.label)}",
                    value=str(grade),
                    correct=grade == self.grade,
                    accepted=near,
                    why=why,
                )
            )
        prompt = _("{prompt} Commitment {number}: “{title}”. Situation: {situation}").format(
            prompt=entry.prompt, number=c.number, title=c.title, situation=self.situation
        )
        return _choice(entry, options, multiple=False, prompt=prompt)


class GradeForVignette(Rule):
    """Grade one calibration vignette of ``data/calibration.yaml``: its grade and reasons are the answer.

    The same vignettes serve the lesson, the handouts and the workshop's calibration
    round, so their text and reference grade live once, in the data; the feedback
    for every option ends with the vignette's own reasons.
    """

    rule: Literal["grade_for_vignette"]
    vignette: Slug
    accept_neighbours: bool = True

    def build(self, entry: Base, content: Content) -> Spec:
        found = {v.id: v for v in content.calibration}
        if self.vignette not in found:
            raise RuleError("vignette", _("'{id}' is not an id in calibration.yaml").format(id=self.vignette))
        v = found[self.vignette]
        situation = GradeForSituation(
            rule="grade_for_situation",
            commitment=v.commitment_id,
            grade=v.grade,
            situation=f"{v.title}. {v.evidence}",
            accept_neighbours=self.accept_neighbours,
            why_preferred=" ".join(v.reasons),
        )
        spec = situation.build(entry, content)
        reasons = " ".join(v.reasons)
        return spec.model_copy(update={"explanation": (entry.explanation + " " + reasons).strip()})


class LightForGrade(Rule):
    """Which traffic light a five-point grade becomes (``scales.convert``)."""

    rule: Literal["light_for_grade"]
    grade: FivePoint

    def build(self, entry: Base, content: Content) -> Spec:
        right = scales.convert(self.grade, "five-point", "traffic-light")
        groups: dict[str, list[int]] = {}
        for g in scales.FIVE_POINT:
            groups.setdefault(str(scales.convert(g, "five-point", "traffic-light")), []).append(g)

        def becomes(light: str) -> str:
            gs = groups.get(light, [])
            return ngettext("Grade {grades} becomes {light}.", "Grades {grades} become {light}.", len(gs)).format(
                grades=and_list(map(str, gs)), light=_(scales.LIGHT_WORDS[light]).lower()
            )

        options = [
            Option(
                text=f"{lvl.symbol} {_(scales.LIGHT_WORDS[light])} ({_(lvl.label).lower()})",
                value=light,
                correct=light == right,
                why=becomes(light) if groups.get(light) else "",
            )
            for light, lvl in scales.TRAFFIC_LIGHT.items()
        ]
        mapping = " ".join(becomes(light) for light in groups)
        explanation = _(
            "The kit maps five-point grades to lights like this: {mapping} A light turned back into a number "
            "becomes 1, 3 or 5, so compare on the 1-5 score and always show the grade as the assessor gave it."
        ).format(mapping=mapping)
        return _choice(entry, options, multiple=False, explanation=explanation)


def _example(field: str, stem: str) -> Any:
    from ..assessment_io import examples_dir, load_example

    if not (examples_dir() / f"{stem}.json").is_file():
        raise RuleError(field, _("there is no example '{name}' in data/examples").format(name=stem))
    try:
        return load_example(stem)
    except FileNotFoundError:
        raise RuleError(field, _("there is no example '{name}' in data/examples").format(name=stem)) from None
    except ValueError as exc:
        raise RuleError(
            field, _("the example '{name}' cannot be read: {problem}").format(name=stem, problem=exc)
        ) from None


class ExampleUngraded(Rule):
    """Which commitments an example review left out or did not grade."""

    rule: Literal["example_ungraded"]
    example: Slug

    def build(self, entry: Base, content: Content) -> Spec:
        a = _example("example", self.example)
        graded = {e.commitment_id for e in a.entries if e.graded}
        answer = {c.id for c in content.commitments} - graded
        why = {
            c.id: (
                _("Graded {grade}.").format(grade=scales.level(a.entry(c.id).grade, a.scale).short)  # type: ignore[union-attr]
                if c.id in graded
                else _("Not graded in this review.")
            )
            for c in content.commitments
        }
        explanation = _(
            "This review grades {n} of the {total} commitments. The note allows focusing on some commitments when "
            "resources are short; say which ones you left out and why."
        ).format(n=len(graded), total=len(content.commitments))
        return _which_commitments(entry, content, answer, why, explanation=explanation)


class CoalitionDisagreements(Rule):
    """Where a coalition's members disagree (``coalition.merge``)."""

    rule: Literal["coalition_disagreements"]
    examples: list[Slug] = Field(min_length=2)

    def build(self, entry: Base, content: Content) -> Spec:
        from ..coalition import merge

        reviews = [_example("examples", s) for s in self.examples]
        merged = merge(reviews, content)
        answer = {m.commitment_id for m in merged if m.disagree}
        why = {}
        for m in merged:
            shown = ", ".join(
                scales.level(g, r.scale).short if g is not None else _("not graded")
                for g, r in zip(m.grades, reviews, strict=True)
            )
            why[m.commitment_id] = _("Grades: {grades}").format(grades=shown)
        explanation = _(
            "The coalition view flags a commitment when the members' scores are 2 or more points apart, or, when "
            "someone used traffic lights, when their lights differ. A flag is a reason to compare evidence, not a "
            "verdict on who is right."
        )
        ids = {m.commitment_id for m in merged}
        return _which_commitments(entry, content, answer, why, ids, explanation=explanation)


#: The directions a commitment can move in, in the order the explanation counts them.
_DIRECTIONS = ("improved", "worsened", "unchanged", "new", "dropped")


def _moved(direction: str, n: int) -> str:
    """How many commitments moved one way, as a sentence ("One improved.", "3 worsened.") in the language in use."""
    if direction == "improved":
        text = ngettext("One improved.", "{n} improved.", n)
    elif direction == "worsened":
        text = ngettext("One worsened.", "{n} worsened.", n)
    elif direction == "unchanged":
        text = ngettext("One stayed the same.", "{n} stayed the same.", n)
    elif direction == "new":
        text = ngettext("One was graded for the first time.", "{n} were graded for the first time.", n)
    else:
        text = ngettext("One was no longer graded.", "{n} were no longer graded.", n)
    return text.format(n=n)


class YearOnYear(Rule):
    """Which commitments moved in one direction between two reviews (``compare.compare``)."""

    rule: Literal["year_on_year"]
    old: Slug
    new: Slug
    direction: Direction

    def build(self, entry: Base, content: Content) -> Spec:
        from ..compare import compare

        old, new = _example("old", self.old), _example("new", self.new)
        changes = compare(old, new, content)
        answer = {ch.commitment_id for ch in changes if ch.direction == self.direction}
        why = {
            ch.commitment_id: _("{old} → {new}: {words}").format(
                old=ch.old_level.short if ch.old_grade is not None else _("not graded"),
                new=ch.new_level.short if ch.new_grade is not None else _("not graded"),
                words=ch.words.lower(),
            )
            for ch in changes
        }
        counts = Counter(ch.direction for ch in changes)
        moved = " ".join(_moved(d, counts[d]) for d in _DIRECTIONS if counts[d])
        explanation = _(
            "Between {old} and {new}: {moved} Before you report an improvement, check that the evidence changed, "
            "not just the assessor."
        ).format(old=old.year, new=new.year, moved=moved)
        ids = {ch.commitment_id for ch in changes}
        return _which_commitments(entry, content, answer, why, ids, explanation=explanation)


RULES: tuple[type[Rule], ...] = (
    SilentIn,
    CitesUnit,
    CitedFor,
    MostReferences,
    MostSharedRef,
    CountInAll,
    WorkplanThemes,
    VenuesByCity,
    GradeForSituation,
    GradeForVignette,
    LightForGrade,
    ExampleUngraded,
    CoalitionDisagreements,
    YearOnYear,
)

#: Rule name -> its model.
BY_NAME: dict[str, type[Rule]] = {r.model_fields["rule"].annotation.__args__[0]: r for r in RULES}  # type: ignore[union-attr]


def _rule_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("rule") if isinstance(value.get("rule"), str) else None
    return getattr(value, "rule", None)


#: The type of ``computed:``: one of the rules, chosen by its ``rule`` field.
AnyRule = Annotated[
    Annotated[SilentIn, Tag("silent_in")]
    | Annotated[CitesUnit, Tag("cites_unit")]
    | Annotated[CitedFor, Tag("cited_for")]
    | Annotated[MostReferences, Tag("most_references")]
    | Annotated[MostSharedRef, Tag("most_shared_ref")]
    | Annotated[CountInAll, Tag("count_in_all")]
    | Annotated[WorkplanThemes, Tag("workplan_themes")]
    | Annotated[VenuesByCity, Tag("venues_by_city")]
    | Annotated[GradeForSituation, Tag("grade_for_situation")]
    | Annotated[GradeForVignette, Tag("grade_for_vignette")]
    | Annotated[LightForGrade, Tag("light_for_grade")]
    | Annotated[ExampleUngraded, Tag("example_ungraded")]
    | Annotated[CoalitionDisagreements, Tag("coalition_disagreements")]
    | Annotated[YearOnYear, Tag("year_on_year")],
    Discriminator(_rule_tag),
]
