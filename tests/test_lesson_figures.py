"""The lessons' fixed figures are drawn once and kept: the next trainee's kernel neither imports matplotlib nor draws.

Each run is a fresh Python process, as each Voilà visitor gets a fresh kernel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from idpckit.data import data_dir

CELLS = """
import json, sys
from idpckit import lessons
out = [str(lessons.scorecard("veridia-2024", "Scorecard of a fictional review")),
       str(lessons.year_on_year("veridia-2023", "veridia-2024", "Year on year")),
       str(lessons.timeline_chart())]
print(json.dumps({"matplotlib": "matplotlib" in sys.modules, "out": out}))
"""


def run(cache: Path, data: Path | None = None, code: str = CELLS) -> dict:
    env = {**os.environ, "IDPCKIT_CACHE_DIR": str(cache)}
    if data is not None:
        env["IDPCKIT_DATA"] = str(data)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_second_kernel_shows_the_same_figures_without_matplotlib(tmp_path: Path) -> None:
    first = run(tmp_path)
    assert first["matplotlib"] is True
    assert "<svg" in first["out"][0] and 'aria-label="Scorecard of a fictional review"' in first["out"][0]
    assert "<svg" in first["out"][1] and '<img src="data:image/png;base64,' in first["out"][2]
    assert len(list(tmp_path.glob("*.html"))) == 3
    second = run(tmp_path)
    assert second == {"matplotlib": False, "out": first["out"]}


def test_an_edited_data_file_or_another_description_is_drawn_afresh(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    cache = tmp_path / "cache"
    run(cache, data)
    example = data / "examples" / "veridia-2024.json"
    review = json.loads(example.read_text(encoding="utf-8"))
    review["entries"][0]["grade"] = 5 if review["entries"][0]["grade"] != 5 else 1
    example.write_text(json.dumps(review), encoding="utf-8")  # a trainer corrects the example
    again = run(cache, data)
    assert again["matplotlib"] is True, "an edited example must be drawn again, not shown as it was"
    other = run(cache, data, CELLS.replace("Year on year", "Another description"))
    assert other["matplotlib"] is True and "Another description" in other["out"][1]


def test_figures_of_other_content_are_never_kept(tmp_path: Path) -> None:
    code = (
        "from idpckit import data, lessons\n"
        "print('{\"out\": %d}' % len(str(lessons.scorecard('veridia-2024', 'x', data.load()))))"
    )
    assert run(tmp_path, code=code)["out"] > 1000
    assert list(tmp_path.glob("*")) == []
