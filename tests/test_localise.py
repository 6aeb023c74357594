"""idpckit.localise: the content in Spanish, French and Russian, what is still missing, and what went stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from idpckit import content_check, data, i18n, localise
from idpckit.cli import main


def _report(lang: str, missing: list[tuple[str, str, str]]) -> str:
    shown = "\n".join(f"  {file} {key} {field}" for file, key, field in missing[:40])
    more = f"\n  ... and {len(missing) - 40} more" if len(missing) > 40 else ""
    return f"{len(missing)} content field(s) still in English in {lang}:\n{shown}{more}"


@pytest.mark.parametrize("lang", localise.EXERCISE_LANGUAGES)
def test_no_exercise_is_missing_or_stale_in_spanish_and_french(lang: str) -> None:
    missing = localise.missing_exercises(lang)
    assert not missing, _report(lang, missing)


def test_a_spanish_exercise_is_checked_in_spanish() -> None:
    from idpckit import exercises

    spec = exercises.load("02-four-asks", lang="es").get("what-moved-the-text")
    right = [o.text for o in spec.options if o.correct]
    assert right[0].startswith("El informe sombra de IDPC")
    feedback = exercises.grade(spec, set(right))
    assert feedback.correct
    wrong = exercises.grade(spec, {"Una votación por mayoría que se impuso a los gobiernos conservadores"})
    assert not wrong.correct
    assert any("No hubo votación" in d.why for d in wrong.details) or "No hubo votación" in wrong.message, wrong


@pytest.mark.parametrize("lang", i18n.LANGUAGES[1:])
def test_nothing_is_missing_or_stale_in_each_languages_scope(lang: str) -> None:
    content = data.load()
    missing = localise.missing(content, lang, localise.SCOPE[lang])
    assert not missing, _report(lang, missing)
    assert not localise.stale(content, lang), localise.stale(content, lang)
    assert not localise.unstamped(content, lang), "run: idpckit translations stamp " + lang


def test_the_scope_is_the_issues() -> None:
    """Spanish and French: every content file; Russian: what the app, the reports and the grading sheet show."""
    assert set(localise.SCOPE["es"]) == set(localise.SCOPE["fr"]) == set(data.FILES) - {"country_aliases.csv"}
    assert {"commitments.csv", "rubric.yaml", "grading.yaml"} <= set(localise.SCOPE["ru"])


@pytest.mark.parametrize(
    ("lang", "question", "level_5"),
    [
        ("es", "¿Cuántas mujeres están en prisión", "Los tribunales aplican de forma habitual"),
        ("fr", "Combien de femmes sont en prison", "Les tribunaux appliquent couramment"),
        ("ru", "Сколько женщин находится", "Суды регулярно применяют"),
    ],
)
def test_the_rubric_reads_in_each_language_items_and_levels_included(lang: str, question: str, level_5: str) -> None:
    rubric = localise.load(lang).rubric_for("gender")
    assert rubric.questions[0].startswith(question)
    assert level_5 in rubric.levels["5"]
    assert "Prison" not in rubric.indicators[0].where.split("World")[0]  # the indicator's sources are translated too
    assert rubric.indicators[0].where != data.load().rubric_for("gender").indicators[0].where
    # Names and links stay as they are: only words are translated.
    assert [s.url for s in rubric.sources] == [s.url for s in data.load().rubric_for("gender").sources]


def test_the_language_in_use_is_the_default() -> None:
    with i18n.language("fr"):
        assert localise.load().rubric_for("data").levels["1"].startswith("Pas de rapport national")
    assert localise.load().rubric_for("data").levels["1"].startswith("No regular national drug report")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    return root


def test_an_english_edit_marks_its_translation_stale_until_a_translator_catches_up(copy: Path) -> None:
    rubric = copy / "rubric.yaml"
    old = "Drug data are not broken down by sex. The strategy says nothing about gender."
    text = rubric.read_text(encoding="utf-8")
    assert old in text
    rubric.write_text(text.replace(old, "Drug data are not broken down by sex or age."), encoding="utf-8")
    content = data.load(copy)

    # The outdated Spanish is not shown: the field (the three levels) is English, the other fields stay Spanish.
    gender = localise.localised(content, "es").rubric_for("gender")
    assert gender.levels == content.rubric_for("gender").levels
    assert gender.questions[0].startswith("¿Cuántas mujeres")
    assert ("rubric.yaml", "gender", "levels") in localise.missing(content, "es")
    (stale,) = [s for s in localise.stale(content, "es") if s[1] == "gender"]
    assert old in stale[3]["1"] and "or age." in stale[4]["1"]

    # The translator updates the Spanish, records the new English, and the Spanish shows again.
    es = copy / "translations" / "es.yaml"
    es.write_text(
        es.read_text(encoding="utf-8").replace(
            "Los datos sobre drogas no se desglosan por sexo. La estrategia no dice nada sobre el género.",
            "Los datos sobre drogas no se desglosan por sexo ni por edad.",
        ),
        encoding="utf-8",
    )
    localise.stamp(content, "es", [("rubric.yaml", "gender")])
    gender = localise.localised(content, "es").rubric_for("gender")
    assert gender.levels["1"].endswith("no se desglosan por sexo ni por edad.")
    assert not localise.stale(content, "es")
    # French was not refreshed: still stale.
    assert [s[:3] for s in localise.stale(content, "fr")] == [("rubric.yaml", "gender", "levels")]


def test_status_lists_the_stale_translation_with_the_old_and_new_english(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rubric = copy / "rubric.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8").replace("Is there a register of people", "Is there a list of people"),
        encoding="utf-8",
    )
    monkeypatch.setenv(data.ENV_VAR, str(copy))
    result = CliRunner().invoke(main, ["translations", "status", "--missing"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip().startswith("stale:")]
    assert len(lines) == 3  # es, fr and ru
    assert all("rubric.yaml stigma questions" in line for line in lines)
    assert "Is there a register of people" in lines[0] and "Is there a list of people" in lines[0]
    assert "1 stale" in result.output


def test_a_new_translation_is_stamped_with_its_english(copy: Path) -> None:
    content = data.load(copy)
    event = content.timeline[0]
    es = copy / "translations" / "es.yaml"
    (es.parent / "es.sources.yaml").unlink()
    es.write_text(f"timeline.csv:\n  {event.id}:\n    title: Un título\n", encoding="utf-8")
    assert localise.unstamped(content, "es") == [("timeline.csv", event.id, "title")]
    result = CliRunner().invoke(main, ["translations", "stamp", "es"], env={data.ENV_VAR: str(copy)})
    assert result.exit_code == 0, result.output
    sources = yaml.safe_load((copy / "translations" / "es.sources.yaml").read_text(encoding="utf-8"))
    assert sources == {"timeline.csv": {event.id: {"title": event.title}}}
    assert localise.unstamped(content, "es") == []


@pytest.mark.parametrize(
    ("text", "row", "field", "message"),
    [
        ("rubric.yaml:\n  gender:\n    questions: [one]\n", "rubric.yaml gender", "questions", "list of 5 texts"),
        ("rubric.yaml:\n  gender:\n    levels: {'1': a, '3': b}\n", "rubric.yaml gender", "levels", "1, 3, 5"),
        (
            "rubric.yaml:\n  gender:\n    indicators: [{indicator: a, where: b}]\n",
            "rubric.yaml gender",
            "indicators",
            "list of 4 items",
        ),
        (
            "rubric.yaml:\n  gender:\n    indicators:\n"
            + "      - {indicator: a, wehre: b}\n" * 4,  # a typo in a field name
            "rubric.yaml gender",
            "indicators",
            "item 1 must give exactly indicator, where",
        ),
        ("rubric.yaml:\n  gender:\n    sources: [{covers: x}, {}, {}]\n", "rubric.yaml gender", "sources", "write {}"),
        ("rubric.yaml:\n  gender:\n    commitment_id: x\n", "rubric.yaml gender", "commitment_id", "not a text field"),
        ("rubric.yaml:\n  nowhere:\n    questions: []\n", "rubric.yaml nowhere", "", "is not an id"),
        ("asks.yaml:\n  ask-1:\n    verdict: " + "x" * 170 + "\n", "asks.yaml ask-1", "verdict", "at most 160"),
        ("goals.csv:\n  '1':\n    key_phrase: hacia la eliminación\n", "goals.csv 1", "key_phrase", "(наш перевод)"),
    ],
)
def test_a_translation_of_the_wrong_shape_is_named_with_file_record_and_field(
    copy: Path, text: str, row: str, field: str, message: str
) -> None:
    (copy / "translations" / "ru.yaml").write_text(text, encoding="utf-8")
    problems = [p for p in content_check.validate(copy).problems if p.file == "translations/ru.yaml"]
    assert any(p.row == row and p.field == field and message in p.message for p in problems), problems
    # The page still works, in English where the translation does not fit.
    gender = localise.localised(data.load(copy), "ru").rubric_for("gender")
    assert gender.questions == data.load(copy).rubric_for("gender").questions


def test_content_coverage_counts_the_scope() -> None:
    content = data.load()
    cov = localise.content_coverage(content, "ru")
    assert cov.total == sum(
        1
        for file in localise.SCOPE["ru"]
        for record in getattr(content, localise.ATTRIBUTES[file])
        for name in localise.shapes(data.FILES[file])
        if getattr(record, name) not in ("", [], {})
    )
    assert cov.translated == cov.total - len(localise.missing(content, "ru", localise.SCOPE["ru"]))


@pytest.mark.parametrize(
    ("challenge", "ok"),
    [
        ("Sigue el compromiso de «promover activamente una sociedad libre del uso indebido de drogas».", False),
        ("Sigue el compromiso de «promover activamente una sociedad libre de drogas» (traducción nuestra).", True),
        ("Sigue el compromiso de 'actively promote a society free of drug abuse' (en inglés).", True),
    ],
)
def test_a_translated_quotation_is_marked_as_ours_unless_official(copy: Path, challenge: str, ok: bool) -> None:
    english = next(a for a in data.load(copy).asks if a.id == "ask-1").challenges
    assert "'actively promote a society free of drug abuse'" in english[0]
    texts = [challenge] + ["Otro reto."] * (len(english) - 1)
    (copy / "translations" / "es.yaml").write_text(
        yaml.safe_dump({"asks.yaml": {"ask-1": {"challenges": texts}}}, allow_unicode=True), encoding="utf-8"
    )
    problems = [p for p in content_check.validate(copy).problems if p.file == "translations/es.yaml"]
    assert bool(problems) is not ok, problems
    if not ok:
        (p,) = problems
        assert (p.row, p.field) == ("asks.yaml ask-1", "challenges")
        assert "(traducción nuestra)" in p.message and "_official" in p.message
        # Declared the UN's official wording, the same text is accepted.
        (copy / "translations" / "es.yaml").write_text(
            yaml.safe_dump(
                {"asks.yaml": {"ask-1": {"_official": ["challenges"], "challenges": texts}}}, allow_unicode=True
            ),
            encoding="utf-8",
        )
        assert not [p for p in content_check.validate(copy).problems if p.file == "translations/es.yaml"]


def test_the_who_translated_page_shows_the_shares_translations_status_counts() -> None:
    import re

    from idpckit import trainer

    page = trainer.markdown_page("translations")
    assert page is not None
    assert "translated by the kit's own team" in page and "not by\nIDPC or the United Nations" in page
    assert "LC_MESSAGES/idpckit.po" in page and "data/translations/es.yaml" in page
    assert "idpckit translations status" in page  # how to check a correction
    assert 'href="/trainer/translations"' in trainer.index_page("/")  # listed for trainers

    status = CliRunner().invoke(main, ["translations", "status"])
    assert status.exit_code == 0, status.output
    for lang, name in (("es", "Español"), ("fr", "Français"), ("ru", "Русский")):
        line = next(x for x in status.output.splitlines() if x.startswith(f"{lang} ("))
        messages = re.search(r"(\d+) of (\d+) messages translated \((\d+)%\)", line)
        fields = re.search(r"content (\d+) of (\d+) fields translated \((\d+)%\)", line)
        assert messages and fields, line
        row = re.search(rf"<tr><th scope=\"row\" lang=\"{lang}\">{name} \({lang}\)</th>(.*?)</tr>", page)
        assert row, page[-2000:]
        cells = re.findall(r"<td>(.*?)</td>", row.group(1))
        assert cells[0] == "{} of {} ({}%)".format(*messages.groups())
        assert cells[1] == "{} of {} ({}%)".format(*fields.groups())
        lessons = re.search(r"lessons (\d+) of (\d+) texts translated \((\d+)%\)", line)
        assert cells[2] == ("{} of {} ({}%)".format(*lessons.groups()) if lessons else "in English")


def test_the_shares_are_counted_from_the_files_not_written_down(copy: Path) -> None:
    es = copy / "translations" / "es.yaml"
    es.write_text(
        es.read_text(encoding="utf-8").split("rubric.yaml:")[0], encoding="utf-8"
    )  # drop the rubric and after
    content = data.load(copy)
    (before,) = [s for s in localise.shares(data.load()) if s.lang == "es"]
    (after,) = [s for s in localise.shares(content) if s.lang == "es"]
    assert after.content.total == before.content.total
    assert after.content.translated < before.content.translated
    left = [
        *localise.missing(content, "es", localise.SCOPE["es"]),
        *localise.missing_exercises("es", copy),
        *localise.missing_documents("es", copy),
    ]
    assert after.content.translated == after.content.total - len(left)


def _with_exercise_translation(copy: Path, lang: str, text: str) -> None:
    """The language's translation file holding only ``text`` (the rest shows in English)."""
    (copy / "translations" / f"{lang}.yaml").write_text(text, encoding="utf-8")
    (copy / "translations" / f"{lang}.sources.yaml").unlink()


