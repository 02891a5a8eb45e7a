"""The module tree of a trace (``Trace.modules``) as a reader of torchinfo's ``depth`` expects it: which
module a call belongs to, the parameters a module holds with its descendants, and the rows of
``--depth N``.

Rules (torchinfo 1.8.0's, whose rows these reproduce):
- a call belongs to the innermost module whose forward made it (a residual add written in a block's
  forward belongs to the block); its rows sit under that module's ancestors in named_modules();
- a container at depth N is one row, "folded": its parameters with its descendants' (each parameter
  object once, as ``module.parameters()``), the MACs, FLOPs and activation bytes of every call folded in;
- a container above depth N is a header row above its children's rows; its parameters are those no
  child row shows (its own, and its never-called descendants'), as torchinfo's "leftover" parameters;
- a container called again (a module reused) gets a row per call, parameters on the first; a container
  never called itself (a ModuleList) stays one row across the calls its owner makes between its children.

Owns: Tree (owner of a call, recursive and leftover parameters), Entry, entries(trace, depth, steps).
Never: format values (table.py and the templates do), or trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Expr

from ..core.errors import InputError
from ..tracing.tracedata import Trace, _total


def check_depth(depth: int | None) -> int | None:
    """``--depth``: None (every leaf) or a positive int; InputError otherwise."""
    if depth is not None and depth < 1:
        raise InputError(f"--depth {depth} is not positive",
                         fix="give the deepest module level to show as rows, e.g. --depth 2 (1: the model's "
                             "direct children), or leave --depth out for every layer")
    return depth


class Tree:
    """The module tree of one trace: parents, the module each call belongs to, parameter sums."""

    def __init__(self, trace: Trace):
        self.trace = trace
        self.mods = {m.name: m for m in trace.modules}
        self.children: dict[str, list[str]] = {}
        for m in trace.modules:
            if m.parent is not None:
                self.children.setdefault(m.parent, []).append(m.name)
        self.owner = self._owners()
        self.starts = self._starts()

    def _owners(self) -> dict[int, str]:
        """Step index -> dotted name of the innermost module whose forward made it ("" the root): the
        module of the shortest run of consecutive steps holding it (the deeper one on a tie)."""
        best: dict[int, tuple[int, int, str]] = {}
        for m in self.trace.modules:
            if not m.name:
                continue
            idx = sorted(m.steps)
            start = 0
            for k in range(1, len(idx) + 1):
                if k == len(idx) or idx[k] != idx[k - 1] + 1:
                    run = idx[start:k]
                    for i in run:
                        key = (len(run), -m.depth, m.name)
                        if i not in best or key < best[i]:
                            best[i] = key
                    start = k
        out = {i: v[2] for i, v in best.items()}
        for s in self.trace.steps:    # a leaf module's own call belongs to it, however it was reached
            if s.via == "module" and s.name in self.mods:
                out[s.index] = s.name
        return out

    def _starts(self) -> dict[str, set[int]]:
        """Module name -> the first step of each of its calls: each run of consecutive steps starts a
        call; a run holding several back-to-back calls (``block(block(x))``) is cut where its sequence of
        calls repeats, when it repeats exactly as many times as the calls the run must hold."""
        out: dict[str, set[int]] = {}
        for m in self.trace.modules:
            idx = sorted(m.steps)
            runs = [[i] for i in idx[:1]]
            for i in idx[1:]:
                if i == runs[-1][-1] + 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
            firsts = {r[0] for r in runs}
            if 0 < len(runs) < m.calls and len(runs) == 1:
                run, k = runs[0], m.calls
                sig = [(self.trace.steps[i].name, self.trace.steps[i].key) for i in run]
                n = len(run) // k
                if n * k == len(run) and all(sig[j] == sig[j % n] for j in range(len(run))):
                    firsts |= {run[j] for j in range(0, len(run), n)}
            out[m.name] = firsts
        return out

    def path(self, name: str) -> list[str]:
        """The module's ancestors (root excluded) and itself, outermost first."""
        out = []
        while name:
            out.append(name)
            m = self.mods.get(name)
            name = m.parent if m is not None and m.parent is not None else ""
        return out[::-1]

    def inside(self, name: str, other: str) -> bool:
        """``other`` is ``name`` or one of its descendants."""
        return not name or other == name or other.startswith(name + ".")

    def params(self, name: str, trainable: bool | None = None) -> Expr:
        """The parameters of ``module(name).parameters()``: its own and its descendants', each parameter
        object once; ``trainable`` True/False: only those with requires_grad True/False."""
        seen, vals = set(), []
        for m in self.trace.modules:
            if not self.inside(name, m.name):
                continue
            for p in m.params:
                key = p.shared_with or (f"{m.name}.{p.name}" if m.name else p.name)
                if key in seen or (trainable is not None and p.requires_grad != trainable):
                    continue
                seen.add(key)
                vals.append(p.numel)
        return _total(vals)

    def appears(self, name: str) -> bool:
        return any(self.inside(name, o) for o in self.owner.values())

    def leftover(self, name: str, trainable: bool | None = None) -> Expr:
        """The parameters of a container no row below it shows: its own and its never-called descendants'."""
        shown = [c for c in self.children.get(name, ()) if self.appears(c)]
        return self.params(name, trainable) - _total([self.params(c, trainable) for c in shown])


