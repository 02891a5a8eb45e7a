"""Packaging: runtime dependencies, package list, templates shipped in the wheel and found by an
editable install, the console script, and symcnn never importing torch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_runtime_dependencies_are_sympy_click_jinja2_only():
    deps = [d.split(">")[0].split("=")[0].split("<")[0].strip().lower() for d in PYPROJECT["project"]["dependencies"]]
    assert sorted(deps) == ["click", "jinja2", "sympy"]
    test = PYPROJECT["project"]["optional-dependencies"]["test"]
    assert "torch==2.13.0" in test, "torch must be pinned (an unpinned torch pulls a CUDA build)"
    for need in ("pytest", "hypothesis", "jsonschema"):
        assert any(t.startswith(need) for t in test), need
    assert PYPROJECT["project"]["scripts"] == {"symcnn": "symcnn.__main__:run"}


def _python(code: str) -> subprocess.CompletedProcess:
    """Run a snippet in a fresh interpreter of this install."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)


def test_the_entry_point_freezes_its_imports_and_leaves_the_collector_on():
    """symcnn.__main__.run: imports with the cyclic collector paused, then freezes them (see its docstring)."""
    code = ("import gc, sys\n"
            "import symcnn.__main__ as entry, symcnn.cli.main as cli\n"
            "cli.main = lambda: print(gc.isenabled(), gc.get_freeze_count() > 10000, gc.get_threshold()[0])\n"
            "entry.run()")
    r = _python(code)
    assert r.returncode == 0 and r.stdout.split() == ["True", "True", "20000"], r.stderr


def test_every_package_directory_is_listed():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "symcnn").rglob("__init__.py")}
    assert found - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert "symcnn.templates" in listed
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"symcnn.templates": "templates"}


def test_templates_found_in_this_install():
    """The running install (editable in development and CI) finds templates/ as symcnn.templates."""
    from importlib.resources import files

    names = {p.name for p in files("symcnn.templates").iterdir()}
    assert {"summary.text.j2", "summary.md.j2", "summary.tex.j2"} <= names


def test_cli_modules_never_import_torch():
    code = ("import sys; sys.modules['torch'] = None\n"
            "import symcnn.cli.main, symcnn.cli.options, symcnn.solutions.jsonout, symcnn.core.userinput, symcnn.__main__\n"
            "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
            "print('ok')")
    r = _python(code)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_python_dash_m_symcnn_runs():
    r = subprocess.run([sys.executable, "-m", "symcnn", "--version"], capture_output=True, text=True, timeout=60)
    from symcnn import __version__

    assert r.returncode == 0 and r.stdout.strip() == f"symcnn {__version__}", r.stderr
    bad = subprocess.run([sys.executable, "-m", "symcnn", "summary", "no_such_net.py"], capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "symcnn: error: no_such_net.py: no such file. Fix: give the path of your net.py\n"


def _copy_source(dest: Path) -> Path:
    """Copy what a build needs, so the build writes nothing into the work tree."""
    src = dest / "src"
    for name in ("symcnn", "templates"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    return src


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_finds_templates(tmp_path):
    """`python -m build` wheel, installed in a brand-new venv: the console script runs and the
    templates (package data) are found outside the source tree."""
    src = _copy_source(tmp_path)
    dist = tmp_path / "dist"
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(src)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    (wheel,) = dist.glob("symcnn-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n.removeprefix("symcnn/templates/") for n in zf.namelist() if n.startswith("symcnn/templates/")}
    tree = {str(p.relative_to(src / "templates")) for p in (src / "templates").rglob("*") if p.is_file()}
    assert tree - shipped == set(), "templates missing from the wheel: extend package-data in pyproject.toml"
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", str(wheel)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    script = env_dir / "bin" / "symcnn"
    run_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SYMCNN_DEBUG")}
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def run(*args):
        return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120, cwd=outside,
                              env=run_env)

    where = subprocess.run([str(py), "-c", "import symcnn.templates as t; print(t.__file__)"],
                           capture_output=True, text=True, cwd=outside, env=run_env)
    assert str(env_dir) in where.stdout, where.stdout + where.stderr   # not the source tree
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("symcnn "), version.stderr
    formula = run("formula", "Conv2d")
    assert formula.returncode == 0, formula.stderr
    assert "Conv2d" in formula.stdout and "⌊" in formula.stdout
    net = outside / "net.py"
    net.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 96, 11, stride=4))\n")
    summary = run("summary", str(net), "--input", "1x3x227x227")
    assert summary.returncode == 0, summary.stderr
    assert "1×96×55×55" in summary.stdout and "34,944" in summary.stdout
    bad = run("summary", str(net), "--input", "1x3x0x2")
    assert bad.returncode == 2 and bad.stderr.startswith("symcnn: error: --input") and bad.stderr.count("\n") == 1
