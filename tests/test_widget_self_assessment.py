"""The self-assessment app, driven the way a trainee drives it, without a browser.

Each test builds the app with a real SQLite store in a temporary folder, sets
widget values and clicks buttons as the page would (``Button.click()``,
``widget.value = ...``, ``FileUpload.set_state`` for uploads, which is the path
a browser's message takes), then checks what the trainee would notice: the
step shown, the progress words, the messages, the files offered, and what the
store holds after every change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from widget_helpers import models_of  # a helper module of this folder, not a test

from idpckit import assessment_io, data
from idpckit.assessment import Assessment, Entry
from idpckit.store import Store
from idpckit.widgets import _base
from idpckit.widgets.self_assessment import SelfAssessmentApp

TODAY = dt.date(2025, 9, 15)
FIVE = [1, 2, 3, 4, 5]
LIGHTS = ["red", "orange", "green"]


@pytest.fixture(scope="module")
def content() -> data.Content:
    return data.load()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite3")


def make_app(store: Store, content: data.Content, query: dict[str, str] | None = None) -> SelfAssessmentApp:
    """The app, and (``query``) the page's parameters as the door hands them over (``idpckit.apps``)."""
    app = SelfAssessmentApp(store=store, content=content, today=TODAY)
    if query:
        app.apply_query(query)
    return app


def fill_setup(
    app: SelfAssessmentApp,
    *,
    country: str = "Colombia",
    scale: str = "five-point",
    organisations: str = "Acción Técnica Social; Elementa",
    assessor: str = "Ana Pérez",
    room: str = "",
) -> None:
    app.welcome.start.click()
    s = app.setup
    assert s is not None
    s.country.value = country
    s.organisations.value = organisations
    s.assessor.value = assessor
    s.scale.value = scale
    s.room.value = room


def at_first_commitment(store: Store, content: data.Content) -> SelfAssessmentApp:
    """An app past a filled set-up, showing the first commitment's step (where most tests begin)."""
    app = make_app(store, content)
    fill_setup(app)
    app.next.click()
    return app


def stored(store: Store, app: SelfAssessmentApp) -> Assessment:
    assert app.code is not None
    return store.load(app.code).assessment


def upload(app: SelfAssessmentApp, payload: bytes, name: str, size: int | None = None) -> None:
    """Deliver a file as the browser does: a state message deserialised by the widget."""
    assert app.summary is not None
    app.summary.upload.set_state(
        {
            "value": [
                {
                    "name": name,
                    "type": "application/json",
                    "size": len(payload) if size is None else size,
                    "content": memoryview(payload),
                    "last_modified": 1_700_000_000_000,
                }
            ]
        }
    )


def walk(widget: w.Widget) -> list[w.Widget]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out.extend(walk(child))
    return out


def grade_all(app: SelfAssessmentApp, store: Store, content: data.Content, grades: list[Any]) -> None:
    """From the set-up, Next through every commitment, grading each and checking the store and progress."""
    n = len(content.commitments)
    for i, c in enumerate(content.commitments):
        app.next.click()
        assert app.position == c.id
        step = app.steps[c.id]
        assert f"Commitment {c.number}: " in step.heading.value
        grade = grades[i % len(grades)]
        step.grade.buttons.value = grade  # a click on that toggle button
        step.evidence.value = f"Evidence for {c.id}"
        step.recommendation.value = f"Do better on {c.id}"
        assert stored(store, app).entry(c.id).grade == grade
        assert stored(store, app).entry(c.id).evidence == f"Evidence for {c.id}"
        assert app.progress_label == f"{i + 1} of {n} graded"
        assert f"{i + 1} of {n} graded" in app.progress_text.value
        assert app.progress.value == i + 1


# --------------------------------------------------------------------------- first screen


