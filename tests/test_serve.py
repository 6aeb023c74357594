"""`idpckit serve` without starting a server: its Voilà configuration, its index page, its refusals.

The server itself, in a real browser, is tested in tests/browser/.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from idpckit import catalog, serve
from idpckit.cli import main


def entries() -> list[catalog.Entry]:
    return catalog.catalog()


def test_voila_config_hides_code_and_limits_what_a_visitor_can_do() -> None:
    c = serve.voila_config(serve.Options(port=9123, host="0.0.0.0"), entries())
    assert c.Voila.root_dir == str(catalog.notebooks_dir())
    assert (c.Voila.ip, c.Voila.port, c.Voila.port_retries) == ("0.0.0.0", 9123, 0)
    assert c.VoilaConfiguration.strip_sources is True and c.VoilaConfiguration.show_tracebacks is False
    assert c.VoilaConfiguration.allow_template_override == "NO" and c.VoilaConfiguration.allow_theme_override == "NO"
    assert c.VoilaConfiguration.template == "idpckit" and c.VoilaConfiguration.theme == "light"
    assert c.Voila.tornado_settings["websocket_max_message_size"] >= 3_000_000  # a 2 MB assessment file fits
    assert c.MappingKernelManager.cull_idle_timeout > 0 and c.MappingKernelManager.cull_interval > 0
    assert c.MappingKernelManager.cull_connected is False  # an open tab keeps its kernel
    assert c.VoilaExecutor.timeout > 0


def test_only_the_apps_get_preheated_kernels() -> None:
    es = entries()
    c = serve.voila_config(serve.Options(), es)
    pools = c.VoilaKernelManager.kernel_pools_config
    apps = {e.name for e in es if e.kind == "app" and e.preheat}
    assert c.VoilaConfiguration.preheat_kernel is True and apps
    assert pools["default"] == {"pool_size": 0}  # lessons: no idle kernels
    assert {k for k in pools if k != "default"} == apps
    assert all(pools[a]["pool_size"] == serve.POOL_SIZE for a in apps)
    assert c.VoilaKernelManager.fill_delay >= 5  # the refill does not compete with the page being loaded

    cold = serve.voila_config(serve.Options(preheat=False), es)
    assert cold.VoilaConfiguration.preheat_kernel is False and "kernel_pools_config" not in cold.VoilaKernelManager


def test_an_app_can_opt_out_of_preheating(tmp_path: Path) -> None:
    for order, (name, extra) in enumerate((("a.ipynb", {}), ("b.ipynb", {"preheat": False}))):
        meta = {"kind": "app", "order": order, "title": name, "summary": "s", **extra}
        nb = {"cells": [], "metadata": {"idpckit": meta}, "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / name).write_text(json.dumps(nb))
    assert serve.preheated(catalog.catalog(tmp_path)) == ["a.ipynb"]


def test_a_visitor_takes_a_pooled_kernel_only_when_it_is_ready() -> None:
    loop = asyncio.new_event_loop()  # futures need a loop, not a running one
    try:
        ready, pending, failed = loop.create_future(), loop.create_future(), loop.create_future()
        ready.set_result({"kernel_id": "k"})
        failed.set_exception(RuntimeError("kernel died"))
        assert serve.pool_ready({"app.ipynb": [ready]}, "app.ipynb")
        assert not serve.pool_ready({"app.ipynb": [pending, ready]}, "app.ipynb")  # a refill still sleeping
        assert not serve.pool_ready({"app.ipynb": [failed]}, "app.ipynb")
        assert not serve.pool_ready({"app.ipynb": []}, "app.ipynb")
        assert not serve.pool_ready({}, "lesson.ipynb") and not serve.pool_ready({}, None)
    finally:
        loop.close()


def test_a_kernel_that_died_in_the_pool_is_never_handed_to_a_visitor() -> None:
    loop = asyncio.new_event_loop()
    try:
        dead, alive, pending = loop.create_future(), loop.create_future(), loop.create_future()
        dead.set_result({"kernel_id": "dead"})
        alive.set_result({"kernel_id": "alive"})
        pools = {"app.ipynb": [dead, alive, pending]}
        assert serve.drop_dead(pools, "app.ipynb", lambda kid: kid == "alive") == 1
        assert pools["app.ipynb"] == [alive, pending]  # the next visitor gets the live one
        assert serve.drop_dead(pools, "app.ipynb", lambda kid: kid == "alive") == 0
        assert serve.drop_dead(pools, "lesson.ipynb", lambda kid: False) == 0
    finally:
        loop.close()


def test_kernels_are_reached_over_unix_sockets_not_tcp_ports() -> None:
    """A TCP port picked free can be taken before the kernel binds it: the kernel dies at start."""
    assert serve.voila_config(serve.Options(), []).KernelManager.transport == "ipc"


def test_the_voila_template_exists_and_extends_lab() -> None:
    template = serve.SHARE / "voila" / "templates" / serve.TEMPLATE
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    text = (template / "index.html.j2").read_text()
    assert "extends 'lab/index.html.j2'" in text and "data:text/css," in text


class _Index(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.items: dict[str, str] = {}
        self._item: str | None = None
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li" and a.get("data-notebook"):
            self._item = a["data-notebook"]
            self.items[self._item] = ""
        if tag == "a" and self._item and self._item not in self.links:
            self.links[self._item] = a.get("href") or ""

    def handle_data(self, data: str) -> None:
        if self._item:
            self.items[self._item] += data


def test_index_lists_every_app_and_lesson_with_summary_objectives_and_times() -> None:
    scan = catalog.scan()
    page = serve.index_html(scan, base_url="/")
    parsed = _Index()
    parsed.feed(page)
    listed = [e for e in scan.entries if e.audience == "everyone"]
    assert set(parsed.items) == {e.name for e in listed}
    assert "room-dashboard.ipynb" not in page  # the trainer's dashboard is not advertised to trainees
    for e in listed:
        assert parsed.links[e.name] == f"/voila/render/{e.name}"
        text = " ".join(parsed.items[e.name].split())
        assert e.title in text and e.summary in text
        if e.kind == "lesson":
            assert f"Teaching {e.teaching} min" in text and f"Exercises {e.exercises} min" in text
            assert all(o in text for o in e.objectives)
    assert '<html lang="en">' in page and "<h1>" in page
    # Instead, a "Join a workshop" box sends the typed room code to the self-assessment app.
    join = page.split('aria-labelledby="join-heading"')[1].split("</section>")[0]
    assert 'action="/voila/render/self-assessment.ipynb" method="get"' in join and 'name="room"' in join


def test_index_escapes_metadata_and_shows_broken_notebooks(tmp_path: Path) -> None:
    meta = {
        "kind": "lesson",
        "order": 0,
        "title": "<script>alert(1)</script>Start",
        "summary": "Tom & Jerry",
        "teaching": 70,
        "exercises": 5,
        "objectives": ["<b>bold</b>"],
        "keypoints": ["k"],
    }
    good = {"cells": [], "metadata": {"idpckit": meta}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "00-start.ipynb").write_text(json.dumps(good))
    (tmp_path / "01-bad.ipynb").write_text("{not json")
    page = serve.index_html(catalog.scan(tmp_path), base_url="/base/")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;Start" in page
    assert "Tom &amp; Jerry" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert 'href="/base/voila/render/00-start.ipynb"' in page
    assert "Some notebooks could not be listed" in page and "01-bad.ipynb" in page
    assert "1 h 15 min in all" in page


def test_the_index_shows_a_notebook_edited_or_added_while_serving(tmp_path: Path) -> None:
    """The index's template and the notebooks' metadata are cached per process; edits still show at once."""
    meta = {"kind": "lesson", "order": 0, "title": "Start", "summary": "First steps.", "teaching": 10,
            "exercises": 5, "objectives": ["o"], "keypoints": ["k"]}  # fmt: skip
    nb = {"cells": [], "metadata": {"idpckit": meta}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "00-start.ipynb").write_text(json.dumps(nb))
    assert "First steps." in serve.index_html(catalog.scan(tmp_path), lang="es")
    meta.update(summary="First steps, retimed.", teaching=20)
    (tmp_path / "00-start.ipynb").write_text(json.dumps(nb))
    (tmp_path / "01-next.ipynb").write_text(
        json.dumps({**nb, "metadata": {"idpckit": {**meta, "order": 1, "title": "Next"}}})
    )
    for lang in ("es", "en"):
        page = serve.index_html(catalog.scan(tmp_path), lang=lang)
        assert "First steps, retimed." in page and "First steps.<" not in page and "Next" in page
    assert "50 min in all" in serve.index_html(catalog.scan(tmp_path), lang="en")


def test_relative_store_paths_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert serve.absolute_store("reviews.sqlite") == str(tmp_path / "reviews.sqlite")
    assert serve.absolute_store("sqlite:///reviews.sqlite") == f"sqlite:///{tmp_path}/reviews.sqlite"
    assert serve.absolute_store("sqlite:////abs/r.db") == "sqlite:////abs/r.db"
    assert serve.absolute_store("sqlite://") == "sqlite://"
    assert serve.absolute_store("postgresql://u:pw@host/db") == "postgresql://u:pw@host/db"
    assert "pw" not in serve.display_store("postgresql://u:pw@host/db")


def test_urls_printed_for_local_and_room_use() -> None:
    assert serve.urls("127.0.0.1", 8866) == ["http://127.0.0.1:8866/"]
    room = serve.urls("0.0.0.0", 8866)
    assert room[0] == "http://127.0.0.1:8866/" and all(re.match(r"http://[\d.]+:8866/$", u) for u in room)


def test_serve_refuses_a_busy_port_with_a_plain_message() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not serve.port_is_free("127.0.0.1", port)
        result = CliRunner().invoke(main, ["serve", "--no-browser", "--port", str(port)])
    assert result.exit_code == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output and "Traceback" not in result.output


def test_serve_refuses_a_missing_notebooks_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--no-browser", "--notebooks", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "There is no notebooks folder" in result.output


def test_the_index_in_spanish_has_a_language_switch_that_names_the_current_one_in_words() -> None:
    page = serve.index_html(catalog.scan(), base_url="/", lang="es")
    assert '<html lang="es">' in page and "<title>La serie de sesiones a nivel ministerial de 2019" in page
    assert ">Unirse a un taller</h2>" in page and ">Lecciones</h2>" in page and "Join a workshop" not in page
    switch = page.split('<nav class="languages" aria-label="Idioma">')[1].split("</nav>")[0]
    links = re.findall(r'<a href="\?lang=(\w+)"[^>]*?( aria-current="page")?>([^<]+)', switch)
    assert [(code, bool(current), name.strip()) for code, current, name in links] == [
        ("en", False, "English"),
        ("es", True, "Español"),
        ("fr", False, "Français"),
        ("ru", False, "Русский"),
    ]
    assert "(idioma actual)" in switch  # in words, not by colour or weight alone
    # Every page it opens is asked for in Spanish too, and so is the room a trainee joins.
    assert 'href="/voila/render/self-assessment.ipynb?lang=es"' in page
    assert '<input type="hidden" name="lang" value="es">' in page
    assert 'href="/trainer/?lang=es"' in page


def test_the_index_in_russian_counts_its_lessons_with_the_right_form() -> None:
    scan = catalog.scan()
    n = sum(e.kind == "lesson" for e in scan.entries)
    page = serve.index_html(scan, base_url="/", lang="ru")
    word = {1: "урок", 2: "урока", 3: "урока", 4: "урока"}.get(
        n % 10 if n % 100 not in (11, 12, 13, 14) else 0, "уроков"
    )
    assert f"{n} {word}, всего" in page and '<html lang="ru">' in page


def test_a_page_asked_for_in_english_keeps_english_in_its_links_and_an_unasked_one_does_not() -> None:
    asked = serve.index_html(catalog.scan(), base_url="/", lang="en", asked=True)
    assert 'href="/voila/render/self-assessment.ipynb?lang=en"' in asked
    unasked = serve.index_html(catalog.scan(), base_url="/", lang="en")
    assert 'href="/voila/render/self-assessment.ipynb"' in unasked and "?lang=en" not in unasked.split("</nav>")[1]


def test_a_rendered_voila_page_is_marked_and_worded_in_the_visitors_language() -> None:
    template = (serve.SHARE / "voila" / "templates" / "idpckit" / "index.html.j2").read_text(encoding="utf-8")
    script = template.split("<script>")[1].split("</script>")[0]
    head = '<!DOCTYPE html>\n<html lang="en">\n<head>'
    nav = '<nav class="idpckit-nav" aria-label="Kit"><a href="/">&larr; All lessons and exercises</a></nav>'
    page = serve.localise_page(head + "<script>" + script + "</script>" + nav, "es")
    assert '<html lang="es">' in page and "Preparing your page" not in page
    assert '"Preparando su p\\u00e1gina\\u2026"' in page  # a JavaScript string, escaped
    assert "&larr; Todas las lecciones y ejercicios</a>" in page
    assert serve.localise_page(head, "en") == head


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("es", "Autoevaluación: califique a su gobierno"),
        ("fr", "Auto-évaluation : notez votre gouvernement"),
        ("ru", "Самооценка: оцените своё правительство"),
    ],
)
def test_an_apps_browser_tab_is_titled_in_the_visitors_language(lang: str, title: str) -> None:
    """The app is one notebook for every language: its tab's title (item 4 of the template) follows the visitor."""
    template = (serve.SHARE / "voila" / "templates" / "idpckit" / "index.html.j2").read_text(encoding="utf-8")
    assert '" · idpckit</title>"' in template  # what localise_page looks for
    head = '<html lang="en"><head><title>Self-assessment: grade your government · idpckit</title>'
    assert f"<title>{title} · idpckit</title>" in serve.localise_page(head, lang)
    # A page whose content stays English (an English lesson from a Russian index) keeps its English title,
    # like its <html lang="en">, even when the words have a translation.
    assert "<title>Self-assessment: grade your government · idpckit</title>" in serve.localise_page(head, lang, "en")


