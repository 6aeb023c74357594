"""The command line: discoverable, versioned, and precise about bad data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from idpckit import __version__, data
from idpckit.cli import main


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("table1", "data"):
        assert f"  {command} " in result.output


def test_every_command_has_help_with_an_example() -> None:
    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from walk(cmd, (*prefix, name))
            else:
                yield (*prefix, name), cmd

    for path, cmd in walk(main):
        assert cmd.help and "Example" in cmd.help, f"'idpckit {' '.join(path)}' needs help text with an example"


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.output.strip() == f"idpckit, version {__version__}"


def test_console_script_and_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "idpckit", "--version"], capture_output=True, text=True, check=True)
    assert __version__ in out.stdout


def test_data_check_ok_and_broken(data_copy: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["data", "check"])
    every = [p for p in data.data_dir().rglob("*") if p.is_file() and p.name != "README.md"]  # each one is checked
    assert ok.exit_code == 0 and f"all {len(every)} files are valid" in ok.output
    (data_copy / "goals.csv").write_text("number,theme,goal,key_phrase,commitment_ids\n7,,x,y,\n", encoding="utf-8")
    bad = runner.invoke(main, ["data", "check", str(data_copy)])
    assert bad.exit_code == 1
    assert "goals.csv" in bad.output and "row 2" in bad.output and "number" in bad.output and "theme" in bad.output
    assert re.search(r"\n\d+ problems in ", bad.output), bad.output  # counted in words, not "problem(s)"


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in main.commands if f"idpckit {name}" not in readme]
    assert not missing, f"README.md does not mention: {', '.join(missing)}"
