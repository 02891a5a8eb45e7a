"""Which object of a net.py is the model, and which input it is fed, once the file has run.

The model: the module-level nn.Module instance (several: the one called at module level), else the one
nn.Module subclass that builds without arguments; ``--model NAME`` picks explicitly. The input: what
the file fed the model at module level, else its one module-level ``torch.rand(...)``-like tensor
(also read from an ``if __name__ == "__main__":`` block, which does not run), else symbolic N×C×H×W.

Owns: MODULE_NAME (the name net.py runs under), choose_model, choose_input.
Never: run net.py (tracer.py does) or decide shapes of layers.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from sympy import Basic, Integer

from ..core.errors import NetLoadError
from ..core.symbols import SPATIAL, C, N, size_symbol
from . import record as rec
from .standin import nn
from .standin.torch import zoo_model
from .tensor import SymTensor, sym

MODULE_NAME = "__symcnn_net__"


def _models(ns: dict) -> tuple[dict[str, Any], dict[str, type]]:
    """Module-level model instances that are no other instance's submodule, and model classes."""
    inst = {}
    for n, v in ns.items():
        if isinstance(v, nn.Module) and not isinstance(v, nn.Loss) and not n.startswith("_") \
                and all(v is not w for w in inst.values()):
            inst[n] = v
    inner = {id(m) for v in inst.values() for _, m in v.named_modules() if m is not v}
    roots = {n: v for n, v in inst.items() if id(v) not in inner}
    classes = {n: v for n, v in ns.items() if isinstance(v, type) and issubclass(v, nn.Module)
               and v.__module__ == MODULE_NAME and not issubclass(v, (nn.Layer, nn.Loss))}
    return roots, classes


def _no_args(cls: type) -> bool:
    try:
        inspect.signature(cls).bind()
    except TypeError:
        return False
    return True


def choose_model(ns: dict, s: rec.Session, model: str | None) -> tuple[str, Any]:
    roots, classes = _models(ns)
    if model is not None:
        if model in roots or isinstance(ns.get(model), nn.Module):
            return model, ns[model]
        if model in classes:
            if not _no_args(classes[model]):
                raise NetLoadError(f"{s.display}: {model}() needs constructor arguments",
                                   fix=f"add `model = {model}(...)` at module level and pass --model model")
            return model, classes[model]()
        names = sorted(roots) + sorted(classes)
        raise NetLoadError(f"{s.display}: no model named {model!r}; the candidates are "
                           f"{', '.join(names) if names else 'none'}", fix="pass one of them as the model")
    # a bare layer at module level (act = nn.ReLU() used by forward) is a model only as a last resort
    big = {n: v for n, v in roots.items() if not isinstance(v, nn.Layer)}
    leaf = {n: v for n, v in roots.items() if n not in big}
    if len(big) > 1:
        fed = [n for n, v in big.items() if any(m is v for m, _ in s.top_calls)]
        if len(fed) == 1:
            return fed[0], big[fed[0]]
        raise NetLoadError(f"{s.display} defines several models: {', '.join(big)}",
                           fix=f"choose one with --model NAME (e.g. --model {next(iter(big))})")
    if big:
        return next(iter(big.items()))
    built = {n: c() for n, c in classes.items() if _no_args(c)}
    inner = {type(m) for v in built.values() for _, m in v.named_modules() if m is not v}
    top = {n: v for n, v in built.items() if type(v) not in inner} or leaf
    if len(top) == 1:
        return next(iter(top.items()))
    if len(top) > 1:
        raise NetLoadError(f"{s.display} defines several models: {', '.join(top)}",
                           fix=f"choose one with --model NAME (e.g. --model {next(iter(top))})")
    if zoo := zoo_model(ns):
        raise NetLoadError(f"{s.display}: the model `{zoo[0]}` comes from {zoo[1]}, which symcnn cannot "
                           "build: it runs net.py with a torch stand-in that has torch.nn's layers only",
                           fix="write the model's layers in net.py with torch.nn modules (symcnn's repository "
                               "has ResNet, VGG16, DenseNet-121 and MobileNetV2 written out in examples/)")
    needs = [n for n in classes if n not in built]
    why = f" ({', '.join(needs)} {'needs' if len(needs) == 1 else 'need'} constructor arguments)" if needs else ""
    raise NetLoadError(f"{s.display} has no model: looked for a module-level nn.Module instance "
                       f"(net = nn.Sequential(...) or model = Net()) and for an nn.Module subclass that "
                       f"builds without arguments{why}", fix="add `model = Net(...)` at module level")


def _first_layer(net: Any) -> Any:
    return next((m for _, m in net.named_modules() if isinstance(m, nn.Layer)), None)


def _default_input(net: Any) -> tuple:
    """Symbolic N×C×H×W (1-D: N×C×L, 3-D: N×C×T×H×W) with C from the first layer when it has one."""
    layer = _first_layer(net)
    if layer is None:
        return (N, C, *SPATIAL[2])
    args = layer._rule.raw_args
    if "in_features" in args:
        return (N, sym(args["in_features"]))
    c = args.get("in_channels", args.get("num_features", C))
    nd = layer._rule.nd or 2
    return (N, sym(c) if not isinstance(c, Basic) or c.is_Integer else C, *SPATIAL[nd])


def choose_input(ns: dict, s: rec.Session, net: Any, input_shape: tuple | None) -> tuple:
    if input_shape is not None:
        return tuple(size_symbol(v) if isinstance(v, str) else sym(v) for v in input_shape)
    # fed to the model at module level; else the first of its layers called there (d2l's
    # `for layer in net: X = layer(X)` loop); else the one module-level tensor made by torch.rand & co.
    members = {id(m) for _, m in net.named_modules()}
    fed = [t for m, t in s.top_calls if m is net] or [t for m, t in s.top_calls if id(m) in members]
    if fed:
        return fed[0]._shape
    tensors = []
    for n, v in ns.items():
        if isinstance(v, SymTensor) and id(v) in s.created and not n.startswith("_") \
                and all(v is not t for t in tensors):
            tensors.append(v)
    shapes = [t._shape for t in tensors] or [tuple(map(Integer, v)) for v in _main_block_inputs(s.source)]
    if len(set(shapes)) > 1:
        layer = _first_layer(net)
        c = layer._rule.raw_args.get("in_channels") if layer is not None else None
        shapes = [v for v in shapes if c is not None and len(v) > 1 and v[1] == c]
    if len(set(shapes)) == 1:
        return shapes[0]
    return _default_input(net)


_CREATORS = {"rand", "randn", "zeros", "ones", "empty"}


def _main_block_inputs(source: str) -> list[tuple[int, ...]]:
    """Shapes of literal ``torch.rand(1, 3, 32, 32)``-like calls under ``if __name__ == "__main__":``
    (that block does not run, but its example input is what the user feeds the model)."""
    shapes = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
                and "__name__" in ast.unparse(node.test)):
            continue
        for call in (n for stmt in node.body for n in ast.walk(stmt) if isinstance(n, ast.Call)):
            f = call.func
            if not (isinstance(f, ast.Attribute) and f.attr in _CREATORS and isinstance(f.value, ast.Name)
                    and f.value.id == "torch"):
                continue
            args = call.args or [k.value for k in call.keywords if k.arg == "size"]
            if len(args) == 1 and isinstance(args[0], (ast.Tuple, ast.List)):
                args = args[0].elts
            try:
                shape = tuple(ast.literal_eval(a) for a in args)
            except ValueError:
                continue
            if shape and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape):
                shapes.append(shape)
    return shapes


__all__ = ["MODULE_NAME", "choose_input", "choose_model"]
