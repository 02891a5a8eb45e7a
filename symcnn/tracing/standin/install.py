"""Install the stand-in as ``torch`` in ``sys.modules`` for the duration of a trace, then restore.

The stand-in mirrors torch 2.13's module tree (``torch_modules.txt``, generated from real torch by a
test): the modules a model's computation uses are the stand-in's own (``MODELLED``); every other module
of torch imports as an inert stub whose callables are unsupported inside forward and do nothing
elsewhere (``missing.Missing``); a name torch does not have fails as it would with torch.
torchvision, torchaudio, torchsummary, torchinfo, thop and timm are stubs as a whole. Every ``torch.*``
entry already imported (real torch in a test process) is set aside and put back, even on error.
Owns: installed(), MODELLED. Never: import real torch.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from . import autograd, functional, library, nn
from . import torch as shim_torch
from .missing import LIBRARIES, stub

# torch module name -> the stand-in module that is it (parents get the children as attributes)
MODELLED = {
    "torch": shim_torch, "torch.nn": nn, "torch.nn.functional": functional, "torch.nn.init": nn.init,
    "torch.nn.utils": nn.utils, "torch.nn.utils.parametrizations": nn.utils.parametrizations,
    "torch.nn.utils.parametrize": nn.utils.parametrize, "torch.nn.utils.rnn": nn.utils.rnn,
    "torch.nn.modules": nn, "torch.nn.modules.module": nn, "torch.nn.parameter": nn,
    "torch.nn.modules.utils": library.nn_modules_utils, "torch.nn.parallel": library.parallel,
    "torch.autograd": autograd, "torch.autograd.variable": autograd, "torch.autograd.function": autograd,
    "torch.utils": shim_torch.utils, "torch.utils.data": library.data,
    "torch.utils.data.distributed": library.data.distributed, "torch.utils.data.sampler": library.data.sampler,
    "torch.utils.data.dataset": library.data.dataset, "torch.utils.data.dataloader": library.data.dataloader,
    "torch.utils.checkpoint": library.checkpoint, "torch.utils.model_zoo": library.model_zoo,
    "torch.hub": library.hub, "torch.optim": library.optim, "torch.optim.lr_scheduler": library.lr_scheduler,
    "torch.optim.optimizer": library.optim.optimizer, "torch.jit": library.jit, "torch.amp": library.amp,
    "torch.cuda": library.cuda, "torch.cuda.amp": library.cuda_amp, "torch.backends": library.backends,
    "torch.backends.cudnn": library.backends.cudnn, "torch.backends.mps": library.backends.mps,
}
_STUBBED = LIBRARIES


@cache
def torch_modules() -> frozenset[str]:
    """The module names of torch 2.13 (tests/tracing/test_torch_surface.py keeps the list current)."""
    return frozenset(Path(__file__).with_name("torch_modules.txt").read_text(encoding="utf-8").split())


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the rest of torch's tree (and torchvision & co.) as stub modules."""

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.split(".")[0]
        if top in _STUBBED or (top == "torch" and fullname in torch_modules()):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        if top == "torch":
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None

    def create_module(self, spec):
        return stub(spec.name)

    def exec_module(self, module):
        module.__path__ = []


def _is_stubbed(name: str) -> bool:
    top = name.split(".")[0]
    return top == "torch" or top in _STUBBED


def _link() -> None:
    """Make every modelled module a package and an attribute of its parent, as torch's are."""
    for name, module in MODELLED.items():
        if not hasattr(module, "__path__"):
            module.__path__ = []
        parent, _, child = name.rpartition(".")
        if parent in MODELLED and child not in MODELLED[parent].__dict__:
            setattr(MODELLED[parent], child, module)


@contextmanager
def installed() -> Iterator[None]:
    saved = {k: v for k, v in sys.modules.items() if _is_stubbed(k)}
    for k in saved:
        del sys.modules[k]
    _link()
    sys.modules.update(MODELLED)
    finder = _StubFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for k in [k for k in sys.modules if _is_stubbed(k)]:
            del sys.modules[k]
        sys.modules.update(saved)
