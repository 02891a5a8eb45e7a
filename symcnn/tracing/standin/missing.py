"""What the stand-in lacks: a torch name it does not model, or a package that is not installed.

A ``Missing`` called inside a module's forward raises UnsupportedError at that net.py line; elsewhere
(module-level set-up: optimizers, data sets, transforms, loggers, plots) it does nothing and returns
another Missing, so a file that also trains still loads. It is falsy (``torch.cuda.is_available()``
is False), iterates as empty (but unpacks into as many placeholders as asked: ``a, b = loaders()``) and
has length 1 (with a note). A *strict* Missing (numpy when it is not
installed: models are built with it) refuses every call with the fix. A class deriving from a
Missing gets an inert base (``MissingBase``), so the error can say why it is not a model.
Owns: Missing, MissingBase, stub(), zoo_model(). Never: import real torch or pretend to compute.
"""

from __future__ import annotations

import dis
import sys
import types
from typing import Any

from ...core.errors import NetLoadError, UnsupportedError
from .. import record as rec


class MissingBase:
    """The base a class gets in place of a Missing one (``class Lit(pl.LightningModule)``)."""

    _missing_base = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Missing:
        if name.startswith("__"):
            raise AttributeError(name)
        return Missing(f"{type(self).__name__}.{name}")


class Missing:
    """A name the stand-in lacks (see the module docstring)."""

    def __init__(self, qualname: str, uninstalled: str | None = None, strict: bool = False):
        self._qualname, self._uninstalled, self._strict = qualname, uninstalled, strict

    def __getattr__(self, name: str) -> Missing:
        if name.startswith("__"):
            raise AttributeError(name)
        return Missing(f"{self._qualname}.{name}", self._uninstalled, self._strict)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._strict:
            raise NetLoadError(f"{self._qualname}() needs {self._uninstalled}, which is not installed",
                               fix=f"pip install {self._uninstalled}").located(rec.where())
        s = rec.session()
        if s is not None and not s.recording and not s.in_forward:
            if self._qualname.split(".")[0] in ("torch", *LIBRARIES):
                s.inert.append(self._qualname)   # building the model needed it: real torch could run it
            return Missing(f"{self._qualname}()", self._uninstalled)
        if self._uninstalled:
            raise UnsupportedError(f"{self._qualname} comes from {self._uninstalled}, which is not installed",
                                   fix=f"pip install {self._uninstalled}, or keep it out of the model's forward"
                                   ).located(rec.where())
        err = UnsupportedError(f"{self._qualname} is not supported by symcnn yet",
                               fix="remove it from the model, or describe it with a custom rule")
        err.needs_torch = self._qualname.split(".")[0] in LIBRARIES   # torchvision.ops.X: real torch has it
        raise err.located(rec.where())

    def unsupported(self, use: str) -> UnsupportedError:
        """The error for using this placeholder as a tensor (``use``: what was done with it), naming the
        function that made it: ``torch.meshgrid is not supported by symcnn yet``."""
        root = self._qualname.split("(")[0]
        top = root.split(".")[0]
        if self._uninstalled:
            err = UnsupportedError(f"{root} comes from {self._uninstalled}, which is not installed",
                                   fix=f"pip install {self._uninstalled}")
        else:
            err = UnsupportedError(f"{root} is not supported by symcnn yet ({use})",
                                   fix="build that tensor with the functions symcnn models, or run the file with "
                                       "real torch (--backend torch)")
        err.needs_torch = top in ("torch", *LIBRARIES)
        return err.located(rec.where())

    def __mro_entries__(self, bases: tuple) -> tuple:
        return (type(f"Missing<{self._qualname}>", (MissingBase,), {"_missing_base": self._qualname}),)

    def __iter__(self):
        """Empty for a loop (nothing to iterate over); as many placeholders as an unpacking wants
        (``train_iter, test_iter = d2l.load_data(...)``)."""
        return iter([Missing(f"{self._qualname}[{i}]", self._uninstalled, self._strict) for i in range(_unpacked())])

    def __bool__(self) -> bool:
        return False   # nothing that symcnn lacks is available: `if torch.cuda.is_available():` is False

    def __len__(self) -> int:
        rec.note(f"len() of {self._qualname}, which symcnn does not load, counts as 1 (at "
                 f"{rec.where() or 'net.py'}); the model's shapes never depend on it")
        return 1

    def __enter__(self) -> Missing:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __repr__(self) -> str:
        return f"<{self._qualname}: not modelled by symcnn>"


def _unpacked() -> int:
    """How many values the caller's statement unpacks from the object being iterated (``a, b = x``:
    2; ``a, *rest = x``: 1), read from the instruction it is at; 0 for anything else (a ``for`` loop)."""
    f = sys._getframe(2)
    code, at = f.f_code.co_code, f.f_lasti
    op, arg = code[at], code[at + 1]
    if op == dis.opmap["UNPACK_SEQUENCE"]:
        return arg
    if op == dis.opmap["UNPACK_EX"]:
        return (arg & 0xFF) + (arg >> 8)
    return 0


# model libraries built on torch: stubs under the stand-in, real with --backend torch
LIBRARIES = ("torchvision", "torchaudio", "torchtext", "timm", "torchsummary", "torchinfo", "thop")


def zoo_model(ns: dict) -> tuple[str, str] | None:
    """(name, call) of a module-level model from a model library (``torchvision.models.resnet18()``,
    ``timm.create_model(...)``, ``torch.hub.load(...)``): under the stand-in only a Missing placeholder."""
    for n, v in ns.items():
        q = v._qualname if isinstance(v, Missing) else ""
        if q.endswith("()") and (q.split(".")[0] in LIBRARIES or q.startswith("torch.hub.")):
            return n, q
    return None


def stub(name: str, uninstalled: str | None = None, strict: bool = False) -> types.ModuleType:
    """A module whose every attribute is a Missing (``uninstalled``: the package that is not installed)."""
    m = types.ModuleType(name)

    def missing(attr: str) -> Missing:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Missing(f"{name}.{attr}", uninstalled, strict)

    m.__getattr__ = missing  # type: ignore[attr-defined]
    return m


__all__ = ["LIBRARIES", "Missing", "MissingBase", "stub", "zoo_model"]
