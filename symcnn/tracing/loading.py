"""Running a user's net.py on the stand-in, as the user's own script would run, with a few mercies.

- The file runs as a module named ``__symcnn_net__`` (not ``__main__``: training or printing code under
  ``if __name__ == "__main__":`` does not run); a file inside a package (``from .parts import *``) is
  imported as part of its package, so relative imports work.
- ``sys.argv`` is ``[net.py, *script_args]`` (module-level argparse gets its defaults, or the arguments
  given after ``--``); an argparse error is one clear error with that fix.
- Module-level training stops the file where it starts (record.TrainingStarted): the model built so far
  is traced, with a note saying where.
- numpy is the real one when installed; an uninstalled package imported by the user's code gets an
  inert stand-in and a note (numpy's stand-in refuses to be used, since models are built with it).
- ``math.floor``/``math.ceil`` of a symbolic size give its exact floor or ceiling.
Its prints go to stderr, so symcnn's stdout (JSON, tables) stays clean.
Owns: running(), user_error(). Never: choose the model (choose.py does) or compute shapes.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from sympy import Expr, ceiling, floor

from ..core.errors import NetLoadError, SymcnnError, TraceError, Where
from ..core.intarith import to_canonical
from . import limits
from . import record as rec
from .standin.install import installed
from .standin.missing import stub

MODULE_NAME = "__symcnn_net__"


def _innermost(tb: types.TracebackType | None, s: rec.Session) -> Where | None:
    at = None
    while tb is not None:
        display = s.display_of(tb.tb_frame.f_code.co_filename)
        if display is not None:
            at = Where(display, tb.tb_lineno)
        tb = tb.tb_next
    return at


_SYMBOLIC_TYPE_ERRORS = ("truth value of Relational", "Cannot convert symbols", "'Symbol' object",
                         "'Add' object", "'Mul' object", "'FloorDiv' object", "Cannot convert expression")


class _ArgparseError(Exception):
    def __init__(self, prog: str, message: str):
        super().__init__(message)
        self.prog = prog


def user_error(e: BaseException, s: rec.Session) -> SymcnnError:
    """The SymcnnError to show for an exception raised while net.py ran (located at its line)."""
    at = _innermost(e.__traceback__, s)
    if isinstance(e, SymcnnError):
        return e.located(at)
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    if isinstance(e, _ArgparseError):
        return NetLoadError(f"the script's argparse says: {msg}", where=at,
                            fix=f"pass {s.display}'s own arguments after `--`, e.g. "
                                f"`symcnn summary {s.display} -- --data PATH`")
    if isinstance(e, TypeError) and any(k in msg for k in _SYMBOLIC_TYPE_ERRORS):
        return TraceError("this line needs the value of a symbolic size (an `if`, int() or range() on "
                          "x.size(i)), which symcnn keeps as a formula",
                          fix="pass the input size as numbers (--input 1x3x224x224)", where=at)
    if isinstance(e, MemoryError):
        # Python may drop traceback entries it has no memory for: then name at least the file
        return NetLoadError(f"used more than the {limits.MEMORY_LIMIT / 2**30:.3g} GiB of memory net.py may take "
                            "while traced (MemoryError)", fix="remove code that allocates without end",
                            where=at or Where(s.display))
    if isinstance(e, RecursionError):
        return NetLoadError(f"RecursionError: {msg}", fix="look for a function or forward that calls itself "
                            "without end; run `python net.py` to see it", where=at)
    if isinstance(e, SystemExit):
        return NetLoadError(f"net.py called sys.exit({e.code!r}) while loading",
                            fix='move it under `if __name__ == "__main__":`', where=at)
    err = NetLoadError(f"{type(e).__name__}: {msg}" if msg else type(e).__name__, where=at,
                       fix=getattr(e, "symcnn_fix", None))
    err.needs_torch = _in_a_library(e.__traceback__)   # a library's own code failed on the stand-in
    return err


def _in_a_library(tb: types.TracebackType | None) -> bool:
    """Did the innermost frame belong to an installed package (not symcnn, not the standard library)?"""
    last = None
    while tb is not None:
        last, tb = tb.tb_frame.f_code.co_filename, tb.tb_next
    return last is not None and "site-packages" in last and "symcnn" not in last


def _package_of(path: Path) -> tuple[str, Path]:
    """(dotted module name, folder to put on sys.path): a file in a package is imported as part of it."""
    parts, folder = [path.stem], path.parent
    while (folder / "__init__.py").is_file() and folder.name.isidentifier():
        parts.insert(0, folder.name)
        folder = folder.parent
    return (".".join(parts) if len(parts) > 1 else MODULE_NAME), folder


class _Uninstalled(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: a package the user's code imports that is not installed gets a stub."""

    def __init__(self, s: rec.Session):
        self.s = s

    def find_spec(self, fullname, path=None, target=None):
        f = sys._getframe(1)
        while f is not None and f.f_code.co_filename.startswith("<frozen importlib"):
            f = f.f_back
        if f is None or self.s.display_of(f.f_code.co_filename) is None:
            return None   # only the user's own imports, never a library's optional ones
        top = fullname.split(".")[0]
        if top == "numpy":
            rec.note(f"{self.s.display} imports numpy, which is not installed; `pip install numpy` lets "
                     "symcnn run code that uses it")
        elif "." not in fullname:
            rec.note(f"{self.s.display} imports {top}, which is not installed: symcnn gives it an inert "
                     "stand-in (fine for plotting, logging, progress bars; not for the model)")
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        top = spec.name.split(".")[0]
        return stub(spec.name, uninstalled=top, strict=top == "numpy")

    def exec_module(self, module):
        module.__path__ = []


