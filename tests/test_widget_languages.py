"""The apps in the trainee's language: labels, messages, country names, counted words and the review's reports.

Each test builds an app inside ``i18n.language(...)``, the way a Voilà kernel does once
it knows its visitor's ``?lang=`` (``idpckit.apps`` makes it the process's language; see
tests/test_serve_request.py), then drives it as a trainee would and reads what they
would see.  Russian counts take one of three forms (1 источник, 2 источника, 5 источников).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from idpckit import i18n
from idpckit.store import Store
from idpckit.widgets.self_assessment import SelfAssessmentApp

TODAY = dt.date(2025, 9, 15)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite3")


def visible_text(widget: object) -> str:
    """Every label, value and option a widget tree shows, as one string (what a reader meets)."""
    out: list[str] = []

    def walk(w: object) -> None:
        for name in ("value", "description", "placeholder", "tooltip"):
            v = getattr(w, name, None)
            if isinstance(v, str):
                out.append(v)
        for label in getattr(w, "_options_labels", ()) or ():
            out.append(str(label))
        for child in getattr(w, "children", ()) or ():
            walk(child)

    walk(widget)
    return "\n".join(out)


def test_the_welcome_and_set_up_in_spanish(store: Store) -> None:
    with i18n.language("es"):
        app = SelfAssessmentApp(store=store, today=TODAY)
        welcome = visible_text(app.welcome.widget)
        assert "En qué consiste este ejercicio" in welcome and "Continuar una evaluación" in welcome
        assert app.welcome.start.description == "Empezar una nueva evaluación"
        assert "What this exercise is" not in welcome

        app.welcome.start.click()
        setup = app.setup
        page = visible_text(setup.widget)
        assert setup.country.description == "País" and setup.year.description == "Año de la evaluación"
        assert "Cómo va a calificar" in page and "Compromisos que seguir" in page
        assert dict(setup.scale.options)["Escala de cinco puntos: 1, 2, 3, 4 o 5"] == "five-point"
        # Commitment titles come from data/translations/es.yaml.
        assert "1. Promover alternativas" in page
        # Country names in Spanish (CLDR): in the box, in the hint, and found by their Spanish name.
        assert "Alemania" in setup.country.options and "Germany" not in setup.country.options
        assert "Veridia (país ficticio)" in setup.country.options
        setup.country.value = "Alema"
        assert "Alemania" in setup.country_hint.value
        setup.country.value = "Alemania"
        assert setup.country_code == "DEU" and "✔ Alemania (DEU)" in setup.country_hint.value
        # A problem in words, in Spanish.
        setup.country.value = "Narnia"
        assert setup.show_problems() is False
        assert "No conocemos ningún país llamado «Narnia»" in setup.message.message
        assert "Tenga en cuenta:" in setup.message.widget.value

        setup.country.value = "Colombia"
        assert app.code is not None
        assert store.load(app.code).assessment.language == "es"  # the review remembers its language


def test_a_commitment_step_and_the_downloads_in_spanish(store: Store) -> None:
    with i18n.language("es"):
        app = SelfAssessmentApp(store=store, today=TODAY)
        app.welcome.start.click()
        app.setup.country.value = "Colombia"
        app.next.click()
        step = app.steps[app.position]
        heading = step.heading.value
        assert heading.startswith("<h2>Compromiso 1: ") and "En pocas palabras:" in heading
        assert "Paso 1 de 13 compromisos que sigue" in heading
        labels = [label for label, _ in step.grade.buttons.options]
        assert labels[0] == "1 ✖ Requiere atención urgente" and labels[-1] == "– Sin evaluar"
        assert step.grade.buttons.description == "Calificación del compromiso 1"
        assert [label for label, _ in step.confidence.options] == ["Sin indicar", "Baja", "Media", "Alta"]
        assert step.evidence.description == "Evidencia" and step.recommendation.description == "Recomendación"
        assert "Cómo calificarlo" in step.rubric_box.value and "Dónde figura en los documentos" in visible_text(
            step.widget
        )
        assert app.next.description == "Siguiente ▶" and app.back.description == "◀ Atrás"
        assert app.progress_label == "0 de 13 calificados"

        step.grade.value = 2
        step.evidence.value = "Las cárceles siguen llenas."
        assert app.progress_label == "1 de 13 calificados"
        assert "Guardada a las" in app.save_status.value and "Su código para continuar:" in app.save_status.value

        app.go("summary")
        summary = app.summary
        assert summary is not None
        assert "<h2>Resumen: Colombia, 2025</h2>" in summary.heading.value
        assert "Informe (página web, HTML)" in summary.links.value
        page = summary.files["review-COL-2025.html"].decode()
        assert '<html lang="es">' in page and "Compromiso por compromiso" in page


def test_russian_counts_take_three_forms_in_the_summary(store: Store) -> None:
    with i18n.language("ru"):
        app = SelfAssessmentApp(store=store, today=TODAY)
        app.welcome.start.click()
        assert app.setup.country.description == "Страна" and "Германия" in app.setup.country.options
        app.setup.country.value = "Колумбия"
        assert app.setup.country_code == "COL"
        app.setup.select_none.click()
        ids = [c.id for c in app.content.commitments[:3]]
        for cid in ids:
            app.setup.tracked[cid].value = True
        for cid, n in zip(ids, (1, 2, 5), strict=True):
            step = app.step(cid)
            step.grade.value = 3
            for i in range(n):
                step.sources.add_row(f"Источник {i}")
        app.go("summary")
        table = app.summary.grades.value
        assert "1 источник<" in table and "2 источника<" in table and "5 источников<" in table
        heading = app.summary.heading.value
        assert "Сводка: Колумбия, 2025" in heading
        assert "Оценено 3 из 3 отслеживаемых обязательств" in heading
        assert "Commitment" not in table and "sources" not in table


def test_the_room_dashboard_in_russian(store: Store) -> None:
    from idpckit.widgets.room_dashboard import RoomDashboard

    with i18n.language("ru"):
        dashboard = RoomDashboard(store=store, auto_refresh=False)
        assert dashboard.language == "ru"
        assert dashboard.room_code.description == "Код группы" and dashboard.key.description == "Ключ тренера"
        assert dashboard.open_button.description == "Открыть группу"
        assert "Панель группы (для тренеров)" in visible_text(dashboard.widget)
        dashboard.open()
        assert dashboard.errors.message == "Введите код группы и ключ тренера."


# --------------------------------------------------------------------------- the lessons' and exercises' widgets


def shown_text(widget: object) -> str:
    """What :func:`visible_text` finds, without the stylesheets (their comments are not read by anyone)."""
    import re

    return re.sub(r"<style>.*?</style>", "", visible_text(widget), flags=re.S)


def no_english(shown: str, *words: str) -> list[str]:
    """Which of these English words and labels are still on a translated page (none, when it is translated)."""
    return [word for word in words if word in shown]


def test_the_table1_explorer_in_french() -> None:
    from idpckit.widgets.explorer import Table1Explorer

    with i18n.language("fr"):
        ui = Table1Explorer()
    assert ui.language == "fr"
    assert dict(ui.document.options)["Les trois documents"] == "all" and ui.reset.description == "Tout afficher"
    assert "Affichage de <strong>13</strong> engagements sur 13" in ui.status.value
    assert (
        '<th scope="col">Engagement</th>' in ui.table.value
        and "Les références, engagement par engagement" in ui.details.value
    )
    assert "Améliorer l&#x27;accès aux interventions de réduction des risques" in ui.table.value  # content in French
    # cells: sections and units too, with French's no-break space before the colon
    assert "Orientations pour l&#x27;action\u00a0: points 11 et 12" in ui.table.value
    # Callbacks run later, outside the language's context (a Voilà kernel): the page stays French.
    ui.document.value = "md2019"
    assert "Voie à suivre" in dict(ui.section.options)
    ui.section.value = "Way forward"
    assert (
        "pas dans cette section" in ui.table.value
        and "sur 13 : Déclaration ministérielle de 2019, section « Voie à suivre »." in ui.status.value
    )
    assert "Seulement ceux qu'ancre cette section" in dict(ui.presence.options)
    ui.search.value = "zzzz-nothing"
    assert "Aucun engagement ne correspond à ces filtres" in ui.table.value and "Rien à télécharger" in ui.export.value
    ui.reset.click()
    with i18n.language("fr"):  # the download link's file, as the page made it
        header = ui.csv_bytes().decode("utf-8").splitlines()[0]
    assert "Tracking" not in header and "Ref in" not in header, header
    shown = shown_text(ui.widget)
    assert (
        no_english(
            shown,
            "All three documents",
            "Every commitment",
            "Show everything",
            "Showing",
            "Download this view",
            "The references",
            "Search",
            "</span>silent",
            "<em>silent</em>",
            "Commitment</th>",
            "operative paragraph",
        )
        == []
    ), "English left in the French explorer"


def test_the_timeline_in_spanish() -> None:
    from idpckit.widgets.timeline import Timeline, alt_text, format_date

    with i18n.language("es"):
        t = Timeline()
        assert format_date("2019-03-14", "2019-03-15") == "14–15 de marzo de 2019"
        assert format_date("2017-03") == "marzo de 2017" and format_date("2029") == "2029"
        assert alt_text().startswith("Cronología de ")
        t.select("ministerial-segment")
    # The lessons' prose names these buttons (board, i18n-lessons): Antes / Después / Mostrar.
    assert (t.earlier.description, t.later.description, t.show.description) == ("Antes", "Después", "Mostrar")
    assert "14–15 de marzo de 2019" in t.detail.value and "Recogido en la nota del IDPC" in t.detail.value
    assert "Abrir el texto" in t.detail.value and t.position.value.startswith("<span>Hecho ")
    later = next(e for e in t.events if e.origin == "later" and e.status)
    t.picker.value = later.id  # as a trainee picks it: the callback speaks the page's language
    assert "Hecho posterior a la redacción de la nota" in t.detail.value and "Fuente:" in t.detail.value
    assert "Estado: " in t.detail.value
    assert " March " not in t.detail.value.split("</h4>")[0]  # the date (its English source may say March)
    t.show.value = "later"
    assert all("■" in label for label, _ in t.picker.options)
    shown = shown_text(t.widget)
    assert (
        no_english(
            shown,
            "Earlier",
            "Later facts",
            "All events",
            "Reported in the IDPC note",
            "Source:",
            "Status:",
            "Open the text",
            "Event ",
        )
        == []
    ), "English left in the Spanish timeline"


def test_the_table1_quiz_in_french() -> None:
    from idpckit.widgets.table1_quiz import Table1Quiz

    with i18n.language("fr"):
        quiz = Table1Quiz()
    first = quiz.checks[0]
    assert first.submit.description == "Vérifier ma réponse"
    assert "Déclaration ministérielle de 2019" in first.prompt.value
    first.submit.click()
    assert "Cochez d" in first.feedback.value  # nothing ticked, said in French
    for box in first.boxes:
        box.value = box.description in first.spec.solution()
    first.submit.click()
    first.solution_toggle.value = True
    # The computed options' reasons (exercises/rules.py) name the documents and sections in French too.
    assert "La Déclaration ministérielle de 2019 le cite" in first.solution.value
    second = quiz.checks[1]
    second.solution_toggle.value = True
    assert (
        "Orientations pour l&#x27;action\u00a0: point" in second.solution.value
        or "Orientations pour l'action" in second.solution.value
    )
    assert "Directions for action" not in second.solution.value and "bullet point" not in second.solution.value
    shown = shown_text(quiz.widget)
    assert (
        no_english(shown, "Check my answer", "Show the solution", "Question 1:", "Which commitments", "Correct.") == []
    ), "English left in the French quiz"


def test_the_explorer_page_follows_lang_in_the_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from idpckit import apps

    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "lang=es")
    frame = apps.table1_explorer()
    ui = apps.built[-1]
    assert frame.children[-1] is ui.widget and ui.language == "es"
    assert (
        "<h1>Explorador de la Tabla 1</h1>" in frame.children[0].value and "guarda silencio" in frame.children[0].value
    )
    assert ui.reset.description == "Mostrar todo" and "Se muestran <strong>13</strong> de 13" in ui.status.value


def test_an_opened_room_dashboard_in_russian_has_no_english_left(store: Store) -> None:
    """Per-country tables, heatmap, evidence, exports and the manage questions, in Russian; only names stay Latin."""
    import re

    from idpckit.assessment import Assessment, Entry
    from idpckit.rooms import Rooms
    from idpckit.widgets.room_dashboard import RoomDashboard

    made, key = Rooms(store).create("Группа в Алматы")
    other, _key = Rooms(store).create("Другая группа")
    for org, scale, grades in (
        ("Alpha", "five-point", {"alternatives": 1, "stigma": 4, "data": None}),
        ("Beta", "traffic-light", {"alternatives": "green", "stigma": "green"}),
    ):
        a = Assessment(
            country="KAZ",
            year=2025,
            scale=scale,
            room=made.code,
            organisations=[org],
            assessor=f"Assessor {org}",
            entries=[
                Entry(commitment_id=c, grade=g, evidence=f"{org}: доклад", recommendation="") for c, g in grades.items()
            ],
        )
        store.submit(store.save_draft(a))
    with i18n.language("ru"):
        ui = RoomDashboard(store=store, auto_refresh=False)
        ui.room_code.value, ui.key.value = made.code, key
        ui.open_button.click()
        assert ui.errors.message == ""
        ui.export_button.click()
        ui.review_choice.value = ui.review_choice.options[0][1]
        ui.target_room.value = other.code
        ui.move_button.click()
        question = ui.confirm.value
        countries = ui.countries.value
        shown = " ".join(
            [ui.people.value, countries, ui.evidence.value, ui.downloads.value, question, ui.status.value]
            + [label for label, _v in ui.commitment.options + ui.review_choice.options]
        )
    assert "Казахстан, 2025: 2 обзора" in countries and "Расхождение</strong> (разница 4 балла)" in countries
    assert "Тепловая карта" in countries and "(поставлено как «Зелёный»)" in countries
    assert "Перенести Alpha (Казахстан, отправлено) в группу" in question
    assert "Отчёт группы (PDF)" in ui.downloads.value
    # What a reader sees, tags, attributes' code and data URLs aside: no English word is left but the names typed in.
    text = re.sub(r'href="[^"]*"|download="[^"]*"|class=\S+|style=\S+|scope=\S+|<[^>]*>', " ", shown)
    text = re.sub(r"\b(Alpha|Beta|Assessor|KAZ|idpckit|aggregate|PDF|HTML|CSV|JSON|zip)\b", " ", text)
    text = text.replace(made.code, " ").replace(other.code, " ")
    english = sorted(set(re.findall(r"\b[A-Za-z]{3,}\b", text)))
    assert english == [], english


def test_the_advocacy_plan_builder_in_spanish() -> None:
    from idpckit.widgets.advocacy_plan import AdvocacyPlanBuilder

    with i18n.language("es"):
        b = AdvocacyPlanBuilder(today=dt.date(2026, 1, 10))
    assert b.language == "es" and b.start_month.description == "Primer mes"
    assert dict(b.start_month.options)["enero"] == 1 and ("enero de 2026", (2026, 1)) in b.month.options
    assert dict(b.city.options)["Viena"] == "Vienna" and dict(b.city.options)["En el país"] == "National"
    assert b.add_button.description == "Añadir al plan" and "Oportunidades en enero de 2026" in b.suggestion_box.value
    # The venues' texts come from data/translations/es.yaml.
    assert "Comisión de Estupefacientes" in " ".join(label for label, _ in b.venue.options)
    b.add_button.click()  # callbacks: in the page's language
    assert b.status.value.startswith("<p>✔ Añadida") or "enero de 2026 · Viena" in b.status.value, b.status.value
    assert "<th>Mes</th><th>Dónde</th>" in b.table.value and "<td>Viena</td>" in b.table.value
    assert "Consejo:" in b.review_box.value or "Hecho:" in b.review_box.value
    b.title.value = "x" * 500
    b.csv_button.click()
    assert "El título tiene 500 caracteres" in b.status.value  # the model's refusal, in words, in Spanish
    b.title.value = ""
    b.md_button.click()
    assert "está listo" in b.status.value and "Descargar" in b.downloads.value
    with i18n.language("es"):
        markdown = b.plan.to_markdown()
    assert (
        markdown.startswith("# Plan de incidencia") and "## enero de 2026" in markdown and "## Review" not in markdown
    )
    b.example_toggle.value = True
    assert b.example_toggle.description == "Ocultar el plan de ejemplo" and "<th>Por qué</th>" in b.example.value
    from idpckit.exercises.plan import PlanError

    with i18n.language("es"), pytest.raises(PlanError, match="fila 2: el mes «2026-13» debería tener la forma 2026-03"):
        b.load_csv(b"month,avenue_id,action\n2026-13,vienna-cnd,x\n", name="plan.csv")
    shown = shown_text(b.widget)
    assert (
        no_english(
            shown,
            "First month",
            "January",
            "Add to the plan",
            "Openings in",
            "Your plan",
            "Take it with you",
            "Nothing is saved",
            "Prepare CSV",
            "Show an example",
            "Vienna</td>",
            "<th>Month</th>",
            "Tip:",
        )
        == []
    ), "English left in the Spanish plan builder"


def test_the_app_pages_headings_are_in_the_visitors_language(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    """The app notebooks hold no prose of their own: Voilà would show it in English whatever ?lang= says."""
    import nbformat

    from idpckit import apps
    from idpckit.catalog import notebooks_dir

    for name in apps.INTROS:
        nb = nbformat.read(notebooks_dir() / f"{name}.ipynb", as_version=4)
        assert [c.cell_type for c in nb.cells] == ["code"], f"{name}: prose belongs in apps.INTROS"
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "lang=ru")
    heading = apps.room_dashboard().children[0].value
    assert "<h1>Панель группы (для тренеров)</h1>" in heading
    assert "<code>idpckit room create NAME</code>" in heading and "«Присоединиться к семинару»" in heading
    monkeypatch.setenv("QUERY_STRING", "lang=fr")
    heading = apps.self_assessment().children[0].value
    assert heading.startswith('<div class="idpc-prose idpc-intro"><h1>Auto-évaluation') and "téléchargez" in heading
    monkeypatch.setenv("QUERY_STRING", "")
    english = apps.table1_explorer().children[0].value
    assert "<h1>Table 1 explorer</h1>" in english and "is not a government commitment" in english


def test_computed_checks_count_and_list_in_spanish() -> None:
    """Lessons 6 and 7's computed checks: lists joined the Spanish way, counts of changes in Spanish words."""
    from idpckit.widgets import computed_checks

    with i18n.language("es"):
        light = computed_checks.from_data("06-checks", "light-for-two")
        moved = computed_checks.from_data("07-checks", "veridia-improved")
    assert "Las calificaciones 1 y 2 pasan a rojo." in light.spec.explanation
    assert "mejoraron" in moved.spec.explanation and "improved" not in moved.spec.explanation
    moved.solution_toggle.value = True  # the solution, shown in the page's language
    assert "stayed the same" not in moved.solution.value and "Solución" in moved.solution.value


