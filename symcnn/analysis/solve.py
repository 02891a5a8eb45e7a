"""Solving for an unknown hyperparameter: every integer value in a range that meets a target.

The unknown is a SymPy Symbol used as a hyperparameter (``nn.Conv2d(3, 64, 5, dilation=2,
padding=P)`` with ``P = sympy.Symbol("P", integer=True)``, or symcnn.core.symbols.P); the net is traced
(or one rule applied) with it, and each candidate value is substituted into the per-layer
expressions. A value is a solution when every layer is valid with it and the target holds:
``same`` (output spatial sizes equal the input's), ``out=56`` / ``out=H`` / ``out=56x28`` (the
output's spatial sizes), ``params=N`` / ``params<=N`` / ``macs<=N``. With symbolic input sizes the
target must hold for every input size the net accepts in a sample range.

Owns: Target, parse_target, Solution, solve(trace, unknown, target, values), solve_rule(...).
Never: import torch, print, or guess: an empty solution list is an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sympy import Eq, Expr, Ge, Gt, Integer, Le, Lt, Symbol, sympify

from ..core import fmt
from ..core.errors import InputError
from ..core.intarith import canon
from ..core.said import said
from ..core.symbols import size_symbol
from ..rules.base import make
from ..tracing.tracedata import Step, Trace
from .fasteval import compile_expr
from .validity import Cond, valid_inputs

_OPS = {"=": Eq, "==": Eq, "<=": Le, ">=": Ge, "<": Lt, ">": Gt}
_TARGET = re.compile(r"^\s*(same|out|params|macs)\s*(?:(<=|>=|==|=|<|>)\s*(.+?))?\s*$")


@dataclass(frozen=True, slots=True)
class Target:
    kind: str                       # same | out | params | macs
    op: str = "="
    value: tuple[Expr, ...] = ()    # out: one value per axis (or one for all); params/macs: one

    def __str__(self) -> str:
        if self.kind == "same":
            return "same"
        return f"{self.kind}{self.op}{'x'.join(fmt.text(v) for v in self.value)}"


def parse_target(text: str) -> Target:
    """'same', 'out=56', 'out=H', 'out=56x28', 'params<=100000', 'macs<=1e6' -> Target."""
    m = _TARGET.match(text or "")
    if not m or (m.group(1) != "same" and not m.group(3)) or (m.group(1) == "same" and m.group(3)):
        raise InputError(f"--target {text!r} is not understood",
                         fix="use same, out=56, out=H, out=56x28, params=N or params<=N")
    kind, op, raw = m.group(1), m.group(2) or "=", m.group(3)
    if kind == "same":
        return Target("same")
    if kind == "out" and op not in ("=", "=="):
        raise InputError(f"--target {text!r}: out takes '='", fix="write out=56 or out=H")
    parts = raw.split("x") if kind == "out" else [raw]
    vals = []
    for p in parts:
        p = p.strip()
        if re.fullmatch(r"\d+", p):
            vals.append(Integer(int(p)))
        elif re.fullmatch(r"\d+(\.\d+)?[eE]\d+", p) and float(p).is_integer():
            vals.append(Integer(int(float(p))))
        elif kind == "out" and re.fullmatch(r"[A-Za-z_]\w*", p):
            vals.append(size_symbol(p))
        else:
            raise InputError(f"--target {text!r}: {p!r} is not a size",
                             fix="give an integer, or an input size name such as H")
    return Target(kind, "=" if op == "==" else op, tuple(vals))


@dataclass(slots=True)
class Solution:
    unknown: Symbol
    target: Target
    values: list[int] = field(default_factory=list)
    tried: range = range(0)
    quantity: tuple[Expr, ...] = ()     # what the target constrains, as a function of the unknown
    wanted: tuple[Expr, ...] = ()       # what it must equal (or bound)
    notes: list[str] = field(default_factory=list)


def _quantity(trace: Trace, target: Target) -> tuple[tuple[Expr, ...], tuple[Expr, ...]]:
    nd = sum(1 for v in trace.input_shape[2:])
    if target.kind == "params":
        return (trace.total_params,), target.value
    if target.kind == "macs":
        return (trace.total_macs,), target.value
    out = tuple(trace.output_shape[-nd:]) if nd else ()
    if not out:
        raise InputError("the net's output has no spatial axes, so out/same targets do not apply",
                         fix="use params=N or macs=N")
    want = tuple(trace.input_shape[-nd:]) if target.kind == "same" else \
        (target.value * len(out) if len(target.value) == 1 else target.value)
    if len(want) != len(out):
        raise InputError(f"--target {target} gives {len(want)} sizes but the output has {len(out)} spatial axes",
                         fix=f"give one size or {len(out)} sizes joined by x")
    return out, want


def solve(trace: Trace, unknown: Symbol, target: Target | str, values=range(0, 65),
          sample=range(1, 257)) -> Solution:
    """All values of ``unknown`` in ``values`` for which the traced net is valid and meets ``target``."""
    target = parse_target(target) if isinstance(target, str) else target
    if unknown not in free_symbols(trace):
        raise InputError(f"{unknown} does not appear in the net",
                         fix=f"use {unknown} as a hyperparameter in net.py (a sympy Symbol)")
    have, want = _quantity(trace, target)
    stray = sorted({str(x) for w in want for x in sympify(w).free_symbols} - {str(x) for x in trace.symbols})
    if stray:
        raise InputError(f"--target {target}: {', '.join(stray)} is not a size of the net's input "
                         f"({', '.join(fmt.text(x) for x in trace.input_shape)})",
                         fix=f"give the input with symbols (--input 1x3x{'x'.join(stray)}...) or a number")
    v = valid_inputs(trace, extra=(unknown,))
    for s in trace.steps:     # construction-time conditions of rules built with the unknown
        for c in getattr(s.rule, "init_conditions", ()) if s.rule is not None else ():
            v.conds.append(Cond(c.holds, c.what, s.name))
    sizes = tuple(x for x in v.symbols if x != unknown)
    others = sorted(str(x) for x in free_symbols(trace) - {unknown, *sizes} if str(x) not in ("N", "C"))
    if others:
        raise InputError(f"the net has further unknowns {', '.join(others)} besides {unknown}",
                         fix=f"give {', '.join(others)} numbers in NET.py and solve for one unknown at a time")
    syms = (unknown, *sizes)
    v.symbols = syms
    rel = _OPS[target.op]
    checks = [compile_expr(rel(h, w), syms) for h, w in zip(have, want)]
    sol = Solution(unknown, target, tried=values, quantity=tuple(canon(h) for h in have), wanted=tuple(want))
    grid = [()] if not sizes else [(h,) * len(sizes) for h in sample]
    for val in values:
        ok_any, ok_all = False, True
        for g in grid:
            args = (val, *g)
            try:
                if v.failures(args):
                    continue
                ok_any = True
                if not all(c(*args) for c in checks):
                    ok_all = False
                    break
            except ZeroDivisionError:
                continue
        if ok_any and ok_all:
            sol.values.append(val)
    if sizes:
        names, a, b = ", ".join(s.name for s in sizes), sample.start, sample.stop - 1
        sol.notes.append(said("inputs.said.checked", f"checked for every accepted {names} in {a}..{b}",
                              sizes=names, a=a, b=b))
    return sol


def free_symbols(trace: Trace) -> set:
    """Every symbol in the output sizes or the hyperparameters of a traced net."""
    out = set()
    for s in trace.steps:
        for x in s.output:
            out |= getattr(sympify(x), "free_symbols", set())
        if s.rule is not None:
            for a in s.rule.args.values():
                for e in a if isinstance(a, tuple) else (a,):
                    out |= getattr(e, "free_symbols", set()) if hasattr(e, "free_symbols") else set()
    return out


def solve_rule(key: str, args: tuple, kwargs: dict, unknown: Symbol, target: Target | str,
               input_shape: tuple, values=range(0, 65)) -> Solution:
    """Solve for a hyperparameter of one layer: ``solve_rule("nn.Conv2d", (1, 1, 5), {"dilation": 2,
    "padding": P}, P, "same", (1, 1, H, W))`` gives P = 4."""
    rule = make(key, *args, **kwargs)
    res = rule(input_shape)
    step = Step(0, rule.name, key, "module", None, (tuple(input_shape),), res.shape, rule, res, (-1,))
    t = Trace(rule.name, "<rule>", tuple(sympify(x) for x in input_shape), [step], res.shape)
    return solve(t, unknown, target, values)


__all__ = ["Solution", "Target", "free_symbols", "parse_target", "solve", "solve_rule"]