def test_the_paste_limit_message_of_a_voila_page_is_in_the_visitors_language() -> None:
    """Item 5 of the template: a paste over a box's limit is named in words, in the page's language."""
    template = (serve.SHARE / "voila" / "templates" / "idpckit" / "index.html.j2").read_text(encoding="utf-8")
    script = next(part.split("</script>")[0] for part in template.split("<script>")[1:] if "idpc-maxlen-" in part)
    assert f"var words = {json.dumps(serve.MAXLEN_WORDS)};" in script  # what localise_page looks for
    for lang, words in (("fr", "cette case en accepte au plus {max}"), ("ru", "в этом поле помещается не больше")):
        page = serve.localise_page("<script>" + script + "</script>", lang)
        assert "this box holds at most" not in page and json.dumps(words)[1:-1] in page, lang
    assert "toLocaleString(lang)" in script  # 12 000 in French, 12 000 in Russian: the numbers too


def test_a_page_streamed_in_jinjas_pieces_still_declares_the_visitors_language() -> None:
    """A fresh kernel's page reaches the handler in the pieces Jinja renders: the tag is split across three."""
    import jinja2

    template = jinja2.Template('<!DOCTYPE html>\n<html lang="{{ code }}">\n<head><title>x</title></head>')
    pieces = list(template.generate(code="en"))
    assert len(pieces) > 1 and not any('<html lang="en">' in p for p in pieces)  # what Voilà hands write()
    page = serve.PageLocaliser("es")
    sent = [page.feed(p) for p in pieces] + [page.release()]
    assert "".join(sent).startswith('<!DOCTYPE html>\n<html lang="es">\n<head>')
    assert page.feed("<p>more</p>") == "<p>more</p>"  # once the tag is out, nothing is held
    nav = '<nav class="idpckit-nav" aria-label="Kit"><a href="/">&larr; All lessons and exercises</a></nav>'
    assert "Todas las lecciones y ejercicios" in page.feed(nav)