SORT_ES = """exercises/02-four-asks.yaml:
  wins-and-challenges:
    title: ¿Victorias o retos?
    bins: [Victoria, Reto]
"""


def test_an_exercise_reads_in_the_language_and_its_answers_follow(copy: Path) -> None:
    from idpckit import exercises

    _with_exercise_translation(
        copy,
        "fr",
        SORT_ES.replace("¿Victorias o retos?", "Victoires ou défis ?").replace("[Victoria, Reto]", "[Victoire, Défi]"),
    )
    english = exercises.load("02-four-asks", content=data.load(copy), lang="en").get("wins-and-challenges")
    spec = exercises.load("02-four-asks", content=localise.load("fr", copy), lang="fr").get("wins-and-challenges")
    assert spec.title == "Victoires ou défis ?" and spec.bins == ["Victoire", "Défi"]
    # Each statement's right group is the translated one, so checking an answer works in French.
    assert [i.bin for i in spec.items] == [{"Win": "Victoire", "Challenge": "Défi"}[i.bin] for i in english.items]
    assert spec.items[0].text == english.items[0].text  # not translated yet: English, not empty
    with i18n.language("fr"):  # the language in use is the default
        assert (
            exercises.load("02-four-asks", content=localise.load("fr", copy)).get("wins-and-challenges").bins[0]
            == "Victoire"
        )
    assert exercises.load("02-four-asks", content=data.load(copy), lang="en").get("wins-and-challenges").bins == [
        "Win",
        "Challenge",
    ]