def test_french_labels_take_a_space_before_their_colon() -> None:
    """French typography: "Conseil :" in the plan builder's review and in its Markdown, never "Conseil:"."""
    import re

    from idpckit.widgets.advocacy_plan import AdvocacyPlanBuilder

    with i18n.language("fr"):
        b = AdvocacyPlanBuilder(today=dt.date(2026, 1, 10))
    b.add_button.click()
    labels = re.findall(r"<b>[^<]*</b>", b.review_box.value)
    assert labels and all(label.endswith("\u00a0:</b>") for label in labels), labels
    with i18n.language("fr"):
        markdown = b.plan.to_markdown()
    assert "- Conseil\u00a0: " in markdown and "- Fait\u00a0: " in markdown
    with i18n.language("es"):
        assert i18n.colon("Consejo") == "Consejo:"  # Spanish writes it straight after the word
    with i18n.language("fr"):
        assert i18n.colon("Conseil") == "Conseil\u00a0:"


@pytest.mark.parametrize(("lang", "step"), [("es", "Paso"), ("fr", "Étape"), ("ru", "Шаг")])
def test_each_step_change_finds_its_heading_and_is_announced_in_the_pages_language(
    store: Store, lang: str, step: str
) -> None:
    """The page finds the new step's heading by words: they must be the heading's words in that language too,
    or focus would stay on Next in a Spanish page while an English one works."""
    import html
    import re

    asked: list[tuple[str, str]] = []
    with i18n.language(lang):
        app = SelfAssessmentApp(store=store, today=TODAY)
        focus = app.page.focus

        def spy(selector: str, announce: str = "", text: str = "") -> None:
            asked.append((announce, text))
            focus(selector, announce, text)

        app.page.focus = spy
        app.welcome.start.click()
        app.setup.country.value = "Colombia"
        app.next.click()
        app.jump.value = "summary"
        first_commitment = next(iter(app.steps.values()))  # the one step Next showed
        shown = [app.setup.widget, first_commitment.widget, app.summary.widget]

    def headings(widget: object) -> str:
        out = []
        for part in [widget, *getattr(widget, "children", ())]:
            value = getattr(part, "value", "")
            if isinstance(value, str):
                out += [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2[^>]*>.*?</h2>", value, re.S)]
            if part is not widget:
                out.append(headings(part))
        return "\n".join(out)

    steps = [(announce, text) for announce, text in asked if text]
    assert len(steps) == 3, asked
    for (announce, text), widget in zip(steps, shown, strict=True):
        assert announce.startswith(f"{step} "), announce
        assert text in headings(widget), (text, headings(widget))
