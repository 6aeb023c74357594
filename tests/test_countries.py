"""idpckit.countries: the names a trainee types find the country they mean, in every kit language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from idpckit import content_check, countries, data

# What people type in a workshop, and the country they mean (issue: "UK" was Ukraine).
TYPED = [
    ("UK", "GBR"),
    ("United Kingdom", "GBR"),
    ("DRC", "COD"),
    ("Democratic Republic of the Congo", "COD"),
    ("Turkey", "TUR"),
    ("Türkiye", "TUR"),
    ("Ivory Coast", "CIV"),
    ("Côte d'Ivoire", "CIV"),
    ("COTE-D'IVOIRE", "CIV"),
    ("Cape Verde", "CPV"),
    ("Cabo Verde", "CPV"),
    ("Burma", "MMR"),
    ("The Netherlands", "NLD"),
    ("South Korea", "KOR"),
    ("Republic of Korea", "KOR"),
    ("UAE", "ARE"),
    ("USA", "USA"),
    ("US", "USA"),
    ("CO", "COL"),
    ("COL", "COL"),
    ("Veridia", "XVR"),
    # Names in the other languages the kit speaks.
    ("Países Bajos", "NLD"),
    ("paises bajos", "NLD"),
    ("Reino Unido", "GBR"),
    ("Royaume-Uni", "GBR"),
    ("Pays-Bas", "NLD"),
    ("Великобритания", "GBR"),
    ("Турция", "TUR"),
    ("Колумбия", "COL"),
    ("Allemagne", "DEU"),
    ("Alemania", "DEU"),
    ("Германия", "DEU"),
    ("Costa de Marfil", "CIV"),
    ("Holanda", "NLD"),
    ("EAU", "ARE"),
    ("Estados Unidos", "USA"),
    ("États-Unis", "USA"),
    # As people paste or type them: spaces around, any case, direction marks from a right-to-left page.
    ("  uk  ", "GBR"),
    ("uk", "GBR"),
    ("\u200fUK\u200f", "GBR"),
]


@pytest.mark.parametrize(("typed", "code"), TYPED)
def test_a_name_people_use_finds_its_country_and_is_offered_first(typed: str, code: str) -> None:
    found = countries.lookup(typed)
    assert found is not None and found.alpha_3 == code, typed
    assert countries.search(typed)[0][1] == code, countries.search(typed)


@pytest.mark.parametrize(
    "typed", ["EU", "eu", "ZZ", "Atlantis", "", "   ", "X", "UK Ukraine", "😀", "🇬🇧", "\u202e", "x" * 10_000]
)
def test_what_is_no_country_finds_none(typed: str) -> None:
    assert countries.lookup(typed) is None
    assert countries.search(typed) == []


@pytest.mark.parametrize("typed", ["Korea", "korea", "Corea", "Corée", "Корея"])
def test_a_name_two_countries_share_offers_both_and_chooses_neither(typed: str) -> None:
    """Korea is North or South: both are offered, and neither is taken for the trainee."""
    assert countries.lookup(typed) is None
    assert {code for _, code in countries.search(typed)[:2]} == {"KOR", "PRK"}


def test_two_letters_are_a_code_only_when_they_are_one() -> None:
    # UA is Ukraine's code; UK is not a code at all, so it can only be the United Kingdom.
    assert countries.lookup("UA").alpha_3 == "UKR"
    assert countries.lookup("UK").alpha_3 == "GBR"
    # Two letters that are no code reach nothing through a word in a formal name (EU was Bonaire).
    assert countries.search("EU") == []
    assert countries.search("co")[0] == ("Colombia", "COL")


def test_a_few_letters_that_fit_one_country_are_enough() -> None:
    assert [code for _, code in countries.search("Colo")] == ["COL"]
    assert [code for _, code in countries.search("Kenya")] == ["KEN"]


def test_exact_names_come_before_names_that_merely_start_with_them() -> None:
    assert [code for _, code in countries.search("Niger")][:2] == ["NER", "NGA"]
    assert [code for _, code in countries.search("Sudan")][:2] == ["SDN", "SSD"]
    assert countries.search("Guinea")[0][1] == "GIN"


def test_labels_read_as_people_say_them_and_follow_the_language() -> None:
    labels = {label for label, _ in countries.choices()}
    assert "Democratic Republic of the Congo" in labels
    assert not any(", The" in label or label.endswith(" of the") for label in labels)
    assert countries.name("COD") == "Democratic Republic of the Congo"
    assert countries.name("BOL") == "Bolivia"
    assert countries.name("COD", "es") == "República Democrática del Congo"
    assert countries.name("NLD", "fr") == "Pays-Bas"
    assert countries.name("TUR", "ru") == "Турция"
    assert countries.search("Pays", lang="fr")[0] == ("Pays-Bas", "NLD")
    # A language the kit does not ship falls back to English; an unknown code comes back as it is.
    assert countries.name("NLD", "de") == "Netherlands"
    assert countries.name("QQQ") == "QQQ"


def test_choices_cover_every_iso_country_once_sorted_by_label() -> None:
    pairs = countries.choices()
    assert len(pairs) == len({code for _, code in pairs}) == 249
    folded = [countries.fold(label) for label, _ in pairs]
    assert folded == sorted(folded)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    return root


def _aliases_with(root: Path, line: str) -> None:
    path = root / "country_aliases.csv"
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("QQQ,en,Nowhere,alias,", "code", "not an ISO 3166-1 alpha-3 code"),
        ("GBR,es,RU,alias,", "name", "is the code of Russia"),
        ("GBR,en,Ireland,alias,", "name", "already a name of Ireland"),
        ("COD,en,Congo DR,display,", "kind", "already has a display label"),
        ("GBR,de,Vereinigtes Königreich,alias,", "lang", "is not allowed"),
        ("GB,en,Blighty,alias,", "code", "expected form"),
    ],
)
def test_a_broken_alias_is_reported_with_file_row_and_field(
    data_copy: Path, line: str, field: str, message: str
) -> None:
    _aliases_with(data_copy, line)
    report = content_check.validate(data_copy)
    problems = [p for p in report.problems if p.file == "country_aliases.csv"]
    assert problems, report.table()
    assert any(p.field == field and message in p.message and p.row.startswith("row ") for p in problems), problems


def test_the_shipped_aliases_are_valid() -> None:
    report = content_check.validate()
    assert not [p for p in report.problems if p.file == "country_aliases.csv"], report.table()


def test_an_alias_the_standard_lists_already_have_is_reported_as_not_needed(data_copy: Path) -> None:
    _aliases_with(data_copy, "NLD,es,Países Bajos,alias,")
    problems = [p for p in content_check.validate(data_copy).problems if p.file == "country_aliases.csv"]
    assert [(p.field, "not needed" in p.message) for p in problems] == [("name", True)]