def test_a_page_without_its_tag_is_held_back_only_so_far() -> None:
    page = serve.PageLocaliser("ru")
    assert page.feed("x" * 10) == ""
    assert page.feed("y" * serve.HOLD_CHARS) == "x" * 10 + "y" * serve.HOLD_CHARS
    assert serve.PageLocaliser("ru").release() == ""


def test_a_lesson_page_declares_the_language_of_its_prose_an_app_the_visitors() -> None:
    root = catalog.notebooks_dir()
    assert serve.content_language(root / "00-start-here.ipynb") == "en"
    assert serve.content_language(root / "es" / "00-start-here.ipynb") == "es"
    assert serve.content_language(root / "self-assessment.ipynb") is None
    assert serve.content_language(root / "no-such.ipynb") is None
    english_lesson = serve.PageLocaliser("ru", serve.content_language(root / "00-start-here.ipynb"))
    sent = english_lesson.feed('<html lang="en"><nav class="idpckit-nav" aria-label="Kit">')
    assert sent.startswith('<html lang="en">') and 'aria-label="Kit"' not in sent  # English prose, Russian frame
    spanish_lesson = serve.PageLocaliser("en", "es")
    assert spanish_lesson.feed('<html lang="en"><nav class="idpckit-nav" aria-label="Kit">') == (
        '<html lang="es"><nav class="idpckit-nav" aria-label="Kit">'
    )