@dataclass(slots=True)
class Entry:
    """One row of --depth N: a traced call (``module`` None), or a module (kind "header" above its
    children's rows, "folded" standing for every call inside it)."""

    kind: str                       # "step", "header", "folded"
    depth: int                      # indentation: 1 for the model's direct children
    steps: list[int] = field(default_factory=list)
    module: str | None = None
    first: bool = True              # the module's first row (parameters are counted there)
    call: int = 0                   # a module row: which of its calls (0 the first)


def entries(trace: Trace, depth: int, keep: set[int] | None = None) -> list[Entry]:
    """The rows of ``--depth depth`` in call order (see the module docstring); ``keep``: the steps a
    --layer filter keeps (a module row stays when it holds one)."""
    tree = Tree(trace)
    out: list[Entry] = []
    open_: list[Entry] = []
    seen: dict[str, int] = {}
    for s in trace.steps:
        owner = tree.owner.get(s.index, "")
        path = tree.path(owner)
        own = s.via == "module" and bool(path) and path[-1] == s.name   # a leaf's call, or a composite's
        cut = path[:depth]
        folded = len(path) > depth or (len(path) == depth and not own)
        if not folded and own:
            cut = path[:-1]
        k = 0
        while (k < len(open_) and k < len(cut) and open_[k].module == cut[k]
               and s.index not in tree.starts.get(cut[k], ())):
            k += 1
        j = len(open_)
        while j > k and tree.mods[open_[j - 1].module].calls > 0:
            j -= 1
        if own or folded or len(cut) > k or any(tree.mods[e.module].calls > 0 for e in open_[k:j]):
            j = k   # a module never called (a ModuleList) stays open across a call outside it, as in torchinfo
        del open_[j:]
        for name in cut[k:]:
            m = tree.mods[name]
            kind = "folded" if folded and m.depth == depth else "header"
            e = Entry(kind, m.depth, module=name, first=name not in seen, call=seen.get(name, 0))
            seen[name] = e.call + 1
            out.append(e)
            open_.append(e)
        if folded:
            open_[-1].steps.append(s.index)
            for e in open_[:-1]:
                e.steps.append(s.index)
        else:
            for e in open_[:len(cut)]:
                e.steps.append(s.index)
            out.append(Entry("step", len(path) if own else len(path) + 1, [s.index]))
    if keep is not None:
        out = [e for e in out if keep.intersection(e.steps)]
    return out


__all__ = ["Entry", "Tree", "check_depth", "entries"]
