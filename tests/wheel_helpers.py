"""Build the kit as a wheel and run code from it, as a user without a checkout would."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltWheel:
    path: Path
    names: frozenset[str]
    site: Path  # the wheel unpacked, as pip would install it, without the checkout next to it


def build_wheel(out: Path) -> BuiltWheel:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("idpckit-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = frozenset(zf.namelist())
        zf.extractall(site)
    return BuiltWheel(wheel, names, site)


def run_from_wheel(wheel: BuiltWheel, code: str, cwd: Path) -> str:
    """Run ``code`` with only the unpacked wheel on the path (no checkout, no IDPCKIT_* variables)."""
    env = {"PYTHONPATH": str(wheel.site), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, check=True)
    return done.stdout
