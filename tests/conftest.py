"""Shared fixtures for the whole suite."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from wheel_helpers import BuiltWheel, build_wheel

os.environ.setdefault("MPLBACKEND", "Agg")

pytest_plugins = ["pg_fixtures"]  # pg_server / pg_database: a real PostgreSQL (tests/pg_fixtures.py)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> BuiltWheel:
    """The kit built as a wheel once per session (several tests check what it carries)."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