@pytest.mark.parametrize(
    ("text", "row", "field", "message"),
    [
        (
            "exercises/02-four-asks.yaml:\n  nowhere:\n    title: X\n",
            "exercises/02-four-asks.yaml nowhere",
            "",
            "not an exercise id",
        ),
        ("exercises/09-none.yaml:\n  x:\n    title: X\n", "exercises/09-none.yaml", "", "no file"),
        (
            "exercises/02-four-asks.yaml:\n  wins-and-challenges:\n    bins: [Una]\n",
            "exercises/02-four-asks.yaml wins-and-challenges",
            "bins",
            "list of 2",
        ),
        (
            "exercises/02-four-asks.yaml:\n  wins-and-challenges:\n    kind: choice\n",
            "exercises/02-four-asks.yaml wins-and-challenges",
            "kind",
            "not a field with words",
        ),
        (
            "exercises/02-four-asks.yaml:\n  wins-and-challenges:\n    bins: [Reto, Reto]\n",
            "exercise 1 (id 'wins-and-challenges')",
            "bins",
            "bins appear twice",
        ),
    ],
)
def test_a_broken_exercise_translation_is_named_with_file_exercise_and_field(
    copy: Path, text: str, row: str, field: str, message: str
) -> None:
    _with_exercise_translation(copy, "es", text)
    problems = [p for p in content_check.validate(copy).problems if p.file.startswith("translations/es.yaml")]
    assert any(p.row == row and p.field == field and message in p.message for p in problems), problems


