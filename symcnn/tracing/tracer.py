"""Trace a user's net.py: run it on the torch stand-in and record every layer call as a Step.

The file runs as a module named ``__symcnn_net__`` (not ``__main__``), so training or printing code
under ``if __name__ == "__main__":`` does not run; module-level code does, exactly as Python runs it.
Its own prints go to stderr, so symcnn's stdout (JSON, tables) stays clean.
While it runs, ``sys.modules["torch"]`` (and torch.nn, torch.nn.functional, torch.autograd, any
other ``torch.*``) point at ``symcnn.tracing.standin``; the previous entries come back afterwards, even on error.
Owns: trace(), loading net.py, mapping errors to net.py lines (choose.py picks the model and input).
Never: import real torch, print, or write files.
"""

from __future__ import annotations

import inspect
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from sympy import Integer

from ..core.errors import NetLoadError, SymcnnError, TraceError, Where
from . import limits
from . import record as rec
from .choose import MODULE_NAME, choose_input, choose_model
from .standin import nn
from .standin.install import installed
from .tensor import SymTensor, sym
from .tracedata import Trace


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
    """The --timeout (net.py cannot swallow it: see symcnn.tracing.limits) and the memory cap."""
    try:
        with limits.memory_cap(), limits.deadline(timeout, lambda: rec.where() if rec.session() else None):
            yield
    except limits.Expired as e:
        raise TraceError(f"still running after the {timeout:g} s timeout",
                         fix="remove slow code from module level and forward, or raise the timeout",
                         where=e.where) from None


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
        name, net = choose_model(ns, s, model)
        shape = choose_input(ns, s, net, input_shape)
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
