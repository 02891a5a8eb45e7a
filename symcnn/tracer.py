"""Trace a user's net.py: run it on the torch stand-in and record every layer call as a Step.

The file runs as a module named ``__symcnn_net__`` (not ``__main__``), so training or printing code
under ``if __name__ == "__main__":`` does not run; module-level code does, exactly as Python runs it.
Its own prints go to stderr, so symcnn's stdout (JSON, tables) stays clean.
While it runs, ``sys.modules["torch"]`` (and torch.nn, torch.nn.functional, torch.autograd, any
other ``torch.*``) point at ``symcnn.shim``; the previous entries come back afterwards, even on error.
Owns: trace(), loading net.py, choosing the model and the input, mapping errors to net.py lines.
Never: import real torch, print, or write files.
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from sympy import Basic, Integer

from . import limits
from .errors import NetLoadError, SymcnnError, TraceError, Where
from .shim import nn
from .shim import record as rec
from .shim.install import installed
from .symbols import SPATIAL, C, N, size_symbol
from .tensor import SymTensor, sym
from .tracedata import Trace

MODULE_NAME = "__symcnn_net__"


def _innermost(tb: types.TracebackType | None, s: rec.Session) -> Where | None:
    at = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == s.filename:
            at = Where(s.display, tb.tb_lineno)
        tb = tb.tb_next
    return at


_SYMBOLIC_TYPE_ERRORS = ("truth value of Relational", "Cannot convert symbols", "'Symbol' object",
                         "'Add' object", "'Mul' object", "'FloorDiv' object")


def _user_error(e: BaseException, s: rec.Session) -> SymcnnError:
    """The SymcnnError to show for an exception raised while net.py ran (located at its line)."""
    at = _innermost(e.__traceback__, s)
    if isinstance(e, SymcnnError):
        return e.located(at)
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    if isinstance(e, TypeError) and any(k in msg for k in _SYMBOLIC_TYPE_ERRORS):
        return TraceError("this line needs the value of a symbolic size (an `if`, int() or range() on "
                          "x.size(i)), which symcnn keeps as a formula",
                          fix="pass the input size as numbers (--input 1x3x224x224)", where=at)
    if isinstance(e, MemoryError):
        return NetLoadError(f"used more than the {limits.MEMORY_LIMIT / 2**30:.3g} GiB of memory net.py may take "
                            "while traced (MemoryError)", fix="remove code that allocates without end", where=at)
    if isinstance(e, RecursionError):
        return NetLoadError(f"RecursionError: {msg}", fix="look for a function or forward that calls itself "
                            "without end; run `python net.py` to see it", where=at)
    if isinstance(e, SystemExit):
        return NetLoadError(f"net.py called sys.exit({e.code!r}) while loading",
                            fix='move it under `if __name__ == "__main__":`', where=at)
    return NetLoadError(f"{type(e).__name__}: {msg}" if msg else type(e).__name__, where=at)


@contextmanager
def _running(path: Path, timeout: float | None) -> Iterator[tuple[dict, rec.Session]]:
    """Run net.py on the stand-in; yields its globals and the session (still active and installed)."""
    if not path.is_file():
        raise NetLoadError(f"{path}: no such file", fix="give the path of your net.py")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise NetLoadError(f"{path}: cannot be read ({e})", fix="save net.py as UTF-8 text") from None
    s = rec.Session(filename=str(path.resolve()), display=path.name, source=source)
    try:
        code = compile(source, s.filename, "exec")
    except SyntaxError as e:
        raise NetLoadError(f"SyntaxError: {e.msg.rstrip('?.')}", where=Where(s.display, e.lineno),
                           fix="run `python net.py` to see the problem") from None
    except (RecursionError, MemoryError) as e:   # Python's compiler on absurdly nested expressions
        raise NetLoadError(f"Python cannot compile it: {type(e).__name__} (an expression nested too deeply)",
                           where=Where(s.display), fix="run `python net.py` to see the problem") from None
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = s.filename
    old_module = sys.modules.get(MODULE_NAME)
    sys.modules[MODULE_NAME] = module
    sys.path.insert(0, str(path.resolve().parent))
    token = rec.activate(s)
    try:
        with installed(), _deadline(timeout, s), redirect_stdout(sys.stderr):
            try:
                exec(code, module.__dict__)
                yield module.__dict__, s
            except BaseException as e:  # noqa: BLE001 -- user code: report as the user's error
                if isinstance(e, (KeyboardInterrupt, limits.Expired)) or (
                        not isinstance(e, (Exception, SystemExit)) and _innermost(e.__traceback__, s) is None):
                    raise                      # Ctrl-C, the timeout, or not raised by net.py itself
                if isinstance(e, MemoryError):
                    limits.lift()              # first: under the cap every allocation below would fail
                    module.__dict__.clear()
                err = _user_error(e, s)
                e.__traceback__ = None         # free net.py's frames and globals (a huge list) now
                module.__dict__.clear()
                raise err from None
    finally:
        rec.deactivate(token)
        sys.path.remove(str(path.resolve().parent))
        if old_module is None:
            sys.modules.pop(MODULE_NAME, None)
        else:
            sys.modules[MODULE_NAME] = old_module


@contextmanager
def _deadline(timeout: float | None, s: rec.Session) -> Iterator[None]:
    """The --timeout (net.py cannot swallow it: see symcnn.limits) and the memory cap."""
    try:
        with limits.memory_cap(), limits.deadline(timeout, lambda: rec.where() if rec.session() else None):
            yield
    except limits.Expired as e:
        raise TraceError(f"still running after the {timeout:g} s timeout",
                         fix="remove slow code from module level and forward, or raise the timeout",
                         where=e.where) from None


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


def _choose_model(ns: dict, s: rec.Session, model: str | None) -> tuple[str, Any]:
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


def _choose_input(ns: dict, s: rec.Session, net: Any, input_shape: tuple | None) -> tuple:
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


def _check_one_input(net: Any, name: str, s: rec.Session) -> None:
    try:
        params = inspect.signature(net.forward).parameters.values()
    except (TypeError, ValueError):
        return
    need = [p.name for p in params if p.default is p.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(need) > 1:
        code = getattr(type(net).forward, "__code__", None)
        at = Where(s.display, code.co_firstlineno) if code and code.co_filename == s.filename else None
        raise TraceError(f"{name}.forward takes {len(need)} inputs ({', '.join(need)}) but symcnn feeds "
                         "the model one input tensor", where=at,
                         fix="give the other arguments defaults, or trace a wrapper whose forward takes one")


def _first_tensor(out: Any) -> SymTensor | None:
    if isinstance(out, SymTensor):
        return out
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (tuple, list)):
        return next((t for t in map(_first_tensor, out) if t is not None), None)
    return None


def trace(path: str | os.PathLike, *, model: str | None = None, input_shape: tuple | None = None,
          timeout: float | None = None) -> Trace:
    """Run net.py on symbolic tensors and return every layer call, in order.

    Args: path of net.py; model: the name of a module-level model or model class to trace;
    input_shape: ints and/or symbols (or names: ``(1, 3, "H", "W")``); timeout in seconds.
    Raises: NetLoadError, UnsupportedError, RuleError, TraceError, each located at a net.py line.

    >>> trace("examples/mnist.py").output_shape
    (1, 10)
    """
    path = Path(path)
    with _running(path, timeout) as (ns, s):
        name, net = _choose_model(ns, s, model)
        shape = _choose_input(ns, s, net, input_shape)
        _check_one_input(net, name, s)
        s.names = {id(m): n or name for n, m in net.named_modules()}   # a bare layer: its variable
        s.recording = True
        out = net(SymTensor(shape, -1))
        s.recording = False
    last = _first_tensor(out)
    unused, extra, seen = [], Integer(0), set()
    for n, m in net.named_modules():
        if isinstance(m, nn.Layer):
            if id(m) not in s.called:
                unused.append((n, m._rule))
        else:
            for p in m.own_parameters().values():
                if id(p) not in seen:
                    seen.add(id(p))
                    extra += sym(p.numel())
    return Trace(model=name, source=str(path), input_shape=tuple(shape), steps=s.steps,
                 output_shape=last._shape if last is not None else (), constraints=s.constraints,
                 unused=unused, extra_params=extra)
