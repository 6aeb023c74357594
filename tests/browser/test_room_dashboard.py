"""A workshop room end to end in Chromium: the trainer's private, live dashboard.

The trainer makes a room with the command line; three trainees (two grading Kenya,
one Uganda) join from the index page's "Join a workshop" box and submit through the
self-assessment app; the trainer opens the dashboard with the room code and the key
(a wrong key first) and reads the submissions split by country, with the medians,
disagreements and alpha the kit computes; a fourth submission appears without a
click; the evidence of the most disagreed commitment opens side by side; and a
trainee who opens the dashboard's address sees nothing of the room.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_self_assessment import expect_summary, go_to_step, open_app, open_on_fresh_kernel, open_on_preheated_kernel
from voila_helpers import error_outputs, wait_rendered

from idpckit.agreement import alpha, reading
from idpckit.assessment import Assessment, Entry
from idpckit.data import load
from idpckit.store import Store
from idpckit.widgets._base import grade_label

pytestmark = pytest.mark.browser

DASHBOARD = "room-dashboard.ipynb"
FIRST, SECOND = load().commitments[:2]
#: (organisation, country typed, country name, grade of the first and second commitment)
TRAINEES = [
    ("Kenya Harm Reduction Alliance", "Keny", "Kenya", 1, 4),
    ("Nairobi Drug Policy Forum", "Keny", "Kenya", 5, 4),
    ("Uganda Harm Reduction Network", "Ugan", "Uganda", 2, 3),
]


@pytest.fixture(scope="module")
def room(kit_server) -> tuple[str, str]:
    """The trainer makes a room, as the facilitator notes say, with the command line on the server's store."""
    exe = Path(sys.executable).parent / "idpckit"
    made = subprocess.run(
        [str(exe), "room", "create", "Nairobi workshop", "--store", str(kit_server.store_path)],
        capture_output=True, text=True, check=True, env={**os.environ},
    )  # fmt: skip
    code_line, key_line = made.stdout.splitlines()
    return code_line.removeprefix("room code: "), key_line.removeprefix("trainer key: ")


def join_and_submit(page: Page, kit_server, code: str, org: str, typed: str, country: str, g1: int, g2: int) -> None:
    """A trainee: the index page's Join box, the set-up, two grades with evidence, submit."""
    page.goto(kit_server.base)
    page.get_by_label("Room code from your trainer").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    # The Join form itself opens the app: wait for that page (a second goto would abandon it while it
    # loads, leaving a kernel no page connects to).
    page.wait_for_url(re.compile(r"/voila/render/self-assessment\.ipynb\?room="))
    wait_rendered(page)
    page.get_by_role("button", name="Start a new review").click()
    expect(page.get_by_label("Room code")).to_have_value(code)  # carried over from the Join box
    page.get_by_label("Country").press_sequentially(typed)
    expect(page.get_by_text(re.compile(rf"✔ {country} \("))).to_be_visible()
    page.get_by_label("Organisation(s)").fill(org)
    page.get_by_label("Five-point scale: 1, 2, 3, 4 or 5").check()
    page.get_by_role("button", name=re.compile(r"^Next ▶$")).click()
    for grade, commitment in ((g1, FIRST), (g2, SECOND)):
        expect(page.get_by_role("heading", name=f"Commitment {commitment.number}: {commitment.title}")).to_be_visible()
        page.get_by_role("radio", name=grade_label(grade, "five-point"), exact=True).click()
        page.get_by_label("Evidence", exact=True).fill(f"{org} evidence on {commitment.id}")
        page.get_by_label("Recommendation", exact=True).fill(f"{org} recommends on {commitment.id}")
        page.get_by_role("button", name=re.compile(r"^(Next|Summary) ▶$")).click()
    go_to_step(page, "Summary")
    expect_summary(page, country)
    page.get_by_role("button", name="Submit this review").click()
    page.get_by_role("button", name="Yes, submit it now").click()
    expect(page.get_by_text(f"Submitted to room {code}: read-only.")).to_be_visible()


def results_row(page: Page, country: str, commitment) -> list[str]:
    section = page.locator("section.idpc-room-country").filter(
        has=page.get_by_role("heading", name=re.compile(rf"^{country}, \d{{4}}: "))
    )
    table = section.locator("table.idpc-results")
    row = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=f"{commitment.number}. {commitment.title}", exact=True)
    )
    expect(row).to_have_count(1)
    return [" ".join(t.split()) for t in row.get_by_role("cell").all_inner_texts()]


