"""Errors users see. Each error stores its fields and builds a one-line message in ``__str__``.

Owns: SymcnnError and its subclasses, ``Where`` (file, line) locations.
Never: print, exit, or catch anything; the CLI decides how errors are shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Where:
    """A location in the user's net.py (or answers file): file:line, or file:line:column."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column}" if self.column else f"{self.file}:{self.line}"


class SymcnnError(Exception):
    """Base of every error symcnn raises on purpose: all are user/input errors (exit code 2).
    ``needs_torch``: the torch stand-in cannot run this net.py, real torch could (--backend auto)."""

    needs_torch = False

    def __init__(self, what: str, *, fix: str | None = None, where: Where | None = None,
                 layer: str | None = None):
        super().__init__(what)
        self.what = what
        self.fix = fix
        self.where = where
        self.layer = layer

    def located(self, where: Where | None, layer: str | None = None) -> SymcnnError:
        """Return this error with a location (and layer name) filled in, unless it already has one."""
        if self.where is None and where is not None:
            self.where = where
        if self.layer is None and layer is not None:
            self.layer = layer
        return self

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        layer = f"{self.layer}: " if self.layer else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        what = self.what.rstrip(".")
        return f"{head}{layer}{what}.{fix}"


class RuleError(SymcnnError):
    """A layer configuration that PyTorch rejects (a ``require`` that is provably false)."""


class UnsupportedError(SymcnnError):
    """A layer, function or tensor method that symcnn does not model (yet)."""


class NetLoadError(SymcnnError):
    """net.py cannot be loaded, has no model, or raised an error of its own."""


class TraceError(SymcnnError):
    """Tracing failed: e.g. Python control flow depends on a symbolic size."""


class InputError(SymcnnError):
    """A malformed command-line value (--input, --set, ...) or answers file."""
