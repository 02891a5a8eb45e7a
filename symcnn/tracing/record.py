"""The recording session of one trace: the steps and constraints the stand-in reports while net.py runs.

Owns: Session, ``session()``, ``record()`` (append a Step), ``entering``/``leaving`` (module calls), ``where()`` (the net.py line of the
current call), ``located()`` (attach that line to a SymcnnError), ``note()``, TrainingStarted.
Never: compute shapes (tensor.py and the rules do) or choose the model (tracer.py does).
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import SymcnnError, Where
from ..rules.base import Condition, Result, Rule
from .tracedata import Constraint, Step

_OWN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # symcnn's own files are never the user's


@dataclass
class Session:
    """What the stand-in knows while net.py runs: its file name, and the steps once recording starts."""

    filename: str                 # co_filename of the compiled net.py (absolute path)
    display: str                  # how locations print ("net.py")
    source: str = ""              # the text of net.py
    module_name: str = "__symcnn_net__"   # the name net.py runs under (its dotted name in a package)
    root: str = ""                # the folder of net.py (or of its package): its own modules live there
    live: bool = False            # a live torch model: any code outside the libraries is the user's
    kinds: Any = None             # choose.Kinds of the backend that runs net.py (None: the stand-in's)
    owner: str = ""               # package.module:callable: the package whose functions may build the model
    inert: list[str] = field(default_factory=list)   # torch/library functions called outside forward, inert
    recording: bool = False
    steps: list[Step] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)      # id(module) -> dotted name
    called: set[int] = field(default_factory=set)            # ids of leaf modules already called
    top_calls: list[tuple[Any, tuple]] = field(default_factory=list)  # (module, inputs) called at top level
    in_forward: int = 0            # depth of Module calls under way (unsupported ops raise inside)
    created: set[int] = field(default_factory=set)   # ids of tensors made by torch.rand/zeros/... (inputs)
    notes: list[str] = field(default_factory=list)   # what the user should know (stderr), e.g. where it stopped
    entered: set[int] = field(default_factory=set)   # ids of modules called while recording
    calls: dict[int, int] = field(default_factory=dict)     # id(module) -> times its forward ran (recording)
    running: list[int] = field(default_factory=list)        # ids of the modules whose forward is under way
    inside: dict[int, list[int]] = field(default_factory=dict)   # id(module) -> steps recorded while it ran
    outputs: dict[int, list] = field(default_factory=dict)   # id(module) -> per call, its output's shape or None
    stopped: Any = None            # the TrainingStarted where module-level training stopped the file
    _displays: dict[str, str | None] = field(default_factory=dict)

    def display_of(self, filename: str) -> str | None:
        """How a file of the user's code prints in locations ("net.py", "models/resnet.py"); None for
        any other file (symcnn, the standard library, installed packages)."""
        shown = self._displays.get(filename, "")
        if shown == "":
            shown = None
            library = "site-packages" in filename or filename.startswith((sys.prefix, sys.base_prefix, _OWN))
            if filename == self.filename:
                shown = self.display
            elif self.root and filename.startswith(self.root + os.sep) and not library:
                shown = os.path.relpath(filename, os.path.dirname(self.filename))
            elif self.live and not library and not filename.startswith("<frozen"):
                shown = os.path.basename(filename)   # a live model's own code: a script, a notebook cell
            self._displays[filename] = shown
        return shown


class TrainingStarted(BaseException):  # noqa: N818 -- a signal, not an error
    """Raised where net.py's module-level code starts training (a data loader iterated, an optimizer
    step, ``loss.backward()``): the tracer stops running the file there and traces the model built so far."""

    def __init__(self, what: str, at: Where | None):
        super().__init__(what)
        self.what, self.at = what, at


def note(text: str) -> None:
    """Something the user should know about this trace (printed on stderr by the command)."""
    s = _current.get()
    if s is not None and text not in s.notes:
        s.notes.append(text)


_current: ContextVar[Session | None] = ContextVar("symcnn_session", default=None)


def session() -> Session | None:
    return _current.get()


def activate(s: Session | None):
    return _current.set(s)


def deactivate(token) -> None:
    _current.reset(token)


def where(depth: int = 1) -> Where | None:
    """Where(file, line) of the innermost frame that belongs to the user's net.py."""
    s = _current.get()
    if s is None:
        return None
    f = sys._getframe(depth)
    while f is not None:
        shown = s.display_of(f.f_code.co_filename)
        if shown is not None:
            return Where(shown, f.f_lineno)
        f = f.f_back
    return None


def at_top_level() -> bool:
    """True when the innermost net.py frame is the module body (a call outside any function)."""
    s = _current.get()
    f = sys._getframe(1)
    while f is not None and s is not None:
        if f.f_code.co_filename == s.filename:
            return f.f_code.co_name == "<module>"
        f = f.f_back
    return False


def located(err: SymcnnError, layer: str | None = None) -> SymcnnError:
    return err.located(where(2), layer)


def entering(module: Any) -> bool:
    """A module's forward starts: count the call and attribute the steps to it until ``leaving``.
    Returns whether it was counted (only while recording)."""
    s = _current.get()
    if s is None or not s.recording:
        return False
    s.entered.add(id(module))
    s.calls[id(module)] = s.calls.get(id(module), 0) + 1
    s.running.append(id(module))
    return True


def leaving(module: Any, output: Any = None) -> None:
    """A module's forward returned ``output`` (the shape of its output tensor, or None)."""
    s = _current.get()
    if s is not None and s.running and s.running[-1] == id(module):
        s.running.pop()
        s.outputs.setdefault(id(module), []).append(output)


def add_conditions(conds: tuple[Condition, ...], at: Where | None, step: int | None) -> None:
    s = _current.get()
    if s is not None and s.recording:
        s.constraints.extend(Constraint(c, at, step) for c in conds)


def record(key: str, name: str, via: str, inputs: tuple, output: tuple, *, rule: Rule | None = None,
           result: Result | None = None, parents: tuple[int, ...] = (), module_id: int | None = None,
           first_call: bool = True, note: str | None = None, conditions: tuple[Condition, ...] = (),
           made_at: Where | None = None) -> int | None:
    """Append a Step (when recording) and its undecided conditions; returns the step index.
    The step's line is the call in net.py, else (a module called by nn.Sequential or by symcnn
    itself) ``made_at``, the line that constructed the module."""
    s = _current.get()
    if s is None or not s.recording:
        return None
    at = where(2) or made_at
    idx = len(s.steps)
    s.steps.append(Step(idx, name, key, via, at, tuple(inputs), tuple(output), rule, result,
                        tuple(parents), module_id, first_call, note))
    for mid in s.running:
        s.inside.setdefault(mid, []).append(idx)
    conds = tuple(conditions)
    if result is not None:
        conds = conds + tuple(result.conditions)
    if rule is not None and first_call:
        conds = tuple(rule.init_conditions) + conds
    add_conditions(conds, at, idx)
    return idx
