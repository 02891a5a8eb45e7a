"""Install the stand-in as ``torch`` in ``sys.modules`` for the duration of a trace, then restore.

Every ``torch.*`` entry already imported (real torch in a test process) is set aside and put back,
even on error; other ``torch.*`` and ``torchvision``-like imports get stub modules whose callables
are unsupported inside forward and no-ops elsewhere (standin/torch.py ``Missing``).
Owns: installed(). Never: import real torch.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from . import autograd, functional, nn
from . import torch as shim_torch

_SHIM = {"torch": shim_torch, "torch.nn": nn, "torch.nn.functional": functional, "torch.nn.init": nn.init,
         "torch.nn.utils": nn.utils, "torch.autograd": autograd, "torch.utils": shim_torch.utils,
         "torch.utils.data": shim_torch.utils.data, "torch.optim": shim_torch.optim}
_STUBBED = ("torch", "torchvision", "torchsummary", "torchinfo", "thop")


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves any other torch.* (and torchvision...) import as a stub whose callables are unsupported."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in _STUBBED:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return shim_torch._stub(spec.name)

    def exec_module(self, module):
        module.__path__ = []


def _is_stubbed(name: str) -> bool:
    return name.split(".")[0] in _STUBBED


@contextmanager
def installed() -> Iterator[None]:
    saved = {k: v for k, v in sys.modules.items() if _is_stubbed(k)}
    for k in saved:
        del sys.modules[k]
    sys.modules.update(_SHIM)
    finder = _StubFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for k in [k for k in sys.modules if _is_stubbed(k)]:
            del sys.modules[k]
        sys.modules.update(saved)