@pytest.mark.parametrize(
    ("lang", "start", "then"),
    [
        ("en", "Start here", "Exercises"),
        ("es", "Empiece aquí", "Ejercicios"),
        ("fr", "Commencer ici", "Exercices"),
        ("ru", "Start here", "Упражнения"),  # the lessons are in English for Russian readers, and marked so
    ],
)
def test_a_newcomer_sees_start_here_first_then_the_exercises_then_the_box_to_join_a_workshop(
    lang: str, start: str, then: str
) -> None:
    page = serve.index_html(catalog.scan(), base_url="/", lang=lang)
    body = page.split("</h1>", 1)[1]
    sections = re.findall(r'<section[^>]*aria-labelledby="([\w-]+)"', body)
    assert sections[:4] == ["start-heading", "apps-heading", "join-heading", "lessons-heading"]
    first = body.split('aria-labelledby="start-heading"')[1].split("</section>")[0]
    link = re.search(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', first)
    assert link is not None
    lesson = f"{lang}/00-start-here.ipynb" if lang in ("es", "fr") else "00-start-here.ipynb"
    assert link.group(1).split("?")[0] == f"/voila/render/{lesson}" and link.group(2) == start
    assert re.search(r"\b15 (min|минут)", first)
    assert f">{then}</h2>" in body.split('aria-labelledby="apps-heading"')[1][:200]
    # The box to join a workshop takes a room code and opens the app in the same language.
    join = body.split('aria-labelledby="join-heading"')[1].split("</section>")[0]
    assert 'action="/voila/render/self-assessment.ipynb"' in join and 'name="room"' in join
    assert '<label for="join-room">' in join and 'id="join-room"' in join
    assert lang == "en" or f'name="lang" value="{lang}"' in join