def test_first_screen_does_not_load_heavy_libraries() -> None:
    """Building the welcome screen must not import pandas, matplotlib, openpyxl, fpdf or SQLAlchemy."""
    code = (
        "import sys\n"
        "from idpckit.widgets.self_assessment import SelfAssessmentApp\n"
        "app = SelfAssessmentApp()\n"
        "assert app.widget is not None\n"
        "print([m for m in ('pandas', 'matplotlib', 'openpyxl', 'fpdf', 'sqlalchemy', 'jinja2') if m in sys.modules])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("QUERY_STRING", "VOILA_PREHEAT")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_a_waiting_kernel_loads_the_summarys_libraries_without_holding_up_its_visitor(tmp_path: Path) -> None:
    """The prefetch (a preheated kernel, nobody waiting) loads matplotlib, the report and openpyxl in a thread.

    So a ``?code=`` link that opens a summary does not import them on the cores its page is
    loading with; and the prefetch itself returns before they are loaded (the visitor's request
    waits for the prefetch, not for them).  The store is opened too (its database driver loads
    on the first connection), so the link's own work is reading the review.
    """
    code = (
        "import sys, threading, time\n"
        "from idpckit import report\n"
        "gate, environment = threading.Event(), report.environment\n"
        "def held_up():  # the warm-up's last step waits until the prefetch has returned\n"
        "    gate.wait(20)\n"
        "    return environment()\n"
        "report.environment = held_up\n"
        "from idpckit.widgets.self_assessment import SelfAssessmentApp, warm as module\n"
        "app = SelfAssessmentApp()\n"
        "started = time.perf_counter()\n"
        "app.prefetch()\n"
        "print('returned', time.perf_counter() - started < 10 and module._warming[0].is_alive())\n"
        "print('store', app._store is not None and 'sqlalchemy.dialects.sqlite.pysqlite' in sys.modules)\n"
        "gate.set()\n"
        "module._warming[0].join(60)\n"
        "print('loaded', all(m in sys.modules for m in ('matplotlib', 'openpyxl', 'jinja2', 'idpckit.bundle')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("QUERY_STRING", "VOILA_PREHEAT")}
    env["IDPCKIT_STORE"] = str(tmp_path / "store.sqlite3")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split("\n")[:3] == ["returned True", "store True", "loaded True"]


def test_welcome_explains_the_exercise_and_hides_navigation(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    text = app.welcome.widget.children[0].value
    for words in ("What this exercise is", "How long it takes", "What to have at hand", "resume code"):
        assert words in text
    assert app.position == "welcome"
    assert app.top_bar is None and app.bottom_bar is None  # navigation is built when first needed
    assert app.after_submit is None


def test_every_step_change_asks_the_page_to_focus_its_heading_and_announce_it(
    store: Store, content: data.Content
) -> None:
    """Next, Back and Go to step each ask for the new heading (found by its words) and say the step."""
    app = make_app(store, content)
    app.welcome.start.click()
    assert app.page.requests[-1] == (".idpc-body h2", "Step 1 of 2: Set-up: country, year, scale")
    assert app.next.description == "Next ▶"  # not "Summary ▶" while no country is chosen
    app.next.click()
    assert app.page.requests[-1][0] == ".idpc-setup-message .idpc-msg"  # the warning takes focus
    assert app.setup.widget.children.index(app.setup.message.widget) < app.setup.widget.children.index(
        app.setup.country
    )  # and sits above the first field, not at the foot of the page
    fill_setup(app)
    first, second = content.commitments[0], content.commitments[1]
    app.next.click()
    assert app.page.requests[-1][1].startswith(f"Step 2 of {len(content.commitments) + 2}: {first.number}.")
    script = app.page.widget.outputs[0]["data"]["application/javascript"]
    assert f'"Commitment {first.number}:"' in script and "focus(" in script and "scrollIntoView" in script
    app.next.click()
    assert app.page.requests[-1][1].startswith(f"Step 3 of {len(content.commitments) + 2}: {second.number}.")
    app.back.click()
    assert app.page.requests[-1][1].startswith("Step 2 of")
    app.jump.value = "summary"
    assert (
        app.page.requests[-1][1]
        == f"Step {len(content.commitments) + 2} of {len(content.commitments) + 2}: Summary, downloads and submit"
    )


def test_a_wrong_resume_code_message_takes_focus(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    app.welcome.code.value = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    app.welcome.resume.click()
    assert app.page.requests == [(".idpc-welcome-message .idpc-msg", "")]
    # Right under the code's box and its Resume button, not at the foot of the page.
    parts = app.welcome.widget.children
    row = next(i for i, part in enumerate(parts) if app.welcome.code in getattr(part, "children", ()))
    assert parts.index(app.welcome.message.widget) == row + 1


def test_unknown_resume_code_says_so_and_changes_nothing(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    app.welcome.code.value = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    app.welcome.resume.click()
    assert "No review is saved under the code 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'" in app.welcome.message.message
    assert app.position == "welcome" and app.assessment is None
    app.welcome.code.value = "   "
    app.welcome.resume.click()
    assert "Type the resume code" in app.welcome.message.message
    assert store.reviews() == []


# --------------------------------------------------------------------------- set-up


def test_setup_validation_in_words_and_nothing_saved_until_valid(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    app.welcome.start.click()
    assert app.position == "setup"
    app.next.click()
    assert app.position == "setup"
    assert "Choose the country you are grading" in app.setup.message.message
    app.setup.country.value = "Atlantis"
    assert "We do not know a country called 'Atlantis'" in app.setup.message.message
    app.setup.room.value = "room <b>1</b>"
    assert "8 letters and digits in two groups of four" in app.setup.message.message
    assert store.reviews() == [] and app.code is None
    room = make_room(store)
    app.setup.room.value = room.lower()
    app.setup.country.value = "colombia"  # any case; the hint confirms the match
    assert "Colombia (COL)" in app.setup.country_hint.value
    assert app.setup.message.message == ""  # the list of problems clears itself once fixed
    assert app.code is not None
    saved = stored(store, app)
    assert (saved.country, saved.year, saved.room, saved.date) == ("COL", 2025, room, TODAY)
    assert app.code in app.save_status.value  # the resume code is shown from the first save
    assert f"?code={app.code}" in app.save_status.value


def test_country_search_hints_and_codes(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    app.welcome.start.click()
    s = app.setup
    assert len(s.country.options) > 240 and "Veridia (fictional country)" in s.country.options
    s.country.value = "Ni"
    assert s.country_code is None and "Niger" in s.country_hint.value and "Nicaragua" in s.country_hint.value
    assert app.code is None  # nothing saved while the country is open
    s.country.value = "Bol"  # a few letters that fit one country are enough
    assert s.country_code == "BOL" and "✔ Bolivia" in s.country_hint.value
    s.country.value = "FRA"
    assert s.country_code == "FRA"
    s.country.value = "Veridia (fictional country)"
    assert stored(store, app).fictional is True


def test_uk_typed_letter_by_letter_is_the_united_kingdom_and_a_guess_is_not_saved(
    store: Store, content: data.Content, tmp_path: Path
) -> None:
    """The issue: "UK" was taken for Ukraine and saved as a draft at once."""
    app = make_app(store, content)
    app.welcome.start.click()
    s = app.setup
    for typed in ("U", "UK"):
        s.country.value = typed
    assert s.country_code == "GBR" and "✔ United Kingdom (GBR)" in s.country_hint.value
    assert stored(store, app).country == "GBR"
    # "Korea" is either Korea: both are offered, neither is chosen, nothing changes in the draft.
    s.country.value = "Korea"
    assert s.country_code is None
    assert "South Korea" in s.country_hint.value and "North Korea" in s.country_hint.value
    assert stored(store, app).country == "GBR"
    # A few first letters that fit one country are shown as that country, but saved only once the
    # trainee goes on ("Costa" on its way to "Costa de Marfil" is Costa Rica or Côte d'Ivoire).
    fresh = make_app(Store(tmp_path / "other.sqlite3"), content)
    fresh.welcome.start.click()
    fresh.setup.country.value = "Ukr"
    assert fresh.setup.country_code == "UKR" and "✔ Ukraine (UKR)" in fresh.setup.country_hint.value
    assert fresh.code is None
    fresh.setup.country.value = "Costa"
    assert fresh.setup.country_code is None and fresh.code is None  # Costa Rica or Côte d'Ivoire
    fresh.setup.country.value = "Costa de Marfil"
    assert fresh.setup.country_code == "CIV" and fresh.code is not None
    fresh.setup.country.value = "Bol"
    assert stored(fresh.store, fresh).country == "CIV"  # not yet Bolivia
    fresh.next.click()
    assert fresh.position == content.commitments[0].id
    assert stored(fresh.store, fresh).country == "BOL"  # going on confirms it


@pytest.mark.parametrize(
    ("lang", "germany", "britain", "koreas"),
    [
        ("es", "Alemania", "Reino Unido", ("Corea del Sur", "Corea del Norte")),
        ("fr", "Allemagne", "Royaume-Uni", ("Corée du Sud", "Corée du Nord")),
        ("ru", "Германия", "Великобритания", ("Республика Корея", "КНДР")),
    ],
)
def test_the_country_box_in_spanish_french_and_russian(
    store: Store, content: data.Content, lang: str, germany: str, britain: str, koreas: tuple[str, str]
) -> None:
    """Names typed in the page's language or in English find the country, shown in the page's language."""
    from idpckit import i18n

    with i18n.language(lang):
        app = make_app(store, content)
        app.welcome.start.click()
        s = app.setup
        s.country.value = germany
        assert s.country_code == "DEU" and f"✔ {germany} (DEU)" in s.country_hint.value
        s.country.value = "UK"
        assert s.country_code == "GBR" and f"✔ {britain} (GBR)" in s.country_hint.value
        assert stored(store, app).country == "GBR"
        s.country.value = "Korea"
        assert s.country_code is None and all(k in s.country_hint.value for k in koreas)


def test_every_field_of_the_setup_is_saved(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    room = make_room(store)
    fill_setup(app, scale="traffic-light", room=room.lower())
    app.setup.year.value = 2024
    saved = stored(store, app)
    assert saved.organisations == ["Acción Técnica Social", "Elementa"]
    assert saved.assessor == "Ana Pérez"
    assert saved.scale == "traffic-light"
    assert saved.room == room
    assert saved.year == 2024
    assert [e.commitment_id for e in saved.entries] == [c.id for c in content.commitments]


# --------------------------------------------------------------------------- grading


def test_trainee_grades_all_commitments_on_the_five_point_scale(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    fill_setup(app)
    grade_all(app, store, content, FIVE)
    app.next.click()
    assert app.position == "summary"
    assert app.next.disabled
    saved = stored(store, app)
    assert [e.grade for e in saved.entries] == [FIVE[i % 5] for i in range(13)]
    assert "13 of 13 tracked commitments graded" in app.summary.heading.value
    assert "Every tracked commitment has a grade, evidence and a recommendation" in app.summary.gaps.value


def test_trainee_grades_all_commitments_on_the_traffic_light(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    fill_setup(app, scale="traffic-light")
    first = app.steps.get(content.commitments[0].id)
    assert first is None  # steps are built when first visited
    grade_all(app, store, content, LIGHTS)
    step = app.steps[content.commitments[0].id]
    labels = [label for label, _ in step.grade.buttons.options]
    assert labels[0] == "✖ Red — requires urgent attention"
    assert labels[-1] == "– Not assessed"
    assert [e.grade for e in stored(store, app).entries] == [LIGHTS[i % 3] for i in range(13)]


def test_grade_buttons_have_words_symbols_and_tooltips(store: Store, content: data.Content) -> None:
    app = at_first_commitment(store, content)
    picker = app.steps[app.position].grade
    labels = [label for label, _ in picker.buttons.options]
    assert labels == [
        "1 ✖ Requires urgent attention",
        "2 ▼ Serious shortcomings",
        "3 ▲ Needs improvement",
        "4 ◆ Mostly good",
        "5 ✔ Good situation",
        "– Not assessed",
    ]
    assert len(picker.buttons.tooltips) == len(labels)
    rubric = content.rubric_for(app.position)
    assert rubric.level(1) in picker.buttons.tooltips[0]  # the tooltip says what a 1 looks like
    picker.buttons.value = 4
    assert "4 ◆ Mostly good" in picker.selected.value  # words and symbol next to the colour


def test_commitment_step_shows_summary_references_and_rubric(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    fill_setup(app)
    app.jump.value = "legal-guarantees"
    step = app.steps["legal-guarantees"]
    c = content.commitment("legal-guarantees")
    assert c.summary in step.heading.value
    refs = step.widget.children[1].children[0].children[0].value
    assert "UNGASS Outcome Document" in refs and "OP 4.o" in refs
    assert "the document is silent" in refs  # the 2019 Declaration has no reference for it
    assert 'href="https://undocs.org/A/RES/S-30/1"' in refs
    rubric = content.rubric_for("legal-guarantees")
    assert rubric.questions[0].split("'")[0][:30] in step.rubric_box.value.replace("&#x27;", "'")
    assert "Where to look" in step.rubric_box.value


def test_sources_can_be_added_and_removed(store: Store, content: data.Content) -> None:
    app = at_first_commitment(store, content)
    cid = app.position
    editor = app.steps[cid].sources
    editor.add.click()
    editor.rows[0].link.value = "https://example.org/prisons"
    assert stored(store, app).entry(cid).sources == []  # no title yet: not a source
    assert "Give this source a title" in editor.rows[0].hint.value
    editor.rows[0].title.value = "Prison statistics 2024"
    editor.rows[0].kind.value = "data"
    editor.add.click()
    editor.rows[1].title.value = "Interview with a defence lawyer"
    editor.rows[1].kind.value = "testimony"
    editor.add.click()
    editor.rows[2].title.value = "Drug law"
    editor.rows[2].kind.value = "law or policy"
    sources = stored(store, app).entry(cid).sources
    assert [(s.title, s.kind) for s in sources] == [
        ("Prison statistics 2024", "data"),
        ("Interview with a defence lawyer", "testimony"),
        ("Drug law", "law or policy"),
    ]
    assert sources[0].link == "https://example.org/prisons"
    editor.rows[1].remove.click()
    assert [s.title for s in stored(store, app).entry(cid).sources] == ["Prison statistics 2024", "Drug law"]
    assert [r.remove.description for r in editor.rows] == ["Remove source 1", "Remove source 2"]
    assert editor.rows[1].title.description == "Source 2: title"


def test_back_next_and_the_step_list(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    fill_setup(app)
    assert app.back.disabled  # nothing before the set-up
    app.next.click()
    app.next.click()
    assert app.position == content.commitments[1].id
    app.back.click()
    assert app.position == content.commitments[0].id
    app.steps[app.position].grade.buttons.value = 3
    labels = dict((v, k) for k, v in app.jump.options)
    assert labels[content.commitments[0].id].startswith("✔ 1.")
    assert labels[content.commitments[1].id].startswith("○ 2.")
    app.jump.value = "summary"
    assert app.position == "summary"
    app.jump.value = content.commitments[12].id
    assert app.position == content.commitments[12].id
    assert app.next.description == "Summary ▶"
    app.back.click()
    app.back.click()
    assert app.position == content.commitments[10].id


def test_evidence_and_recommendation_and_confidence_are_saved_on_every_change(
    store: Store, content: data.Content
) -> None:
    app = at_first_commitment(store, content)
    cid = app.position
    step = app.steps[cid]
    typed = ""
    for ch in "Prisons full":  # keystroke by keystroke, as continuous_update sends them
        typed += ch
        step.evidence.value = typed
        assert stored(store, app).entry(cid).evidence == typed
    step.confidence.value = "medium"
    assert stored(store, app).entry(cid).confidence == "medium"
    step.grade.buttons.value = "not-assessed"
    assert stored(store, app).entry(cid).grade is None
    assert app.saves >= len("Prisons full") + 2
    # the autosave cost, measured on this store (reported, not asserted: timings vary by machine)
    assert app.save_seconds and all(s > 0 for s in app.save_seconds)


def test_too_long_text_is_refused_with_a_message_and_the_last_good_version_kept(
    store: Store, content: data.Content
) -> None:
    app = at_first_commitment(store, content)
    cid = app.position
    step = app.steps[cid]
    step.evidence.value = "short and good"
    step.evidence.value = "x" * 20_001
    assert "The evidence is too long (20,001 characters; at most 20,000)" in step.message.message
    assert stored(store, app).entry(cid).evidence == "short and good"
    step.evidence.value = "x" * 20_000
    assert step.message.message == ""
    assert stored(store, app).entry(cid).evidence == "x" * 20_000


def test_changing_scale_converts_grades_and_says_so(store: Store, content: data.Content) -> None:
    app = at_first_commitment(store, content)
    first = app.position
    app.steps[first].grade.buttons.value = 2
    # The other case: a 4 came back as a 5 (green is 5 on the way back); and a 1 and a 5 stay.
    others = {c.id: g for c, g in zip(content.commitments[1:4], (4, 1, 5), strict=True)}
    for cid, grade in others.items():
        app.jump.value = cid
        app.steps[cid].grade.buttons.value = grade
    app.jump.value = "setup"
    app.setup.scale.value = "traffic-light"
    assert [stored(store, app).entry(cid).grade for cid in others] == ["green", "red", "green"]
    assert stored(store, app).entry(first).grade == "red"
    assert "converted" in app.setup.notice.message and "2 → red" in app.setup.notice.message
    assert app.steps[first].grade.value == "red"
    assert app.steps[first].grade.buttons.options[0][0].startswith("✖ Red")
    assert "Changing back restores the grades you gave" in app.setup.notice.message
    app.setup.scale.value = "five-point"
    assert stored(store, app).entry(first).grade == 2  # lossless: the 2 given is back, not a 1
    assert app.steps[first].grade.value == 2
    assert {cid: stored(store, app).entry(cid).grade for cid in others} == others  # the 4 is a 4 again


def test_untracking(store: Store, content: data.Content) -> None:
    app = at_first_commitment(store, content)
    graded = app.position
    app.steps[graded].grade.buttons.value = 5
    app.jump.value = "setup"
    app.setup.tracked[graded].value = False  # refused: it has a grade
    assert app.setup.tracked[graded].value is True
    assert "stays tracked" in app.setup.notice.message
    app.setup.tracked["data"].value = False  # blank: fine
    saved = stored(store, app)
    assert saved.entry("data") is None and len(saved.entries) == 12
    assert app.progress_label == "1 of 12 graded"
    assert "data" not in [v for _, v in app.jump.options]
    app.setup.select_none.click()
    assert [e.commitment_id for e in stored(store, app).entries] == [graded]
    app.setup.select_all.click()
    assert len(stored(store, app).entries) == 13
    assert stored(store, app).entry(graded).grade == 5


# --------------------------------------------------------------------------- resuming


def test_resume_in_a_new_app_restores_everything(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    room = make_room(store)
    fill_setup(app, scale="traffic-light", room=room)
    grade_all(app, store, content, LIGHTS)
    cid = content.commitments[4].id
    app.jump.value = cid
    step = app.steps[cid]
    step.confidence.value = "high"
    step.sources.add.click()
    step.sources.rows[0].title.value = "Ombudsman report 2024"
    step.sources.rows[0].link.value = "https://example.org/ombudsman"
    step.sources.rows[0].kind.value = "report"
    step.grade.buttons.value = "not-assessed"
    code = app.code

    fresh = make_app(store, content)  # a new tab: a new kernel, a new app
    fresh.welcome.code.value = code.lower().replace("-", " ")  # typed carelessly
    fresh.welcome.resume.click()
    assert fresh.code == code
    assert fresh.position == cid  # opens at the first commitment still to grade
    s = fresh.setup
    assert (s.country.value, s.year.value, s.scale.value, s.room.value) == ("Colombia", 2025, "traffic-light", room)
    assert s.organisations.value == "Acción Técnica Social; Elementa" and s.assessor.value == "Ana Pérez"
    for i, c in enumerate(content.commitments):
        fresh.jump.value = c.id
        restored = fresh.steps[c.id]
        assert restored.grade.value == (None if c.id == cid else LIGHTS[i % 3])
        assert restored.evidence.value == f"Evidence for {c.id}"
        assert restored.recommendation.value == f"Do better on {c.id}"
    restored = fresh.steps[cid]
    assert restored.confidence.value == "high"
    row = restored.sources.rows[0]
    assert (row.title.value, row.link.value, row.kind.value) == (
        "Ombudsman report 2024",
        "https://example.org/ombudsman",
        "report",
    )
    assert fresh.progress_label == "12 of 13 graded"
    restored.grade.buttons.value = "green"  # and it keeps saving under the same code
    assert store.load(code).assessment.entry(cid).grade == "green"
    assert len(store.reviews()) == 1


def test_resume_from_the_query_string(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    fill_setup(app)
    code = app.code
    fresh = make_app(store, content, query={"code": code, "room": "ignored"})
    assert fresh.code == code and fresh.position == content.commitments[0].id
    unknown = make_app(store, content, query={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert unknown.position == "welcome"
    assert "No review is saved under the code" in unknown.welcome.message.message


def test_room_from_the_query_string_prefills_the_setup(store: Store, content: data.Content) -> None:
    app = make_app(store, content, query={"room": "lisbon-2025"})
    app.welcome.start.click()
    assert app.setup.room.value == "LISBON-2025"
    hostile = make_app(store, content, query={"room": "<script>"})
    hostile.welcome.start.click()
    assert hostile.setup.room.value == ""


def test_without_a_page_address_the_resume_link_is_relative(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    assert app.page_url is None  # outside Voilà the door sets none
    fill_setup(app)
    assert "add <code>?code=" in app.save_status.value
    app.page_url = "http://127.0.0.1:8866/voila/render/self-assessment.ipynb"
    app.setup.assessor.value = "Ana Pérez Gómez"  # the next save shows the full link
    assert f"{app.page_url}?code={app.code}" in app.save_status.value


# --------------------------------------------------------------------------- summary, downloads, upload


@pytest.fixture
def finished(store: Store, content: data.Content) -> SelfAssessmentApp:
    app = make_app(store, content)
    fill_setup(app)
    grade_all(app, store, content, FIVE)
    app.jump.value = "summary"
    return app


def test_the_pdf_button_keeps_focus_while_it_works_and_a_second_press_makes_nothing(
    finished: SelfAssessmentApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disabled button drops the keyboard's focus to the top of the page: the button says it
    is busy instead, and a press queued meanwhile does not lay the PDF out a second time."""
    from idpckit import bundle

    summary, seen = finished.summary, []
    made = bundle.pdf_file

    def watched(*args, **kwargs):
        seen.append((summary.pdf_button.disabled, summary.pdf_button.description))
        return made(*args, **kwargs)

    monkeypatch.setattr(bundle, "pdf_file", watched)
    summary.pdf_button.click()
    summary.pdf_button.click()  # the second press, queued while the first was working
    assert seen == [(False, "⏳ Preparing the PDF…")]
    assert summary.pdf_button.layout.display == "none" and "review-COL-2025.pdf" in summary.files


def test_downloads_hold_the_review(finished: SelfAssessmentApp, content: data.Content) -> None:
    summary = finished.summary
    # The PDF takes seconds to lay out, so it is made only when the trainee asks for it.
    assert sorted(summary.files) == sorted(f"review-COL-2025.{ext}" for ext in ("html", "json", "csv", "xlsx"))
    assert "application/pdf" not in summary.links.value + summary.pdf_link.value
    summary.pdf_button.click()
    files = summary.files
    assert sorted(files) == sorted(f"review-COL-2025.{ext}" for ext in ("html", "pdf", "json", "csv", "xlsx"))
    html_report = files["review-COL-2025.html"].decode()
    for level in ("Requires urgent attention", "Serious shortcomings", "Needs improvement", "Good situation"):
        assert level in html_report
    assert "Evidence for harm-reduction" in html_report
    again = assessment_io.parse_assessment(files["review-COL-2025.json"], "review-COL-2025.json")
    assert again == finished.assessment
    assert assessment_io.from_table(files["review-COL-2025.csv"], "review.csv").entries == finished.assessment.entries
    assert assessment_io.from_table(files["review-COL-2025.xlsx"], "review.xlsx").entries == finished.assessment.entries
    assert files["review-COL-2025.pdf"].startswith(b"%PDF")
    assert finished.summary.links.value.count("<a download=") == 4
    assert (
        'href="data:application/pdf;base64,' in summary.pdf_link.value and ">Report (PDF)</a>" in summary.pdf_link.value
    )
    assert summary.pdf_button.layout.display == "none"
    assert finished.page.requests[-1] == ("a[download='review-COL-2025.pdf']", "The PDF report is ready to download.")
    # A change to the review withdraws the PDF of the review as it was, and offers to make it again.
    finished.jump.value = content.commitments[0].id
    finished.steps[content.commitments[0].id].evidence.value = "Changed after the PDF was made"
    finished.jump.value = "summary"
    assert summary.pdf_link.value == "" and summary.pdf_button.layout.display is None
    assert "review-COL-2025.pdf" not in summary.files
    chart = finished.summary.scorecard.value
    assert 'src="data:image/svg+xml;base64,' in chart and 'alt="Scorecard chart of your grades' in chart
    # The report embeds the very chart the page shows (drawn once, not twice).
    src = chart.split('src="', 1)[1].split('"', 1)[0]
    assert src in summary.files["review-COL-2025.html"].decode()


def test_summary_lists_what_is_missing(store: Store, content: data.Content) -> None:
    app = at_first_commitment(store, content)
    app.steps[app.position].grade.buttons.value = 1  # graded, no evidence, no recommendation
    app.next.click()
    step = app.steps[app.position]
    step.grade.buttons.value = 2
    step.evidence.value = "Some evidence"
    app.jump.value = "summary"
    gaps = app.summary.gaps.value
    assert "Not graded yet</strong> (11)" in gaps
    assert "without evidence or sources</strong> (1)" in gaps
    assert "without a recommendation</strong> (2)" in gaps
    buttons = {b.description: b for b in app.summary.gap_buttons.children[1].children}
    assert sorted(buttons) == sorted(f"Go to commitment {n}" for n in range(1, 14))
    buttons["Go to commitment 1"].click()
    assert app.position == content.commitments[0].id


def test_html_typed_into_a_note_is_kept_as_typed_and_shown_escaped(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    fill_setup(app, organisations=f"NGO {hostile}", assessor=hostile)
    app.next.click()
    cid = app.position
    step = app.steps[cid]
    step.grade.buttons.value = 3
    step.evidence.value = hostile
    step.recommendation.value = hostile
    step.sources.add.click()
    step.sources.rows[0].title.value = hostile
    assert stored(store, app).entry(cid).evidence == hostile  # stored exactly as typed
    app.jump.value = "summary"
    page = [x.value for x in walk(app.widget) if isinstance(x, w.HTML)]
    assert any("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in v for v in page)
    assert not any("<script>alert" in v or "<img src=x" in v for v in page)
    report_html = app.summary.files["review-COL-2025.html"].decode()
    assert "<script>alert" not in report_html and "&lt;script&gt;" in report_html


def earlier_review(country: str = "COL", year: int = 2024) -> Assessment:
    return Assessment(
        country=country,
        year=year,
        organisations=["Acción Técnica Social"],
        date=dt.date(year, 9, 1),
        entries=[Entry(commitment_id="alternatives", grade=3), Entry(commitment_id="harm-reduction", grade=1)],
    )


def test_upload_of_an_earlier_review_shows_the_comparison(finished: SelfAssessmentApp, store: Store) -> None:
    before = stored(store, finished)
    upload(finished, earlier_review().to_json().encode(), "review-COL-2024.json")
    summary = finished.summary
    assert summary.upload_message.kind == "ok" and "Your review is unchanged" in summary.upload_message.message
    assert "2024 → 2025" in summary.comparison.value
    assert "1 improved, 1 worsened, 11 newly graded" in summary.comparison.value
    assert "↑ Improved" in summary.comparison.value and "↓ Worsened" in summary.comparison.value
    chart = summary.comparison_chart.value
    assert (
        'src="data:image/svg+xml;base64,' in chart
        and 'alt="Chart of each commitment&#x27;s grade in 2024 and 2025' in chart
    )
    assert "compare-COL-2024-2025.html" in summary.files
    assert summary.upload.value == ()  # the bytes are not kept in the widget
    assert stored(store, finished) == before and finished.assessment == before


def test_an_upload_compares_the_two_reviews_once(finished: SelfAssessmentApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table, the downloadable page and the chart show one comparison, not three."""
    from idpckit import compare, plots, report

    calls = []
    real = compare.compare
    for module in (compare, plots, report):  # wherever a view could call it from
        if hasattr(module, "compare"):
            monkeypatch.setattr(module, "compare", lambda *a, **k: calls.append(1) or real(*a, **k))
    upload(finished, earlier_review().to_json().encode(), "review-COL-2024.json")
    assert finished.summary.upload_message.kind == "ok" and "compare-COL-2024-2025.html" in finished.summary.files
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"this is not json", "Could not read"),
        (b'{"schema_version": 1, "country": "COL"', "Could not read"),
        (json.dumps({"schema_version": 99, "country": "COL", "year": 2024}).encode(), "newer format"),
        (b"\xff\xfe\x00garbage", "Could not read"),
    ],
)
def test_malformed_upload_shows_a_message_and_changes_nothing(
    finished: SelfAssessmentApp, store: Store, payload: bytes, expected: str
) -> None:
    before_store, before_app = stored(store, finished), finished.assessment.model_copy(deep=True)
    upload(finished, payload, "old-review.json")
    message = finished.summary.upload_message
    assert message.kind == "error" and expected in message.message and "old-review.json" in message.message
    assert "Nothing has changed in your review" in message.message
    assert finished.summary.comparison.value == ""
    assert stored(store, finished) == before_store and finished.assessment == before_app


def test_upload_of_another_country_is_refused(finished: SelfAssessmentApp, store: Store) -> None:
    before = stored(store, finished)
    upload(finished, earlier_review(country="PER").to_json().encode(), "peru-2024.json")
    message = finished.summary.upload_message
    assert message.kind == "error" and "is a review of Peru, but you are grading Colombia" in message.message
    assert finished.summary.comparison.value == "" and stored(store, finished) == before


def test_upload_too_large_is_refused_before_reading(finished: SelfAssessmentApp) -> None:
    upload(finished, b"{}", "huge.json", size=assessment_io.MAX_BYTES + 1)
    message = finished.summary.upload_message
    assert message.kind == "error" and "larger than the 2 MB" in message.message
    assert finished.summary.comparison.value == ""


# --------------------------------------------------------------------------- submitting


def test_submit_asks_first_then_freezes_the_review(finished: SelfAssessmentApp, store: Store) -> None:
    summary = finished.summary
    summary.submit.click()
    assert summary.confirm_box.layout.display is None and "can no longer be changed" in summary.confirm_text.value
    summary.cancel.click()
    assert store.load(finished.code).status == "draft"
    summary.submit.click()
    summary.confirm.click()
    assert store.load(finished.code).status == "submitted"
    assert finished.status == "submitted" and summary.submit.disabled
    assert "read-only" in finished.banner.value
    finished.jump.value = "harm-reduction"
    step = finished.steps["harm-reduction"]
    assert step.grade.disabled and step.evidence.disabled and step.sources.add.disabled
    assert finished.setup.country.disabled
    fresh = make_app(store, finished.content, query={"code": finished.code})
    assert fresh.position == "summary" and fresh.status == "submitted" and "read-only" in fresh.banner.value
    fresh.jump.value = "alternatives"
    assert fresh.steps["alternatives"].evidence.disabled


def test_focus_after_the_question_before_submitting_goes_where_the_answer_is(finished: SelfAssessmentApp) -> None:
    """Submit's question hides its buttons once answered: focus must not be left on a hidden one."""
    summary = finished.summary
    summary.submit.click()
    where, said = finished.page.requests[-1]
    assert where == ".idpc-submit-question .idpc-msg" and said.startswith("Once submitted, this review")
    summary.cancel.click()
    assert finished.page.requests[-1] == ("button.idpc-submit", "Not submitted. You can keep working on your review.")
    assert "idpc-submit" in summary.submit._dom_classes
    summary.submit.click()
    summary.confirm.click()
    where, said = finished.page.requests[-1]
    assert where == ".idpc-submit-message .idpc-msg" and said == summary.submit_message.message
    assert "has been submitted" in said and "idpc-submit-message" in summary.submit_message.widget._dom_classes


def test_submit_to_a_room(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    room = make_room(store)
    fill_setup(app, room=room.lower())
    app.next.click()
    app.steps[app.position].grade.buttons.value = 3
    app.jump.value = "summary"
    app.summary.submit.click()
    assert f"room {room}" in app.summary.confirm_text.value
    app.summary.confirm.click()
    assert [s.code for s in store.room(room)] == [app.code]
    assert f"submitted to room {room}" in app.summary.submit_message.message


def make_room(store: Store) -> str:
    from idpckit.rooms import Rooms

    return Rooms(store).create("Lisbon workshop")[0].code


def test_only_open_rooms_that_exist_are_accepted(store: Store, content: data.Content) -> None:
    from idpckit.rooms import Rooms

    app = make_app(store, content)
    fill_setup(app, room="QQQQ-QQQQ")  # the right shape, but no such room
    refusal = app.setup.room_message
    assert "There is no room QQQQ-QQQQ" in refusal.message and "not saved" in refusal.message
    # Said under the room's field (not at the top of the long set-up), and focus goes there.
    children = app.setup.widget.children
    assert children.index(refusal.widget) == children.index(app.setup.room) + 1
    assert app.page.requests[-1][0] == ".idpc-room-message .idpc-msg"
    assert [r.assessment.room for r in store.reviews()] == [""]  # saved before the room was typed; in no room
    app.setup.organisations.value = "Another organisation"  # editing elsewhere: still refused, focus left alone
    assert "There is no room QQQQ-QQQQ" in refusal.message
    assert [r for r in app.page.requests if r[0] == ".idpc-room-message .idpc-msg"] == [
        (".idpc-room-message .idpc-msg", "")
    ]
    app.setup.room.value = "K7QD"  # half typed: a plain message, and not counted as a guess
    assert "8 letters and digits" in refusal.message
    room = make_room(store)
    app.setup.room.value = room
    assert refusal.message == "" and app.setup.message.message == "" and stored(store, app).room == room
    app.next.click()
    app.steps[app.position].grade.buttons.value = 3
    rooms = Rooms(store)
    rooms.close(rooms.get(room))  # the trainer closes the room before this trainee submits
    assert app.submit() is False and "is closed" in app.errors.message
    assert store.load(app.code).status == "draft"


def test_nothing_to_submit_without_a_grade(store: Store, content: data.Content) -> None:
    app = make_app(store, content)
    fill_setup(app)
    app.jump.value = "summary"
    app.summary.submit.click()
    assert "Grade at least one commitment" in app.summary.submit_message.message
    assert store.load(app.code).status == "draft"


def test_start_another_review_after_submitting(finished: SelfAssessmentApp, store: Store) -> None:
    finished.summary.submit.click()
    finished.summary.confirm.click()
    finished.new_review.click()
    assert finished.position == "welcome" and finished.code is None
    fill_setup(finished, country="Peru")
    assert len(store.reviews()) == 2


def test_next_years_review_starts_from_the_submitted_one(finished: SelfAssessmentApp, store: Store) -> None:
    finished.summary.submit.click()
    finished.summary.confirm.click()
    old_code = finished.code
    assert finished.after_submit.layout.display is None
    finished.next_year.click()
    assert finished.code != old_code and finished.status == "draft" and finished.position == "setup"
    assert finished.setup.year.value == 2026 and "copied from your 2025 review" in finished.setup.notice.message
    assert not finished.setup.country.disabled and finished.banner.value == ""
    finished.jump.value = "harm-reduction"
    finished.steps["harm-reduction"].grade.buttons.value = 5
    assert store.load(finished.code).assessment.entry("harm-reduction").grade == 5
    assert store.load(old_code).assessment.entry("harm-reduction").grade == 3  # last year's stays as submitted
    assert store.load(old_code).status == "submitted"


# --------------------------------------------------------------------------- failures and the page


def test_a_failed_save_is_reported_in_the_page(store: Store, content: data.Content) -> None:
    app = at_first_commitment(store, content)
    store.delete_draft(app.code)  # e.g. a trainer cleared the store while the page was open
    app.steps[app.position].evidence.value = "typed after the draft vanished"
    assert "could not be saved" in app.errors.message
    assert "Not saved" in app.save_status.value


def test_every_input_is_labelled_and_fits_a_phone(finished: SelfAssessmentApp, content: data.Content) -> None:
    for c in content.commitments:
        finished.jump.value = c.id
    finished.steps[content.commitments[0].id].sources.add.click()
    widgets = walk(finished.widget) + walk(finished.welcome.widget) + walk(finished.setup.widget)
    widgets += [x for step in finished.steps.values() for x in walk(step.widget)]
    inputs = (
        w.Text,
        w.Textarea,
        w.Dropdown,
        w.BoundedIntText,
        w.RadioButtons,
        w.ToggleButtons,
        w.Checkbox,
        w.FileUpload,
    )
    for widget in widgets:
        if isinstance(widget, inputs):
            assert widget.description.strip(), f"{type(widget).__name__} without a label"
        if isinstance(widget, w.Button):
            assert widget.description.strip()
        if isinstance(widget, w.ToggleButtons):
            assert len(widget.tooltips) == len(widget.options)
        width = getattr(widget, "layout", None) and widget.layout.width
        if width and width.endswith(("em", "px")):
            assert widget.layout.max_width == "100%", f"{type(widget).__name__} width {width} may overflow a phone"
    assert finished.widget.layout.width == "100%"
    assert "idpc-app" in finished.widget._dom_classes
    assert "flex-wrap: wrap" in _base.STYLE


def test_the_app_runs_the_radio_group_script_at_its_top(store: Store, content: data.Content) -> None:
    """Grade, confidence and scale are single choices: the page script gives them radio roles and keys."""
    from idpckit import style

    app = make_app(store, content)
    top = app.widget.children[0]
    scripts = [c.outputs for c in top.children if isinstance(c, w.Output)]
    assert scripts == [
        ({"output_type": "display_data", "data": {"application/javascript": style.widget_script()}, "metadata": {}},)
    ]
    for words in ("'radiogroup'", "'radio'", "aria-checked", "ArrowRight", "Home", "End"):
        assert words in style.widget_script()
    assert any(isinstance(c, w.HTML) and c.value == _base.STYLE for c in top.children)


def test_download_link_escapes_names() -> None:
    link = _base.download_link(b"hello", 'a"b<c>.txt', "text/plain", "<Download>")
    assert 'download="a&quot;b&lt;c&gt;.txt"' in link
    assert ">&lt;Download&gt;</a>" in link
    assert "base64,aGVsbG8=" in link


def test_error_box_guard_turns_exceptions_into_a_message() -> None:
    box = _base.ErrorBox()

    def broken(_b: object) -> None:
        raise RuntimeError("disk <full>")

    box.guard(broken)(None)
    assert box.kind == "error" and "disk <full>" in box.message
    assert "disk &lt;full&gt;" in box.widget.value and 'role="alert"' in box.widget.value


def test_summary_is_on_screen_before_the_chart_and_files_are_made(
    store: Store, content: data.Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making the PDF takes seconds: the trainee must see the summary (and 'Preparing') meanwhile."""
    from idpckit.widgets.self_assessment import summary as sa_summary

    app = make_app(store, content)
    fill_setup(app)
    grade_all(app, store, content, FIVE)
    seen: list[tuple[bool, str, str]] = []
    original = sa_summary.SummaryStep._prepare

    def spy(self: sa_summary.SummaryStep, review: Assessment, lang: str) -> sa_summary.Prepared:
        seen.append((app.body.children[0] is self.widget, self.links.value, self.scorecard.value))
        # The page can tell: the app says the summary is shown, and not yet that its files are ready.
        assert "idpc-step-summary" in app.widget._dom_classes and "idpc-files-ready" not in self.widget._dom_classes
        return original(self, review, lang)

    monkeypatch.setattr(sa_summary.SummaryStep, "_prepare", spy)
    app.go("summary")
    assert seen and seen[0][0], "the files were built before the summary was shown"
    assert "Preparing your files" in seen[0][1] and "Drawing the chart" in seen[0][2]
    assert "<img" not in seen[0][2], "an image with nothing to show yet is a broken image in the page"
    assert 'class="idpc-chart"' in app.summary.scorecard.value
    assert "Report (web page, HTML)" in app.summary.links.value  # and they do arrive
    assert "idpc-files-ready" in app.summary.widget._dom_classes


def test_the_app_marks_the_step_it_shows(store: Store, content: data.Content) -> None:
    """One ``idpc-step-...`` class on the app, changed after each step is shown: what browser tests wait for."""
    app = make_app(store, content)

    def steps() -> list[str]:
        return [c for c in app.widget._dom_classes if c.startswith("idpc-step-")]

    assert steps() == ["idpc-step-welcome"]
    app.start()
    assert steps() == ["idpc-step-setup"]
    fill_setup(app)
    app.next.click()
    assert steps() == [f"idpc-step-{content.commitments[0].id}"]
    app.jump.value = "summary"
    assert steps() == ["idpc-step-summary"] and "idpc-app" in app.widget._dom_classes


def test_a_paste_over_the_text_limit_is_refused_in_words_and_the_saved_text_kept(
    store: Store, content: data.Content
) -> None:
    from idpckit.assessment import MAX_TEXT
    from idpckit.widgets._base import text_limit_class

    app = at_first_commitment(store, content)
    step = app.steps[app.position]
    assert f"up to {MAX_TEXT:,} characters" in step.evidence.placeholder  # the limit is shown before typing
    assert text_limit_class(MAX_TEXT) in step.evidence._dom_classes  # and the page enforces it too
    step.evidence.value = "What we found"
    assert stored(store, app).entry(app.position).evidence == "What we found"
    step.evidence.value = "x" * 9_000_000  # a 9 MB paste
    assert step.message.kind == "error"
    assert "The evidence is too long (9,000,000 characters; at most 20,000)" in step.message.message
    assert "not saved" in step.message.message
    assert stored(store, app).entry(app.position).evidence == "What we found"  # nothing saved broken
    step.evidence.value = "What we found, shortened"
    assert step.message.kind is None
    assert stored(store, app).entry(app.position).evidence == "What we found, shortened"


def test_no_evidence_found_is_marked_instead_of_a_grade_saved_and_shown_in_words(
    store: Store, content: data.Content
) -> None:
    """A status replaces the grade (and a grade replaces the status); it is saved, restored and shown in words."""
    app = at_first_commitment(store, content)
    cid = app.position
    step = app.steps[cid]
    step.grade.buttons.value = 3
    step.status.value = "no evidence found"
    entry = stored(store, app).entry(cid)
    assert (entry.grade, entry.status) == (None, "no evidence found"), "the status is instead of the grade"
    assert "found none: a finding in itself, not a low grade" in step.status_note.value
    step.evidence.value = "Looked in the ministry's reports 2023-2025 and asked two NGOs."
    assert stored(store, app).entry(cid).status == "no evidence found", "editing evidence keeps the status"
    fresh = make_app(store, content)  # a new tab restores it
    fresh.welcome.code.value = app.code
    fresh.welcome.resume.click()
    fresh.jump.value = cid
    assert fresh.steps[cid].status.value == "no evidence found" and fresh.steps[cid].grade.value is None
    fresh.jump.value = "summary"
    number = content.commitment(cid).number
    (row,) = [r for r in fresh.summary.grades.value.split("<tr>") if r.startswith(f"<td>{number}. ")]
    assert "○ No evidence found" in row and "Not assessed" not in row
    fresh.jump.value = cid
    fresh.steps[cid].grade.buttons.value = 2  # a grade given later clears the status
    entry = store.load(app.code).assessment.entry(cid)
    assert (entry.grade, entry.status) == (2, "")


def test_slow_work_runs_beside_the_kernel_loop_and_shows_on_it(caplog: pytest.LogCaptureFixture) -> None:
    """In a kernel the chart and files are made in a thread and shown on the loop that answers the page."""
    import threading

    from tornado.ioloop import IOLoop

    loop = IOLoop()
    main = threading.get_ident()
    where: dict[str, int] = {}

    def work() -> int:
        where["work"] = threading.get_ident()
        return 42

    def then(result: int) -> None:
        where["then"], where["result"] = threading.get_ident(), result
        loop.stop()

    def broken() -> int:
        raise RuntimeError("no fonts")

    try:
        loop.add_callback(lambda: _base.in_background(work, then, loop=loop))
        loop.call_later(30, loop.stop)  # a bound, should the callback never come
        loop.start()
        assert where == {"work": where["work"], "then": main, "result": 42} and where["work"] != main
        where.clear()
        thread_count = threading.active_count()
        _base.in_background(broken, then, loop=loop)  # logged; ``then`` is not called
        loop.call_later(0.5, loop.stop)
        loop.start()
        assert "then" not in where and "no fonts" in caplog.text
        assert threading.active_count() <= thread_count
    finally:
        loop.close()


def test_a_summary_ignores_files_made_for_a_version_it_no_longer_shows(store: Store, content: data.Content) -> None:
    """Files made in the background for a review that changed meanwhile are not offered for the new one."""
    from idpckit.widgets.self_assessment import summary as sa_summary

    app = make_app(store, content)
    fill_setup(app)
    grade_all(app, store, content, FIVE)
    app.go("summary")
    summary = app.summary
    old_key = summary._files_key
    stale = summary._prepare(app.assessment.model_copy(deep=True), "en")
    app.steps[content.commitments[0].id].grade.buttons.value = 3  # the review changes before that run is done
    assert app.assessment.entries[0].grade == 3
    summary.refresh(app.assessment, submitted=False, slow=False)
    assert "Preparing your files" in summary.links.value and "idpc-files-ready" not in summary.widget._dom_classes
    summary._show_prepared(old_key, stale)  # the old run finishes late
    assert "Preparing your files" in summary.links.value and "idpc-files-ready" not in summary.widget._dom_classes
    summary.refresh_slow()
    assert "Report (web page, HTML)" in summary.links.value and "idpc-files-ready" in summary.widget._dom_classes
    assert isinstance(stale, sa_summary.Prepared) and stale.files


def test_a_resume_link_shows_its_step_without_building_the_set_up(store: Store, content: data.Content) -> None:
    """The set-up of a resumed review is built when the trainee goes there, showing that review's set-up."""
    app = make_app(store, content)
    fill_setup(app, country="Colombia", scale="traffic-light")
    grade_all(app, store, content, LIGHTS)
    fresh = make_app(store, content, query={"code": app.code})
    assert fresh.position == "summary" and "Summary: Colombia, 2025" in fresh.summary.heading.value
    assert fresh._setup is None
    fresh.jump.value = "setup"
    assert fresh.position == "setup" and fresh.setup.country.value == "Colombia"
    assert fresh.setup.scale.value == "traffic-light" and not fresh.setup.country.disabled
    assert fresh.saves == 0  # showing the set-up saved nothing


def test_a_summary_opened_by_its_link_is_light_and_hiding_its_chart_hides_nothing_else(
    store: Store, content: data.Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``?code=`` page builds every widget's model before it draws the summary, so the summary is few models.

    Its text parts share one layout and style, and the question before submitting is built when
    "Submit" is pressed (under that button).  Shared layouts must not hide together: a chart
    that cannot be drawn hides the chart alone, and the rest of the summary stays shown.
    """
    from idpckit.widgets.self_assessment import summary as sa_summary

    app = make_app(store, content)
    fill_setup(app)
    grade_all(app, store, content, FIVE)
    monkeypatch.setattr(sa_summary, "_chart_src", lambda _make: (None, "no fonts"))  # the page's chart fails
    summary = make_app(store, content, query={"code": app.code}).summary
    assert len(models_of([summary.widget])) <= 45  # 79 when each part had its own layout and style
    assert summary.scorecard.layout.display == "none" and "could not be drawn (no fonts)" in summary.message.message
    hidden = [c for c in summary.widget.children if c.layout.display == "none"]
    assert hidden == [summary.scorecard, summary.comparison_chart]  # the comparison's chart: none uploaded
    assert "Summary: Colombia" in summary.heading.value and "Report (web page, HTML)" in summary.links.value
    summary.submit.click()
    children = list(summary.widget.children)
    assert children.index(summary.confirm_box) == children.index(summary.submit) + 1
    assert summary.confirm_box.layout.display is None and "can no longer be changed" in summary.confirm_text.value


@pytest.mark.parametrize("trouble", ["fails", "hangs"])
def test_a_warm_up_that_fails_or_hangs_leaves_the_summary_whole(
    trouble: str, store: Store, content: data.Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary's warm-up (started at the first commitment) is a head start, never a condition.

    Its error is not shown to the trainee, and a warm-up stuck on a slow disk holds the summary
    back ``WARM_WAIT_S`` at most: the chart, the files and no message, as without a warm-up.
    """
    import threading
    import time

    from idpckit import plots
    from idpckit.widgets.self_assessment import warm as module

    stuck = threading.Event()

    def first_drawing(*_args: Any, **_kwargs: Any) -> bytes:  # the warm-up's own small PNG
        if trouble == "hangs":
            stuck.wait(60)
        raise OSError("Input/output error")

    monkeypatch.setattr(module, "_warming", [])
    monkeypatch.setattr(module, "WARM_WAIT_S", 0.5)
    monkeypatch.setattr(plots, "to_png", first_drawing)
    try:
        app = make_app(store, content)
        fill_setup(app)
        grade_all(app, store, content, FIVE)
        assert module._warming  # the first commitment started it
        started = time.monotonic()
        app.next.click()  # the summary (its chart and files are made at once outside a kernel)
        assert time.monotonic() - started < 5
        summary = app.summary
        assert app.position == "summary" and summary.message.message == "" and app.errors.message == ""
        assert '<img class="idpc-chart" src="data:image/svg+xml' in summary.scorecard.value
        assert "Table (Excel, XLSX)" in summary.links.value and "Input/output" not in summary.links.value
    finally:
        stuck.set()
