"""The "Vienna consensus" role-play: its data validates, its cards follow the paragraph, its guide and handouts show it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from idpckit import data, handouts, roleplay
from idpckit.cli import main
from idpckit.errors import FileProblems

REPO = Path(__file__).resolve().parent.parent
#: The note beside the repository (shared/ at the same level as the checkout in CI and on the team machine).
NOTE = next(
    (p for p in (REPO.parent / "shared" / "seed", Path("/work/shared/seed")) if p.is_dir()),
    REPO.parent / "shared" / "seed",
)


@pytest.fixture(scope="module")
def game() -> roleplay.RolePlay:
    return roleplay.load()


def _edited(tmp_path: Path, change) -> Path:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    raw = yaml.safe_load((root / roleplay.FILE).read_text(encoding="utf-8"))
    change(raw)
    (root / roleplay.FILE).write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return root


def test_the_blocs_the_note_describes_plus_un_agencies_and_civil_society(game: roleplay.RolePlay) -> None:
    ids = [r.id for r in game.roles]
    assert ids == ["reformers", "conservative-front", "eu", "new-delegation", "un-agencies", "civil-society"]
    assert {r.id for r in game.voters()} == {"reformers", "conservative-front", "eu", "new-delegation"}
    assert game.total_votes() == 53  # the CND's membership
    # no bloc wins a vote alone, so the vote round is a negotiation too
    assert all(r.votes < game.total_votes() / 2 for r in game.voters())


def test_there_is_a_consensus_round_then_a_vote_round_and_the_times_add_up(game: roleplay.RolePlay) -> None:
    titles = [r.title for r in game.rounds]
    assert titles.index("Round 1: under consensus") < titles.index("Round 2: under a vote")
    assert game.minutes == sum(r.minutes for r in game.rounds) == 85
    assert any("majority" in rule for r in game.rounds for rule in r.rules)


def test_every_member_state_card_has_instructions_on_the_paragraph(game: roleplay.RolePlay) -> None:
    for r in game.voters():
        st = roleplay.stances(game, r.id)
        assert any(s.wants for s in st), r.id
    refused = roleplay.stances(game, "conservative-front")[1].refuses
    assert refused and "harm reduction" in refused[0]


def test_consensus_keeps_only_what_no_member_state_refuses(game: roleplay.RolePlay) -> None:
    left = roleplay.consensus_survivors(game)
    assert [o.text for o in left["aim"]] == ["promote the health and welfare of humankind"]
    assert all("harm reduction" not in o.text for o in left["services"])
    # civil society objects to silence on criminal justice, but observers cannot block
    assert "(no words on the criminal justice response)" in [o.text for o in left["justice"]]


def test_later_facts_name_their_source_and_date(game: roleplay.RolePlay) -> None:
    later = [f for f in game.facts if f.origin == "later"]
    assert later
    for f in later:
        assert re.match(r"^20(19|2\d)-\d\d-\d\d$", f.date) and "http" in f.source


def test_the_text_is_our_own_words_not_the_notes() -> None:
    """No run of eight words of the note appears in the role-play, outside short quotations."""
    note = " ".join(p.read_text(encoding="utf-8") for p in NOTE.glob("*.txt")).lower()
    if not note:
        pytest.fail(f"the note is missing from {NOTE}")
    words = re.findall(r"[a-z0-9']+", note)
    grams = {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
    ours = (REPO / "data" / roleplay.FILE).read_text(encoding="utf-8").lower()
    ours = re.sub(r"\"[^\"\n]{1,60}\"|'[^'\n]{1,40}'", " ", ours)  # short quotations, attributed in the text
    mine = re.findall(r"[a-z0-9']+", ours)
    copied = {" ".join(mine[i : i + 8]) for i in range(len(mine) - 7) if tuple(mine[i : i + 8]) in grams}
    assert not copied


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda raw: raw["paragraph"]["brackets"][0]["options"][0]["supporters"].append("the-usa"),
            "roleplay.yaml, paragraph bracket 'aim', option 1, field 'supporters': 'the-usa' is not the id of a role",
        ),
        (
            lambda raw: raw["roles"][4].update(votes=3),
            "roleplay.yaml, roles item 5 (id 'un-agencies'), field 'votes': observers (UN agencies, civil society) cannot vote",
        ),
        (
            lambda raw: raw["roles"][1].pop("who"),
            "roleplay.yaml, roles item 2 (id 'conservative-front'), field 'who': is missing",
        ),
        (
            lambda raw: raw["rounds"][2].update(minutes="half an hour"),
            "roleplay.yaml, rounds item 3 (id 'consensus'), field 'minutes': 'half an hour' is not a whole number",
        ),
        (
            lambda raw: raw["facts"][1].update(source=""),
            "roleplay.yaml, facts item 2, field 'source': a fact from after September 2019 must name its source",
        ),
    ],
)
def test_mistakes_in_the_file_are_named_with_item_and_field(tmp_path: Path, change, expected: str) -> None:
    root = _edited(tmp_path, change)
    with pytest.raises(FileProblems) as info:
        roleplay.load(root)
    assert expected in str(info.value)


def test_not_yaml_is_a_plain_message(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(data.data_dir(), root)
    (root / roleplay.FILE).write_text("title: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["roleplay", "--data", str(root)])
    assert result.exit_code == 1
    assert "roleplay.yaml, line" in result.output and "is not valid YAML" in result.output
    assert "Traceback" not in result.output


def test_workshop_guide_is_up_to_date_and_shows_the_paragraph(game: roleplay.RolePlay) -> None:
    guide = REPO / "workshop" / "roleplay.md"
    result = CliRunner().invoke(main, ["roleplay", "-o", str(guide), "--check"])
    assert result.exit_code == 0, result.output
    text = guide.read_text(encoding="utf-8")
    assert "Round 1: under consensus (25 min)" in text and "Round 2: under a vote (20 min)" in text
    for r in game.roles:
        assert r.name in text


def test_stale_guide_is_caught(tmp_path: Path) -> None:
    stale = tmp_path / "roleplay.md"
    stale.write_text("# old\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["roleplay", "-o", str(stale), "--check"])
    assert result.exit_code == 1 and "out of date" in result.output


def test_role_cards_one_per_page_and_the_rules_sheet(tmp_path: Path, game: roleplay.RolePlay) -> None:
    out = {p.stem: p for p in handouts.build(tmp_path, names=["role-cards", "roleplay-rules"])}
    cards = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(out["role-cards"]).pages]
    assert len(cards) >= len(game.roles)
    for r in game.roles:
        page = next(p for p in cards if r.name in p)  # the card starts on a page with its name
        assert "Do not show this card" in " ".join(cards[cards.index(page) : cards.index(page) + 2])
    reformers = next(p for p in cards if "The like-minded reformers" in p)
    assert "You are a group of member states with 10 of the 53 votes." in reformers
    rules = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(out["roleplay-rules"]).pages)
    assert game.paragraph.chapeau in rules
    for b in game.paragraph.brackets:
        for o in b.options:
            assert o.text in rules
    for r in game.rounds:
        assert f"{r.title} ({r.minutes} min)" in rules
    assert "For the chair: the debrief" in rules


# --------------------------------------------------------------------------- in Spanish and French

#: The kit's own words on the cards, the rules sheet and the deck, which must not be left in English.
FRAME = (
    "role card",
    "You are a group of member states",
    "You advise and persuade",
    "What you want",
    "Your limits",
    "How to play it",
    "Your instructions on the paragraph",
    "You want:",
    "You cannot accept:",
    "Do not show this card",
    "Who holds the votes",
    "Timings and rules",
    "For the chair",
    "What happened at the CND",
    "no vote",
)
SPANISH = ("El consenso de Viena", "Lo que quieren", "No enseñen esta tarjeta", "Ronda 1: por consenso (25 min)")
FRENCH = (
    "Le consensus de Vienne",
    "Ce que vous voulez",
    "Ne montrez pas cette carte",
    "Tour 1 : par consensus (25 min)",
)


def _english_texts(game: roleplay.RolePlay) -> list[str]:
    """Every English sentence of the role-play's cards, rules and debrief (long enough not to occur by chance)."""
    from idpckit import localise

    def texts(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        if isinstance(value, list):
            return [t for v in value for t in texts(v)]
        return []

    words = localise.document_words(roleplay.FILE)
    return [" ".join(t.split()) for t in texts(words) if len(t) > 20]


def _leftovers(text: str, english: list[str]) -> list[str]:
    flat = " ".join(text.split())
    return [e for e in [*english, *FRAME] if e in flat]


@pytest.mark.parametrize(("lang", "words"), [("es", SPANISH), ("fr", FRENCH)])
def test_the_translated_guides_are_up_to_date_and_in_their_language(
    lang: str, words: tuple[str, ...], game: roleplay.RolePlay
) -> None:
    guide = REPO / "workshop" / lang / "roleplay.md"
    result = CliRunner().invoke(main, ["roleplay", "--lang", lang, "-o", str(guide), "--check"])
    assert result.exit_code == 0, result.output
    text = guide.read_text(encoding="utf-8")
    assert words[0] in text and words[3] in text
    translated = roleplay.load(lang=lang)
    assert all(r.name in text for r in translated.roles)
    english = [t for t in _english_texts(game) if "<!--" not in t]
    assert not _leftovers(text.split("-->", 1)[1], english)  # (the header comment for editors stays English)
    for heading in ("## Aims", "## The roles", "## Debrief", "*For the trainer:*"):
        assert heading not in text


@pytest.mark.parametrize(("lang", "words"), [("es", SPANISH), ("fr", FRENCH)])
def test_role_cards_rules_and_deck_in_spanish_and_french_leave_no_english(
    tmp_path: Path, lang: str, words: tuple[str, ...], game: roleplay.RolePlay
) -> None:
    from idpckit import i18n, slides

    out = tmp_path / lang
    result = CliRunner().invoke(
        main, ["handouts", "--lang", lang, "--only", "role-cards", "--only", "roleplay-rules", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    translated = roleplay.load(lang=lang)
    cards = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(out / "role-cards.pdf").pages]
    for r in translated.roles:
        assert any(r.name in page for page in cards), r.name
    rules = " ".join(
        " ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(out / "roleplay-rules.pdf").pages
    )
    for phrase in words:
        assert phrase in " ".join(cards) + rules, phrase
    assert translated.paragraph.chapeau in rules
    english = _english_texts(game)
    assert not _leftovers(" ".join(cards), english), "still in English on the cards"
    assert not _leftovers(rules, english), "still in English on the rules sheet"

    with i18n.language(lang):  # the deck `idpckit slides --lang` writes for the role-play
        deck = slides.roleplay_deck(data.load())
        page = slides.render(deck)
    assert f'<html lang="{lang}">' in page and translated.title in page
    assert not _leftovers(re.sub(r"<[^>]+>", " ", page), [e.replace("'", "&#x27;") for e in english] + english)
