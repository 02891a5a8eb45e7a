"""Shared fixtures. Torch and pdflatex are test oracles: without them tests skip locally, but when
SYMCNN_REQUIRE_ORACLE=1 (set by .ci/run) a missing oracle is a failure, never a silent skip."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") or os.environ.get("SYMCNN_REQUIRE_ORACLE") else "dev")

REQUIRE_ORACLE = os.environ.get("SYMCNN_REQUIRE_ORACLE") == "1"


def _missing(what: str):
    if REQUIRE_ORACLE:
        pytest.fail(f"{what} is required (SYMCNN_REQUIRE_ORACLE=1) but not available", pytrace=False)
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="session")
def torch():
    """Real PyTorch, the test oracle."""
    try:
        import torch as _torch
    except ImportError:
        _missing("torch")
    return _torch


@pytest.fixture(scope="session")
def numpy():
    """numpy, which model files of the corpus (tests/tracing/corpus) build their models with."""
    try:
        import numpy as _numpy
    except ImportError:
        _missing("numpy")
    return _numpy


@pytest.fixture(scope="session")
def pdflatex():
    path = shutil.which("pdflatex")
    if not path:
        _missing("pdflatex")
    return path


@pytest.fixture(scope="session")
def xelatex():
    path = shutil.which("xelatex")
    if not path:
        _missing("xelatex")
    return path


@pytest.fixture(scope="session")
def chromium():
    """A headless browser and pdftotext (Debian's chromium, poppler-utils; .ci/run installs them)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not path or not shutil.which("pdftotext"):
        _missing("chromium and pdftotext")
    return path


@pytest.fixture(scope="session")
def jupyter():
    """nbformat, nbclient and ipykernel (test extras): a notebook executed as Jupyter does."""
    try:
        import ipykernel  # noqa: F401
        import nbclient  # noqa: F401
        import nbformat
    except ImportError:
        _missing("nbclient, nbformat and ipykernel")
    return nbformat


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def pytest_terminal_summary(terminalreporter):
    """Print how many fuzzed inputs each surface ran and the bench notes (tests/fuzz_support.py)."""
    import sys

    support = sys.modules.get("fuzz_support")
    counts = getattr(support, "COUNTS", None)
    if counts:
        terminalreporter.section("fuzzed inputs")
        for surface, n in sorted(counts.items()):
            terminalreporter.write_line(f"{surface:<32} {n:>7,}")
        terminalreporter.write_line(f"{'total':<32} {sum(counts.values()):>7,}")
    for note in getattr(support, "NOTES", ()):
        terminalreporter.write_line(f"bench: {note}")