def test_an_exercise_whose_english_changed_shows_the_english_until_refreshed(copy: Path) -> None:
    from idpckit import exercises

    _with_exercise_translation(copy, "es", SORT_ES)
    content = data.load(copy)
    localise.stamp(content, "es")
    path = copy / "exercises" / "02-four-asks.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('title: "Wins or challenges?"', 'title: "Win or challenge?"'),
        encoding="utf-8",
    )
    spec = exercises.load("02-four-asks", content=content, lang="es").get("wins-and-challenges")
    assert spec.title == "Win or challenge?" and spec.bins == ["Victoria", "Reto"]  # only the changed field is English
    assert ("exercises/02-four-asks.yaml", "wins-and-challenges", "title") in localise.missing_exercises("es", copy)
    assert [s[:3] for s in localise.stale(content, "es")] == [
        ("exercises/02-four-asks.yaml", "wins-and-challenges", "title")
    ]


def test_a_file_or_record_written_twice_is_reported_not_silently_dropped(copy: Path) -> None:
    es = copy / "translations" / "es.yaml"
    es.write_text(es.read_text(encoding="utf-8") + "grading.yaml:\n  period:\n    title: Otra vez\n", encoding="utf-8")
    problems = [p for p in content_check.validate(copy).problems if p.file == "translations/es.yaml"]
    assert any(p.row == "grading.yaml" and "written twice" in p.message for p in problems), problems


