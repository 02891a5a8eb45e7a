"""The torch backend: a net.py, or a ``package.module:factory(...)``, run with real torch installed, for
code the stand-in cannot run (torchvision or timm models, a lab's own package that needs real torch).

While the file runs, models are built on the meta device (no weight memory) and the script's own data
stays real (_meta_models); moving them between devices (or choosing a GPU) does nothing; TorchScript
passes through (``torch.jit.script``, ``ScriptModule``, ``script_method``: the model is plain Python);
training stops where it starts (a DataLoader over anything but a TensorDataset iterated, an optimizer
step, ``loss.backward()``), as with the stand-in. The model is then traced live (live.py): the numbers
come from symcnn's own rules, never from computing on data.
Owns: importable(), kinds(), patched(), build_spec(). Never: run the model on data.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from ..core.errors import InputError, NetLoadError
from . import record as rec
from .choose import Kinds, from_spec
from .torchargs import module_rule


def importable() -> bool:
    """Is real torch installed (and not symcnn's stand-in, which only exists while a net.py runs)?"""
    module = sys.modules.get("torch")
    if module is not None:
        return "symcnn" not in getattr(module, "__version__", "")
    return importlib.util.find_spec("torch") is not None


def needed(what: str) -> InputError:
    return InputError(f"{what} needs PyTorch, which is not installed",
                      fix="pip install torch (CPU wheels are enough), or use --backend stand-in")


def kinds() -> Kinds:
    import torch

    def is_layer(v: Any) -> bool:
        if isinstance(v, type):
            return v.__module__.startswith("torch.nn.modules")
        return module_rule(v) is not None and next(v.children(), None) is None

    def first_rule(net: Any) -> Any:
        return next((r[1] for m in net.modules() if (r := module_rule(m)) is not None), None)

    return Kinds(torch.nn.Module, torch.nn.modules.loss._Loss, is_layer, first_rule,
                 lambda v, s: isinstance(v, torch.Tensor) and not isinstance(v, torch.nn.Parameter))


def _stops(what: str):
    def stop(*args: Any, **kwargs: Any) -> Any:
        s = rec.session()
        if s is not None and not s.recording:
            raise rec.TrainingStarted(what, rec.where())
        raise NetLoadError(f"{what} inside the traced forward", fix="keep training code out of forward")
    return stop


def _stay(original: Any):
    """Module.to / Tensor.to that keeps the meta device: a dtype is applied, a device is ignored."""
    import torch

    def to(self: Any, *args: Any, **kwargs: Any) -> Any:
        dtype = kwargs.get("dtype") or next((a for a in args if isinstance(a, torch.dtype)), None)
        return original(self, dtype) if dtype is not None else self
    return to


def _inert(*args: Any, **kwargs: Any) -> None:
    return None


def _passed(obj: Any = None, *args: Any, **kwargs: Any) -> Any:
    """torch.jit.script / trace / script_method while a net.py runs: what they were given (a decorator
    with arguments gives itself back)."""
    return _passed if obj is None else obj


@contextmanager
def _swap(owner: Any, name: str, value: Any) -> Iterator[None]:
    saved = owner.__dict__[name] if name in owner.__dict__ else getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def _building(torch: Any) -> bool:
    """Is the caller inside the ``__init__`` of one of torch's own layers (making its weights)?"""
    f = sys._getframe(2)
    while f is not None:
        if f.f_code.co_name == "__init__" and _TORCH_LAYERS in f.f_code.co_filename.replace("\\", "/") \
                and isinstance(f.f_locals.get("self"), torch.nn.Module):
            return True
        f = f.f_back
    return False


_TORCH_LAYERS = "torch/nn/modules/"


def _meta_models(torch: Any) -> Any:
    """A torch-function mode: the weights torch's layers make in their constructors (``nn.Linear(25088,
    4096)``) go on the meta device, so no weight memory is used; every other tensor stays real (the
    script's data, a model's own small tensors: random_split, a shuffled DataLoader, ``.tolist()``,
    ``torch.linspace(0, 0.1, 12)[i].item()`` work); an op mixing the two (a model called on real data)
    runs on meta."""
    from torch.overrides import TorchFunctionMode
    from torch.utils._device import _device_constructors
    from torch.utils._pytree import tree_flatten, tree_map

    meta = torch.device("meta")

    class MetaModels(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func in _device_constructors() and kwargs.get("device") is None and _building(torch):
                kwargs["device"] = meta
            else:
                tensors = [t for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)]
                if any(t.is_meta for t in tensors) and not all(t.is_meta for t in tensors):
                    args, kwargs = tree_map(lambda v: torch.empty_like(v, device=meta) if isinstance(v, torch.Tensor)
                                            and not v.is_meta else v, (args, kwargs))
            return func(*args, **kwargs)

    return MetaModels()


def _batches(original: Any, torch: Any):
    """DataLoader.__iter__: a loader over a TensorDataset yields its first batches (as the stand-in's
    does: the data is there); iterating any other data is where training starts."""
    from .standin.library import MAX_BATCHES

    stop = _stops("the first iteration over a DataLoader")

    def iterate(self: Any) -> Any:
        if isinstance(self.dataset, torch.utils.data.TensorDataset):
            return itertools.islice(original(self), MAX_BATCHES)
        return stop()
    return iterate


@contextmanager
def patched(s: rec.Session) -> Iterator[None]:
    """The environment a net.py runs in with real torch (see the module docstring)."""
    import torch

    s.kinds = kinds()

    def top_call(module: Any, args: tuple) -> None:
        if not s.recording and args and isinstance(args[0], torch.Tensor) and rec.at_top_level():
            s.top_calls.append((module, tuple(a for a in args if isinstance(a, torch.Tensor))))

    self_ = lambda self, *a, **k: self  # noqa: E731
    with ExitStack() as stack:
        stack.enter_context(_meta_models(torch))
        for owner, name, value in (
                (torch.utils.data.DataLoader, "__iter__", _batches(torch.utils.data.DataLoader.__iter__, torch)),
                (torch.Tensor, "backward", _stops("loss.backward()")),
                (torch.optim.Optimizer, "step", _stops("the first optimizer step")),
                (torch.autograd, "grad", _stops("torch.autograd.grad")),
                (torch.nn.Module, "to", _stay(torch.nn.Module.to)), (torch.nn.Module, "cuda", self_),
                (torch.nn.Module, "cpu", self_), (torch.Tensor, "to", _stay(torch.Tensor.to)),
                (torch.Tensor, "cuda", self_), (torch.Tensor, "cpu", self_), (torch.cuda, "set_device", _inert),
                # TorchScript passes through, as in the stand-in: the model is traced as plain Python
                (torch.jit, "ScriptModule", torch.nn.Module), (torch.jit, "script_method", _passed),
                (torch.jit, "script", _passed), (torch.jit, "trace", _passed)):
            stack.enter_context(_swap(owner, name, value))
        hook = torch.nn.modules.module.register_module_forward_pre_hook(top_call)
        stack.callback(hook.remove)
        yield


def build_spec(spec: str) -> tuple[str, Any, rec.Session]:
    """``package.module:factory(args)`` (or ``:Class``, ``:instance``): import the module with real torch
    and build the model on the meta device; the callable part is parsed like --model (literal
    arguments only), and must be a model class or a function of that module's own package."""
    import torch

    module_name, _, call = spec.partition(":")
    if not module_name or not call or not all(p.isidentifier() for p in module_name.split(".")):
        raise InputError(f"{spec!r} is not a net.py or a package.module:callable",
                         fix="give a .py file, or e.g. mymodels.resnet:resnet18 or 'mymodels:ResNet(depth=20)'")
    sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise NetLoadError(f"cannot import {module_name}: {e}", fix="install the package, or run symcnn from "
                           "the folder that holds it") from None
    finally:
        sys.path.remove(os.getcwd())
    top = module_name.split(".")[0]
    s = rec.Session(filename=getattr(module, "__file__", "") or "", display=module_name, live=True,
                    module_name=module.__name__, kinds=kinds(), owner=top)
    token = rec.activate(s)
    try:
        with torch.device("meta"):
            name, model = from_spec(call, vars(module), s)
    finally:
        rec.deactivate(token)
    return name, model, s


__all__ = ["build_spec", "importable", "kinds", "needed", "patched"]
