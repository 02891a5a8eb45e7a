"""Valid input sizes of a net traced with symbolic spatial sizes (H, W): conditions and size tables.

A size is *accepted* when every condition of the trace holds (each layer's output ≥ 1, fixed-size
views and Linear in_features, residual adds and concatenations) and every step's output size is a
positive integer; it is *valid* when, in addition, the net keeps one output row per input sample
(a view(−1, 320) can silently turn one image into several rows). *Exact* sizes are those where no
floor in any layer drops a pixel. Everything is decided by evaluating the per-layer expressions
(compiled once to Python by fasteval.compile_expr, exact integer/Fraction arithmetic, guarded against
huge expressions), never by re-tracing. Closed forms of conditions and size sets are in sizeforms.py.

Owns: Validity, Cond, valid_inputs(trace).
Never: import torch, run net.py, print, or evaluate an expression other than through compile_expr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sympy import Basic, Eq, Expr, Ge, Integer, Le, Max, Mod, Symbol, sympify
from sympy.logic.boolalg import BooleanTrue

from ..core import fmt
from ..core.errors import InputError
from ..core.said import said
from .fasteval import compile_expr
from .sizeforms import closed_form, describe, eq_closed


@dataclass(slots=True)
class Cond:
    """One condition on the input sizes, with the step that introduced it."""

    holds: Basic
    what: str
    step: str | None = None
    kind: str = "layer"   # layer | view | join | size
    # view(−1, n) with a fixed n: torch runs whenever the element count divides (``relaxed``), but
    # one sample stays one row only when ``holds``; the extra rows are ``rows``
    relaxed: Basic | None = None
    rows: Basic | None = None

    @property
    def symbols(self) -> set:
        return set(getattr(self.holds, "free_symbols", set()))

    def closed(self, rng: range | None = None) -> str | None:
        """The condition solved for its size when it is a linear floor bound (H ≥ 16); an equation
        with its common factor divided out (a·b = 16); else, given a range, the sizes in it where a
        one-size condition holds."""
        found = closed_form(self.holds) or eq_closed(self.holds)
        if found or rng is None or len(self.symbols) != 1:
            return found
        (s,) = self.symbols
        f = compile_expr(self.holds, (s,))
        closed = describe(s.name, [h for h in rng if f(h)], rng.start, rng.stop - 1)
        return said("inputs.said.within", f"{closed} (in {rng.start}..{rng.stop - 1})", closed=closed,
                    a=rng.start, b=rng.stop - 1)

    @property
    def text(self) -> str:
        c = self.holds
        return f"{fmt.text(c.lhs)} = {fmt.text(c.rhs)}" if isinstance(c, Eq) else fmt.text(c)


@dataclass
class Validity:
    """What a traced net needs of its input sizes; evaluate with ``accepts``/``valid``/``exact``."""

    symbols: tuple[Symbol, ...]
    conds: list[Cond] = field(default_factory=list)
    sizes_exprs: list[Expr] = field(default_factory=list)   # every non-constant output size
    # per windowed layer and axis: its last window reaches the last real pixel it could (no floor
    # drops a pixel): (L + 2p − K_eff) mod S ≤ p + max(0, S − K_eff), K_eff = d(k − 1) + 1
    exact_conds: list[Basic] = field(default_factory=list)
    batch_in: Expr | None = None
    batch_out: Expr | None = None

    @cached_property
    def _fns(self):
        syms = self.symbols
        return ([compile_expr(c.holds, syms) for c in self.conds],
                [compile_expr(c.relaxed, syms) if c.relaxed is not None else None for c in self.conds],
                [compile_expr(e, syms) for e in self.sizes_exprs],
                [compile_expr(c, syms) for c in self.exact_conds],
                compile_expr(Eq(self.batch_out, self.batch_in), syms) if self.batch_out is not None else None)

    def _vals(self, values) -> tuple:
        if isinstance(values, int):
            return (values,) * len(self.symbols)
        if isinstance(values, dict):
            return tuple(values[s.name] if s.name in values else values[s] for s in self.symbols)
        return tuple(values)

    def failures(self, values, *, strict: bool = True) -> list[Cond]:
        """The conditions that fail at these sizes (an int means the same size on every axis);
        ``strict=False`` lets a fixed-size view make several rows of one sample, as torch does."""
        v = self._vals(values)
        conds, relaxed, sizes, _, _ = self._fns
        out = []
        for c, f, g in zip(self.conds, conds, relaxed):
            try:
                ok = f(*v) or (not strict and g is not None and g(*v))
            except ZeroDivisionError:
                ok = False
            if not ok:
                out.append(c)
        for e, f in zip(self.sizes_exprs, sizes):
            x = f(*v)
            if not (x == int(x) and x >= 1):
                out.append(Cond(Ge(e, 1), f"size {fmt.text(e)} = {x} is not a positive integer", kind="size"))
        return out

    def accepts(self, values) -> bool:
        """PyTorch runs the net at these sizes."""
        return not self.failures(values, strict=False)

    def one_row(self, values) -> bool:
        """The output has as many rows as the input has samples."""
        f = self._fns[4]
        return True if f is None else bool(f(*self._vals(values)))

    def valid(self, values) -> bool:
        """Torch runs the net and every sample stays one row."""
        return not self.failures(values) and self.one_row(values)

    def exact(self, values) -> bool:
        """Valid, and no floor in any conv/pool drops a real pixel (the last window reaches as far as
        the stride pattern allows)."""
        v = self._vals(values)
        return self.valid(v) and all(f(*v) for f in self._fns[3])

    def sizes(self, rng=range(1, 513), *, which: str = "valid") -> list[int]:
        """The sizes h in rng (the same on every axis) that are valid / accepted / exact."""
        test = {"valid": self.valid, "accepted": self.accepts, "exact": self.exact}[which]
        return [h for h in rng if test(h)]

    def axis_conds(self) -> dict[Symbol, list[Cond]]:
        out: dict[Symbol, list[Cond]] = {s: [] for s in self.symbols}
        for c in self.conds:
            if len(c.symbols) == 1:
                (s,) = c.symbols
                if s in out:
                    out[s].append(c)
        return out

    def joint_conds(self) -> list[Cond]:
        return [c for c in self.conds if len(c.symbols) > 1]

    def minimum(self, rng=range(1, 513)) -> dict[str, int | None]:
        """Smallest valid size per axis (the other axes large enough), from the per-axis conditions."""
        out = {}
        for s, conds in self.axis_conds().items():
            fns = [compile_expr(c.holds, (s,)) for c in conds]
            out[s.name] = next((h for h in rng if all(f(h) for f in fns)), None)
        return out

    def pairs(self, rng=range(1, 129), *, which: str = "valid") -> list[tuple[int, ...]]:
        """Valid (H, W) pairs in rng × rng: each axis filtered by its own conditions and sizes first,
        then only the joint conditions, joint sizes and the one-row check on the remaining pairs."""
        if len(self.symbols) != 2:
            raise ValueError("pairs() needs exactly two spatial axes")
        cand = []
        for s in self.symbols:
            fns = [compile_expr(c.holds, (s,)) for c in self.conds if c.symbols == {s}]
            fns += [compile_expr(e >= 1, (s,)) for e in self.sizes_exprs if e.free_symbols == {s}]
            cand.append([h for h in rng if all(f(h) for f in fns)])
        joint = [compile_expr(c.holds if which == "valid" or c.relaxed is None else c.relaxed | c.holds,
                              self.symbols) for c in self.conds if len(c.symbols) > 1]
        sizes = [compile_expr(e, self.symbols) for e in self.sizes_exprs if len(e.free_symbols) > 1]
        one = self._fns[4] if which == "valid" else None

        def ok(h, w):
            if not all(f(h, w) for f in joint):
                return False
            for f in sizes:
                x = f(h, w)
                if not (x == int(x) and x >= 1):
                    return False
            return one is None or one(h, w)

        return [(h, w) for h in cand[0] for w in cand[1] if ok(h, w)]

    def rectangles(self, rng=range(1, 129), *, which: str = "valid") -> list[tuple[list[int], list[int]]]:
        """The valid pairs grouped as (H values, W values) blocks: H ∈ 20..23 with W ∈ 44..47."""
        by_h: dict[int, tuple[int, ...]] = {}
        for h, w in self.pairs(rng, which=which):
            by_h.setdefault(h, ())
            by_h[h] += (w,)
        out: list[tuple[list[int], list[int]]] = []
        for h in sorted(by_h):
            if out and out[-1][1] == list(by_h[h]) and out[-1][0][-1] == h - 1:
                out[-1][0].append(h)
            else:
                out.append(([h], list(by_h[h])))
        return out


def _exact(step, syms: set) -> list[Basic]:
    """No real pixel is left out by the floor of a conv/pool (ceil_mode pools never leave one out)."""
    rule = step.rule
    ks, ss, ps = (getattr(rule, a, None) for a in ("k", "s", "p"))
    if rule is None or ks is None or ss is None or ps is None or hasattr(rule, "op") \
            or getattr(rule, "ceil_mode", False) or not step.inputs:
        return []
    ds = getattr(rule, "d", None) or (1,) * len(ks)
    spatial = step.inputs[0][-len(ks):]
    out = []
    for L, k, s, p, d in zip(spatial, ks, ss, ps, ds):
        L = sympify(L)
        if not (L.free_symbols & syms) or not sympify(s).is_Integer or s == 1:
            continue
        keff = d * (k - 1) + 1
        out.append(Le(Mod(L + 2 * p - keff, s), p + Max(0, s - keff)))
    return out


def valid_inputs(trace, extra: tuple = ()) -> Validity:
    """The conditions a traced net (symbolic spatial sizes) puts on its input sizes.

    ``extra``: further symbols to keep free (an unknown hyperparameter, for solve.py)."""
    order = [str(v) for v in trace.input_shape]
    syms = tuple(sorted(trace.symbols - {s for s in trace.symbols if s.name in ("N", "C")},
                        key=lambda s: order.index(s.name) if s.name in order else 99))
    syms = (*syms, *(e for e in extra if e not in syms))
    # a symbolic batch N is taken as one sample (the question is per sample); other symbols are errors
    fixed = {s: Integer(1) for s in trace.symbols if s.name == "N"}
    stray = sorted(s.name for s in trace.symbols - set(syms) - set(fixed))
    if stray:
        raise InputError(f"the input size {', '.join(stray)} must be a number to find the valid sizes",
                         fix="give the channels as a number, e.g. --input 1x3xHxW")
    v = Validity(syms)
    seen = set()

    def add(holds, what, step, kind, relaxed=None, rows=None):
        holds = sympify(holds).xreplace(fixed)
        relaxed = relaxed.xreplace(fixed) if relaxed is not None else None
        rows = rows.xreplace(fixed) if rows is not None else None
        if holds in seen or holds is True or isinstance(holds, BooleanTrue):
            return
        seen.add(holds)
        v.conds.append(Cond(holds, what, step, kind, relaxed, rows))

    by_index = {s.index: s for s in trace.steps}
    for c in trace.constraints:
        holds, step = c.condition.holds, by_index.get(c.step)
        kind, relaxed, rows = "layer", None, None
        if isinstance(holds, Eq) and step is not None:
            tail = step.key.rsplit(".", 1)[-1].lower()
            kind = "view" if tail in ("view", "reshape", "flatten", "linear") else \
                "join" if tail in ("add", "cat", "__add__", "mul", "sub", "stack") else "layer"
            if tail in ("view", "reshape") and holds.rhs.is_Integer and step.inputs and step.inputs[0]:
                batch = sympify(step.inputs[0][0])
                relaxed = Eq(Mod(batch * holds.lhs, holds.rhs), 0)
                rows = batch * holds.lhs / holds.rhs
        add(holds, c.condition.what, step.name if step is not None else None, kind, relaxed, rows)
    for s in trace.steps:
        for c in (s.result.conditions if s.result is not None else ()):
            add(c.holds, c.what, s.name, "layer")
        for x in s.output:
            x = sympify(x).xreplace(fixed)
            if x.free_symbols & set(syms) and x not in v.sizes_exprs:
                v.sizes_exprs.append(x)
        v.exact_conds.extend(c for c in _exact(s, set(syms)) if c not in v.exact_conds)
    if len(trace.input_shape) >= 2 + len(syms) and trace.output_shape:
        v.batch_in = sympify(trace.input_shape[0]).xreplace(fixed)
        v.batch_out = sympify(trace.output_shape[0]).xreplace(fixed)
        if v.batch_in == v.batch_out:
            v.batch_in = v.batch_out = None
    return v


__all__ = ["Cond", "Validity", "valid_inputs"]
