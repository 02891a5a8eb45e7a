"""Real torch 2.13 on a corpus net (tests/tracing/corpus): the file run as its author runs it, the model
built from it, and what torch says about that model, to compare with symcnn.

- The file runs with ``sys.argv == [its path, *args]`` in the test's temporary folder, on the meta device
  (no weight memory, no data; a file whose code needs real tensors, at module level or in forward,
  runs on the CPU, and so does its model); a file inside a package is imported as part of it (relative imports).
- Packages that are not installed here (matplotlib, wandb, visdom, tensorboardX, torchvision, ...) are
  inert modules, as if installed and doing nothing; ``.cuda()``, ``.to(device)`` and
  ``torch.cuda.set_device`` keep the model on the meta device (a GPU machine runs the file the same way).
- The file stops where training starts (a DataLoader iterated, ``loss.backward()``, ``autograd.grad``, an
  optimizer step),
  as symcnn stops it: what runs after that never changes the model's shapes.
- ``measure`` runs the model once: forward hooks on torch's own layers (each layer's output shape, in
  call order) and ``torch.utils.flop_counter.FlopCounterMode`` (torch's own count: 2 FLOPs per
  multiply-accumulate of convolutions, linear layers, matrix products, recurrent layers and attention),
  per module and in total.

Owns: load(), build(), measure(), Measured. Never: imported by symcnn/ (torch is a test oracle only).
"""

from __future__ import annotations

import contextlib
import dis
import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from unittest import mock

# packages corpus files import that are not test dependencies: MagicMock modules when not installed
STUBBED = ("matplotlib", "tensorboardX", "wandb", "visdom", "torchvision", "torchaudio", "d2l", "IPython", "tqdm", "PIL",
           "scipy", "pandas", "seaborn", "sklearn", "cv2", "imageio", "h5py", "yaml")
DTYPES = {"long": "int64", "int64": "int64", "int": "int32", "int32": "int32", "float": "float32",
          "float32": "float32", "bool": "bool", "half": "float16", "float16": "float16", "double": "float64"}


class _Stop(Exception):
    """Raised where training starts: the file stops there, as under symcnn."""


class _Inert:
    """What a package that is not installed gives: every attribute and call another _Inert; length 1
    (a data set nobody loads), iterates as empty but unpacks, works as a context manager."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, name: str) -> _Inert:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Inert(f"{self._name}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> _Inert:
        return _Inert(f"{self._name}()")

    def __getitem__(self, key: Any) -> _Inert:
        return _Inert(f"{self._name}[]")

    def __len__(self) -> int:
        return 1

    def __iter__(self):   # a loop: nothing; an unpacking (a, b = loaders()): as many as it takes
        f = sys._getframe(1)
        op, arg = f.f_code.co_code[f.f_lasti], f.f_code.co_code[f.f_lasti + 1]
        n = arg if op == dis.opmap["UNPACK_SEQUENCE"] else (arg & 0xFF) + (arg >> 8) \
            if op == dis.opmap["UNPACK_EX"] else 0
        return iter([_Inert(f"{self._name}[{i}]") for i in range(n)])

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _stub(name: str) -> types.ModuleType:
    module = types.ModuleType(name)

    def attribute(attr: str) -> _Inert:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Inert(f"{name}.{attr}")

    module.__getattr__ = attribute
    module.__path__ = []
    module._corpus_stub = True
    return module


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the stubbed packages (and their submodules) that are not installed."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        top = fullname.split(".")[0]
        if top in STUBBED and importlib.machinery.PathFinder.find_spec(top) is None:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _stub(spec.name)

    def exec_module(self, module) -> None:
        return None


def _stops(what: str):
    def stop(*args: Any, **kwargs: Any) -> Any:
        raise _Stop(what)
    return stop


def _on_meta(original, torch):
    """``.to(device)`` keeps the meta device (a dtype is still applied)."""
    def to(self, *args: Any, **kwargs: Any) -> Any:
        dtype = kwargs.get("dtype") or next((a for a in args if isinstance(a, torch.dtype)), None)
        return original(self, dtype) if dtype is not None else self
    return to


@contextlib.contextmanager
def _environment(torch, path: Path, args: tuple[str, ...], device: str):
    saved_argv, saved_modules = sys.argv, set(sys.modules)
    finder = _StubFinder()
    patches = [mock.patch.object(torch.utils.data.DataLoader, "__iter__", _stops("DataLoader")),
               mock.patch.object(torch.Tensor, "backward", _stops("backward")),
               mock.patch.object(torch.optim.Optimizer, "step", _stops("step")),
               mock.patch.object(torch.autograd, "grad", _stops("grad")),
               mock.patch.object(torch.nn.Module, "cuda", lambda self, *a, **k: self),
               mock.patch.object(torch.Tensor, "cuda", lambda self, *a, **k: self),
               mock.patch.object(torch.cuda, "set_device", lambda *a, **k: None),
               mock.patch.object(torch.nn.Module, "to", _on_meta(torch.nn.Module.to, torch)),
               mock.patch.object(torch.Tensor, "to", _on_meta(torch.Tensor.to, torch))]
    sys.argv = [str(path), *args]
    sys.meta_path.insert(0, finder)
    try:
        with contextlib.ExitStack() as stack:
            for p in patches:
                stack.enter_context(p)
            stack.enter_context(torch.device(device))
            stack.enter_context(contextlib.redirect_stdout(None))
            yield
    finally:
        sys.argv = saved_argv
        sys.meta_path.remove(finder)
        for k in set(sys.modules) - saved_modules:
            m = sys.modules.get(k)
            if k == "__corpus__" or getattr(m, "_corpus_stub", False) or str(getattr(m, "__file__", "") or "").startswith(str(CORPUS)):
                del sys.modules[k]


CORPUS = Path(__file__).resolve().parent / "corpus"


def _package(path: Path) -> tuple[str, Path] | None:
    parts, folder = [path.stem], path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return (".".join(parts), folder) if len(parts) > 1 else None


def load(torch, path: Path, args: tuple[str, ...] = (), device: str = "meta") -> tuple[dict, Any]:
    """(the file's globals once it ran or stopped where training starts, the environment to build in)."""
    env = _environment(torch, path, args, device)
    env.__enter__()
    try:
        pkg = _package(path)
        if pkg is not None:
            sys.path.insert(0, str(pkg[1]))
            try:
                return vars(importlib.import_module(pkg[0])), env
            finally:
                sys.path.remove(str(pkg[1]))
        module = types.ModuleType("__corpus__")
        module.__file__ = str(path)
        sys.modules["__corpus__"] = module      # sys.modules[__name__] works, as in a real run
        try:
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), vars(module))  # noqa: S102
        except _Stop:
            pass
        return vars(module), env
    except BaseException:
        env.__exit__(*sys.exc_info())
        raise