# --------------------------------------------------------------------------- the role-play (a document translated whole)


@pytest.mark.parametrize("lang", localise.DOCUMENT_LANGUAGES)
def test_the_roleplay_is_not_missing_or_stale_in_spanish_and_french(lang: str) -> None:
    missing = localise.missing_documents(lang)
    assert not missing, _report(lang, missing)
    words = localise.document_words("roleplay.yaml")
    assert {"vienna-consensus", "paragraph", "role eu", "bracket aim", "round vote"} <= set(words)
    assert localise.document_total() == sum(len(w) for w in words.values()) > 50  # every card, round and question


def test_a_roleplay_whose_english_changed_shows_the_english_until_refreshed(copy: Path) -> None:
    from idpckit import roleplay

    path = copy / "roleplay.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('name: "The European Union"', 'name: "The EU bloc"'), encoding="utf-8"
    )
    content = data.load(copy)
    eu = roleplay.load(copy, "es").role("eu")
    assert eu.name == "The EU bloc"  # the stale name is not shown...
    assert eu.who.startswith("Los Estados miembros de la UE")  # ...the card's other fields stay Spanish
    assert ("roleplay.yaml", "role eu", "name") in localise.missing_documents("es", copy)
    assert ("roleplay.yaml", "role eu", "name", "The European Union", "The EU bloc") in localise.stale(content, "es")
    assert localise.content_coverage(content, "es").share < 1

    es = copy / "translations" / "es.yaml"
    es.write_text(
        es.read_text(encoding="utf-8").replace('name: "La Unión Europea"', 'name: "El bloque de la UE"'),
        encoding="utf-8",
    )
    localise.stamp(content, "es", [("roleplay.yaml", "role eu")])
    assert roleplay.load(copy, "es").role("eu").name == "El bloque de la UE"
    assert not localise.stale(content, "es") and not localise.missing_documents("es", copy)
    assert [s[:3] for s in localise.stale(content, "fr")] == [("roleplay.yaml", "role eu", "name")]