def test_a_workshop_room_end_to_end(room, kit_server, make_page: Callable[..., Page]) -> None:
    code, key = room
    trainee_pages = []
    for org, typed, country, g1, g2 in TRAINEES:
        page = make_page()
        join_and_submit(page, kit_server, code, org, typed, country, g1, g2)
        assert error_outputs(page) == []
        trainee_pages.append(page)
    # What a trainee's browser shows of the room: nothing of the others' reviews.
    mine = trainee_pages[0].inner_text("body")
    assert TRAINEES[1][0] not in mine and TRAINEES[2][0] not in mine

    trainer = open_app(make_page(), kit_server.url(DASHBOARD, f"room={code}"))
    expect(trainer.get_by_label("Room code")).to_have_value(code)  # ?room= fills the code, never the key
    trainer.get_by_label("Trainer key").fill("AAAA-BBBB-CCCC-DDDD-EEEE")
    trainer.get_by_role("button", name="Open room").click()
    expect(trainer.get_by_role("alert")).to_contain_text(f"This trainer key does not open room {code}")
    assert "Kenya" not in trainer.inner_text("body")

    trainer.get_by_label("Trainer key").fill(key)
    trainer.get_by_role("button", name="Open room").click()
    expect(trainer.get_by_text(re.compile(r"^3 submitted, 0 started"))).to_be_visible()
    expect(trainer.get_by_role("status").filter(has_text="Last updated")).to_contain_text("Nairobi workshop")
    # Split by country, never mixed: Kenya's two reviews disagree on the first commitment (1 and 5).
    expect(trainer.get_by_role("heading", name=re.compile(r"^Kenya, \d{4}: 2 reviews$"))).to_be_visible()
    expect(trainer.get_by_role("heading", name=re.compile(r"^Uganda, \d{4}: 1 review$"))).to_be_visible()
    first = results_row(trainer, "Kenya", FIRST)
    assert first[2:] == ["3", "4", "⚠ Disagree (4 points apart)"] and "✖1×1" in first[0] and "✔5×1" in first[0]
    assert results_row(trainer, "Kenya", SECOND)[2:] == ["4", "0", "Agree"]
    assert results_row(trainer, "Uganda", FIRST)[2:] == ["2", "0", "One review only"]
    kenya_alpha = reading(alpha([[1, 4], [5, 4]]))
    kenya = trainer.locator("section.idpc-room-country").filter(has_text="Kenya")
    expect(kenya.locator(".idpc-agreement")).to_contain_text(kenya_alpha)
    uganda = trainer.locator("section.idpc-room-country").filter(has_text="Uganda")
    expect(uganda.locator(".idpc-agreement")).to_contain_text("at least two reviews")
    # The most disagreed commitment comes first, and its evidence opens side by side.
    kenya_rows = kenya.locator("table.idpc-results tbody tr")
    expect(kenya_rows.first).to_contain_text(FIRST.title)
    choice = trainer.get_by_label("Commitment", exact=True)
    options = choice.locator("option").all_inner_texts()  # ipywidgets shows spaces as no-break spaces
    wanted = [
        o for o in options if o.replace("\xa0", " ").startswith("Kenya") and FIRST.title in o.replace("\xa0", " ")
    ]
    assert wanted and wanted[0].replace("\xa0", " ").split(": ", 1)[1].startswith("⚠"), options
    choice.select_option(label=wanted[0])
    evidence = trainer.locator("table.idpc-evidence")
    for org, *_ in TRAINEES[:2]:
        expect(evidence).to_contain_text(f"{org} evidence on {FIRST.id}")
        expect(evidence).to_contain_text(f"{org} recommends on {FIRST.id}")
    assert TRAINEES[2][0] not in evidence.inner_text()  # Uganda's review is not Kenya's debrief

    # A fourth review arrives: the dashboard shows it by itself, without a click.
    store = Store(kit_server.store_url)
    late = Assessment(country="KEN", year=2025, room=code, organisations=["Late NGO"],
                      entries=[Entry(commitment_id=FIRST.id, grade=3)])  # fmt: skip
    store.submit(store.save_draft(late))
    expect(trainer.get_by_text(re.compile(r"^4 submitted, 0 started"))).to_be_visible(timeout=30_000)
    assert error_outputs(trainer) == []

    # A trainee who opens the dashboard's address sees nothing of the room.
    nosy = open_app(make_page(), kit_server.url(DASHBOARD, f"room={code}"))
    text = nosy.inner_text("body")
    assert all(org not in text for org, *_ in TRAINEES) and "Kenya" not in text and "Nairobi workshop" not in text
    index = make_page()
    index.goto(kit_server.base)
    assert "room-dashboard" not in index.content()


@pytest.mark.parametrize("kernel", ["preheated", "fresh"])
def test_a_room_link_fills_the_code_on_either_kind_of_kernel(kernel: str, kit_server, make_page) -> None:
    """The dashboard is preheated (it opens at once); ``?room=`` still reaches the kernel, which ran before anyone asked."""
    from idpckit import catalog, serve

    assert DASHBOARD in serve.preheated(catalog.catalog())
    opened = open_on_preheated_kernel if kernel == "preheated" else open_on_fresh_kernel
    page = opened(kit_server, make_page, DASHBOARD, "room=ABCD-EFGH")
    expect(page.get_by_label("Room code")).to_have_value("ABCD-EFGH")
    assert error_outputs(page) == []