def _floor(self: Expr) -> Expr:
    return to_canonical(floor(self))


def _ceil(self: Expr) -> Expr:
    return to_canonical(ceiling(self))


@contextmanager
def _script_mode(argv: list[str], s: rec.Session) -> Iterator[None]:
    """sys.argv, argparse errors, the inert-import finder and math.floor/ceil of sizes, then restore."""
    saved_argv, saved_error = sys.argv, argparse.ArgumentParser.error
    finder = _Uninstalled(s)

    def error(parser: argparse.ArgumentParser, message: str):
        raise _ArgparseError(parser.prog, message)

    sys.argv = argv
    argparse.ArgumentParser.error = error
    sys.meta_path.append(finder)
    Expr.__floor__, Expr.__ceil__ = _floor, _ceil
    try:
        yield
    finally:
        del Expr.__floor__, Expr.__ceil__
        sys.meta_path.remove(finder)
        argparse.ArgumentParser.error = saved_error
        sys.argv = saved_argv


def _deadline(timeout: float | None):
    return limits.deadline(timeout, lambda: rec.where() if rec.session() else None)


@contextmanager
def running(path: Path, timeout: float | None, args: tuple[str, ...] = (),
            environment: Callable[[rec.Session], Any] | None = None) -> Iterator[tuple[dict, rec.Session]]:
    """Run net.py on the stand-in (or in ``environment(session)``: realtorch.patched for real torch);
    yields its globals and the session (still active, the environment still in place)."""
    if not path.is_file():
        raise NetLoadError(f"{path}: no such file", fix="give the path of your net.py")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise NetLoadError(f"{path}: cannot be read ({e})", fix="save net.py as UTF-8 text") from None
    name, root = _package_of(path.resolve())
    s = rec.Session(filename=str(path.resolve()), display=path.name, source=source, module_name=name,
                    root=str(root))
    try:
        code = compile(source, s.filename, "exec")
    except SyntaxError as e:
        raise NetLoadError(f"SyntaxError: {e.msg.rstrip('?.')}", where=Where(s.display, e.lineno),
                           fix="run `python net.py` to see the problem") from None
    except (RecursionError, MemoryError) as e:   # Python's compiler on absurdly nested expressions
        raise NetLoadError(f"Python cannot compile it: {type(e).__name__} (an expression nested too deeply)",
                           where=Where(s.display), fix="run `python net.py` to see the problem") from None
    before = set(sys.modules)
    sys.path.insert(0, str(root))
    token = rec.activate(s)
    module = types.ModuleType(name)
    try:
        with (environment or (lambda _: installed()))(s), _script_mode([str(path), *args], s), \
                limits.memory_cap(), _deadline(timeout), \
                redirect_stdout(sys.stderr):
            try:
                module = _execute(code, name, module, s)
            except BaseException as e:  # noqa: BLE001 -- user code: report as the user's error
                if isinstance(e, MemoryError):
                    limits.lift()              # first: under the cap every allocation below would fail
                    module.__dict__.clear()
                if not isinstance(e, rec.TrainingStarted):
                    raise _failure(e, s, module, timeout) from None
                at = f"{e.at}: " if e.at else ""
                rec.note(f"{at}stopped running {s.display} where training starts ({e.what}); traced the "
                         "model built up to there")
                s.stopped = e
            try:
                yield module.__dict__, s
            except BaseException as e:  # noqa: BLE001 -- user code: report as the user's error
                if isinstance(e, MemoryError):
                    limits.lift()
                    module.__dict__.clear()
                raise _failure(e, s, module, timeout) from None
    finally:
        rec.deactivate(token)
        sys.path.remove(str(root))
        for k in set(sys.modules) - before:   # the net's own modules, its package, and the inert stand-ins
            m = sys.modules.get(k)            # of what is not installed go with it
            file = getattr(m, "__file__", None)
            if k == name or k.split(".")[0] == name.split(".")[0] or k.startswith("__symcnn") \
                    or (file and s.display_of(file) is not None) \
                    or isinstance(getattr(getattr(m, "__spec__", None), "loader", None), _Uninstalled):
                sys.modules.pop(k, None)


def _failure(e: BaseException, s: rec.Session, module: types.ModuleType, timeout: float | None) -> BaseException:
    """What to raise for an exception out of net.py: the user's error located at its line, the timeout,
    or the exception itself (Ctrl-C, or not raised by net.py's code)."""
    if isinstance(e, limits.Expired):
        return TraceError(f"still running after the {timeout:g} s timeout",
                          fix="remove slow code from module level and forward, or raise the timeout", where=e.where)
    if isinstance(e, KeyboardInterrupt) or (
            not isinstance(e, (Exception, SystemExit)) and _innermost(e.__traceback__, s) is None):
        return e
    err = user_error(e, s)
    if s.inert:                    # it built on functions the stand-in only pretends to have
        err.needs_torch = True
    e.__traceback__ = None         # free net.py's frames and globals (a huge list) now
    module.__dict__.clear()
    return err


def _execute(code: types.CodeType, name: str, module: types.ModuleType, s: rec.Session) -> types.ModuleType:
    """Run the compiled net.py as module ``name``: in its package when it has one (the package's
    ``__init__`` may import it first; then that module is the one traced)."""
    module.__file__ = s.filename
    if name != MODULE_NAME:
        package = name.rpartition(".")[0]
        importlib.import_module(package)
        if name in sys.modules:
            return sys.modules[name]
        module.__package__ = package
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module


__all__ = ["MODULE_NAME", "running", "user_error"]