@pytest.mark.parametrize(
    ("bad", "row", "field", "message"),
    [
        ('role eu:\n    wants: ["Solo una"]\n', "roleplay.yaml role eu", "wants", "must be a list of 3"),
        ("role the-usa:\n    name: Estados Unidos\n", "roleplay.yaml role the-usa", "", "is not a record"),
        ("role eu:\n    votes: doce\n", "roleplay.yaml role eu", "votes", "is not a field with words"),
        (
            "bracket aim:\n    options: [{text: «una sociedad libre del uso indebido de drogas»}, {text: b}, {text: c}]\n",
            "",
            "",
            "",
        ),
        (
            "role conservative-front:\n    wants: [«Una sociedad libre» como objetivo, b, c]\n",
            "roleplay.yaml role conservative-front",
            "wants",
            "(traducción nuestra)",
        ),
    ],
)
def test_a_broken_roleplay_translation_is_named_with_file_record_and_field(
    copy: Path, bad: str, row: str, field: str, message: str
) -> None:
    _with_roleplay_translation(copy, bad)
    problems = localise.document_problems("es", copy)
    if not row:  # the English option is not a quotation: quotation marks in the translation need no mark
        assert problems == [], problems
        return
    assert any(p.row == row and p.field == field and message in p.message for p in problems), problems
    assert all(p.file == "translations/es.yaml" for p in problems)


def _with_roleplay_translation(copy: Path, text: str) -> None:
    """The Spanish file with ``text`` as the role-play's whole translation (it is the file's last section)."""
    es = copy / "translations" / "es.yaml"
    whole = es.read_text(encoding="utf-8")
    es.write_text(whole[: whole.index("roleplay.yaml:\n")] + "roleplay.yaml:\n  " + text, encoding="utf-8")


def test_data_check_names_a_broken_roleplay_translation(copy: Path) -> None:
    _with_roleplay_translation(copy, 'role eu:\n    wants: ["Solo una"]\n')
    result = CliRunner().invoke(main, ["data", "check", str(copy)])
    assert result.exit_code == 1, result.output
    assert (
        "translations/es.yaml" in result.output
        and "role eu" in result.output
        and "must be a list of 3" in result.output
    )


def test_status_lists_what_is_left_of_the_roleplay_and_the_exercises(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_roleplay_translation(copy, 'role eu:\n    name: "La Unión Europea"\n')  # one field of the role-play left
    monkeypatch.setenv(data.ENV_VAR, str(copy))
    result = CliRunner().invoke(main, ["translations", "status", "--missing"])
    assert result.exit_code == 0, result.output
    spanish = result.output.split("fr (")[0]
    assert "missing: roleplay.yaml role eu who" in spanish and "missing: roleplay.yaml role eu name" not in spanish
    assert "missing: roleplay.yaml bracket aim options" in spanish
    content = data.load(copy)
    cov = localise.content_coverage(content, "es")
    assert cov.total - cov.translated == len(localise.missing_in_scope(content, "es")) == spanish.count("missing: ")
