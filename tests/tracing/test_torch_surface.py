"""torch's import surface under the stand-in: every module of torch 2.13 imports (the list shipped in
symcnn/tracing/standin/torch_modules.txt is generated from real torch here, so a new torch release
shows the difference), what the model uses is modelled exactly, and the rest is inert.

Regenerate the list after a torch upgrade with: SYMCNN_REGEN_TORCH_TREE=1 pytest tests/tracing/test_torch_surface.py
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest

from symcnn.tracing.standin import install

TREE_FILE = Path(install.__file__).with_name("torch_modules.txt")


def torch_module_names(torch) -> list[str]:
    """Every module of the installed torch: its .py files and packages, and its compiled extensions."""
    root = Path(torch.__file__).parent
    names = set()
    for p in root.rglob("*.py"):
        parts = p.relative_to(root.parent).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    for p in root.rglob("*.so"):
        parts = p.relative_to(root.parent).parts
        names.add(".".join((*parts[:-1], parts[-1].split(".")[0])))
    return sorted(n for n in names if all(part.isidentifier() for part in n.split(".")))


def test_the_shipped_module_list_is_torch_2_13s(torch):
    assert torch.__version__.startswith("2.13."), "the list is torch 2.13's; regenerate it for this torch"
    names = torch_module_names(torch)
    if os.environ.get("SYMCNN_REGEN_TORCH_TREE") == "1":
        TREE_FILE.write_text("\n".join(names) + "\n", encoding="utf-8")
    shipped = TREE_FILE.read_text(encoding="utf-8").split()
    missing, extra = sorted(set(names) - set(shipped)), sorted(set(shipped) - set(names))
    assert (missing, extra) == ([], []), ("torch's module tree differs from the shipped list; regenerate: "
                                          "SYMCNN_REGEN_TORCH_TREE=1 pytest tests/tracing/test_torch_surface.py")
    assert len(shipped) > 2000


NAMES_FILE = Path(install.__file__).with_name("torch_names.txt")


def torch_layer_names(torch) -> list[str]:
    """``nn.<Class> <family>`` for torch.nn's module classes (family: the file that defines it) and
    ``F.<function> functional`` for torch.nn.functional's functions."""
    import inspect

    rows = [f"nn.{n} {v.__module__.rsplit('.', 1)[-1]}" for n, v in vars(torch.nn).items()
            if inspect.isclass(v) and issubclass(v, torch.nn.Module) and not n.startswith("_")]
    rows += [f"F.{n} functional" for n, v in vars(torch.nn.functional).items()
             if callable(v) and not n.startswith("_") and not inspect.ismodule(v) and not inspect.isclass(v)]
    return sorted(rows)


def test_the_shipped_layer_names_are_torch_2_13s(torch):
    rows = torch_layer_names(torch)
    if os.environ.get("SYMCNN_REGEN_TORCH_TREE") == "1":
        NAMES_FILE.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert NAMES_FILE.read_text(encoding="utf-8").splitlines() == rows, (
        "torch.nn's names differ from the shipped list; regenerate: "
        "SYMCNN_REGEN_TORCH_TREE=1 pytest tests/tracing/test_torch_surface.py")