def build(torch, path: Path, expr: str, args: tuple[str, ...] = (), device: str = "meta") -> Any:
    """The model ``expr`` (Python, evaluated in the file's globals; a class or factory is called without
    arguments) built with real torch on meta (or on ``device``: a file whose code needs real tensors)."""
    ns, env = load(torch, path, args, device)
    try:
        model = eval(expr, ns)   # the test's own manifest, not user input
        if callable(model) and not isinstance(model, torch.nn.Module):
            model = model()
    finally:
        env.__exit__(None, None, None)
    assert isinstance(model, torch.nn.Module), f"{expr} gave a {type(model).__name__}"
    return model.eval()


def tensor(torch, spec: str, device: str = "meta"):
    """A tensor from an --input string: ``2x3x32x32``, ``4x10:long`` (zeros: valid indices too)."""
    shape, _, dtype = spec.partition(":")
    sizes = tuple(int(v) for v in shape.split("x"))
    return torch.zeros(sizes, dtype=getattr(torch, DTYPES[dtype or "float"]), device=device)


@dataclass
class Measured:
    params: int
    output: tuple
    calls: list[tuple[str, tuple]] = field(default_factory=list)   # (name, output shape) per torch layer call
    macs: dict[str, int] = field(default_factory=dict)             # torch layer name -> its MACs (all calls)
    total_macs: int = 0
    custom: set[str] = field(default_factory=set)   # subclasses of torch layers with their own forward


def _torch_layer(torch, m: Any) -> str | None:
    """"layer": a layer of torch.nn whose forward is torch's (not a container); "custom": a subclass of
    one with a forward of its own (its output is not the layer's); else None."""
    containers = (torch.nn.Sequential, torch.nn.ModuleList, torch.nn.ModuleDict)
    if isinstance(m, containers) or type(m).__name__ in ("DataParallel", "DistributedDataParallel"):
        return None
    owners = [c for c in type(m).__mro__ if "forward" in c.__dict__ and c is not torch.nn.Module]
    if not owners or not any(c.__module__.startswith("torch.nn.modules") for c in owners):
        return None
    return "layer" if owners[0].__module__.startswith("torch.nn.modules") else "custom"


def _first(out: Any, torch) -> tuple:
    if isinstance(out, torch.Tensor):
        return tuple(out.shape)
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (tuple, list)):
        return next((s for s in (_first(o, torch) for o in out) if s), ())
    return ()


def measure(torch, model: Any, inputs: list) -> Measured:
    """Run ``model`` once on ``inputs`` (meta tensors) with hooks and torch's FLOP counter."""
    from torch.utils.flop_counter import FlopCounterMode

    layers, custom, inside = {}, {}, set()
    for name, m in model.named_modules():
        if id(m) in inside or id(m) in layers or id(m) in custom:
            continue
        kind = _torch_layer(torch, m)
        if kind is not None:
            (layers if kind == "layer" else custom)[id(m)] = name
            inside.update(id(c) for c in m.modules() if c is not m)
    aliases: dict[int, list[str]] = {}
    for name, m in model.named_modules(remove_duplicate=False):   # a module registered twice has two names
        aliases.setdefault(id(m), []).append(name)
    calls: list = []

    def hook(name: str):
        return lambda module, inputs, output: calls.append((name, _first(output, torch)))

    hooks = [m.register_forward_hook(hook(layers[id(m)])) for m in model.modules() if id(m) in layers]
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            out = model(*inputs)
    finally:
        for h in hooks:
            h.remove()
    root = type(model).__name__
    counts = counter.get_flop_counts()
    macs = {}
    for i, name in (layers | custom).items():
        keys = {f"{root}.{a}" if a else root for a in aliases[i]}
        macs[name] = sum(sum(counts.get(k, {}).values()) for k in keys) // 2
    return Measured(params=sum(p.numel() for p in model.parameters()), output=_first(out, torch), calls=calls,
                    macs=macs, total_macs=counter.get_total_flops() // 2, custom=set(custom.values()))


__all__ = ["CORPUS", "Measured", "build", "load", "measure", "tensor"]
