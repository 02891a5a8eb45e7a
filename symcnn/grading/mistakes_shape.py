"""Shape mistakes: each id recomputes one axis of a conv/pool output the way a student who made that
mistake would, from the rule's own hyper-parameters (``.k .s .p .d``, ``ceil_mode``,
``output_padding``). ``Scenario`` propagates the wrong size through the later layers with their true
rules, so a wrong conv2 can be traced back to a mistake made in conv1.

One entry per id: ``AXIS[mid]`` (a convolution or pooling window) and ``TRANSPOSED[mid]`` (a
transposed convolution) take ``(L, k, s, p, d, extra)`` and give the mistaken length, or None where
the mistake changes nothing (``extra`` is ceil_mode, or output_padding for a transposed conv).

Owns: AXIS, TRANSPOSED, SHAPE_MISTAKES, mistaken_output, conv_macs, Scenario.
Never: write a message, read answers, format reports, or change a Trace.
"""

from __future__ import annotations

from math import prod

from sympy import Expr, Integer

from ..core.errors import SymcnnError
from ..core.intarith import FloorDiv
from ..rules.base import numel
from ..tracing.tracedata import Step, Trace


def _out(L, pad, keff, s, up: bool, plus=1):
    """⌊(L + pad − keff)/s⌋ + plus (⌈ ⌉ when ``up``)."""
    num = L + pad - keff
    return FloorDiv(num + s - 1, s) + plus if up else FloorDiv(num, s) + plus


def _keff(k, d):
    return d * (k - 1) + 1


AXIS = {   # mid -> (L, k, s, p, d, ceil_mode) -> mistaken output length, or None: not applicable
    "forgot_plus_one": lambda L, k, s, p, d, c: _out(L, 2 * p, _keff(k, d), s, False, plus=0),
    "padding_one_side": lambda L, k, s, p, d, c: _out(L, p, _keff(k, d), s, c) if p != 0 else None,
    "padding_ignored": lambda L, k, s, p, d, c: _out(L, 0, _keff(k, d), s, c) if p != 0 else None,
    "padding_subtracted": lambda L, k, s, p, d, c: _out(L, -2 * p, _keff(k, d), s, c) if p != 0 else None,
    "ceil_instead_of_floor": lambda L, k, s, p, d, c: (_out(L, 2 * p, _keff(k, d), s, True)
                                                       if not c and s != 1 else None),
    "floor_instead_of_ceil": lambda L, k, s, p, d, c: (_out(L, 2 * p, _keff(k, d), s, False)
                                                       if c and s != 1 else None),
    "dilation_ignored": lambda L, k, s, p, d, c: _out(L, 2 * p, k, s, c) if d != 1 else None,
    "dilation_rf_formula": lambda L, k, s, p, d, c: (_out(L, 2 * p, (k + 1) * (d - 1) + k, s, c)
                                                     if d != 1 else None),
    "stride_ignored": lambda L, k, s, p, d, c: _out(L, 2 * p, _keff(k, d), 1, False) if s != 1 else None,
}

TRANSPOSED = {   # mid -> (L, k, s, p, d, output_padding) -> mistaken output length, or None
    "forgot_plus_one": lambda L, k, s, p, d, op: (L - 1) * s + op - 2 * p + d * (k - 1),
    "padding_one_side": lambda L, k, s, p, d, op: (L - 1) * s + op + 1 - p + d * (k - 1) if p != 0 else None,
    "padding_ignored": lambda L, k, s, p, d, op: (L - 1) * s + op + 1 + d * (k - 1) if p != 0 else None,
    "dilation_ignored": lambda L, k, s, p, d, op: (L - 1) * s + op + 1 - 2 * p + (k - 1) if d != 1 else None,
    "dilation_rf_formula": lambda L, k, s, p, d, op: ((L - 1) * s + op + 1 - 2 * p + (k + 1) * (d - 1) + k - 1
                                                      if d != 1 else None),
    "transposed_as_conv": lambda L, k, s, p, d, op: FloorDiv(L + 2 * p - d * (k - 1) - 1, s) + 1,
    "stride_ignored": lambda L, k, s, p, d, op: L + op - 2 * p + d * (k - 1) if s != 1 else None,
}

SHAPE_MISTAKES = tuple(dict.fromkeys([*AXIS, *TRANSPOSED]))


def windowed(rule) -> bool:
    """A conv or pool rule with per-axis kernel, stride, padding and dilation."""
    return rule is not None and all(hasattr(rule, a) for a in ("k", "s", "p", "d")) and rule.p is not None


def transposed(rule) -> bool:
    return hasattr(rule, "op")


def mistaken_output(mid: str, step: Step, x) -> tuple | None:
    """Output shape of ``step`` on input ``x`` under shape mistake ``mid``; None if it does not apply."""
    rule = step.rule
    if not windowed(rule) or not step.output:
        return None
    nd = len(rule.k)
    spatial = x[-nd:]
    if transposed(rule):
        f = TRANSPOSED.get(mid)
        extra = rule.op
    else:
        f = AXIS.get(mid)
        extra = (bool(getattr(rule, "ceil_mode", False)),) * nd
    if f is None:
        return None
    outs = [f(L, k, s, p, d, e) for L, k, s, p, d, e in zip(spatial, rule.k, rule.s, rule.p, rule.d, extra)]
    if all(o is None for o in outs):
        return None
    if tuple(x) == tuple(step.inputs[0]):
        true = step.output[-nd:]
    else:
        try:
            true = rule(x).shape[-nd:]
        except (SymcnnError, TypeError, ValueError, ZeroDivisionError):
            return None
    outs = [t if o is None else o for o, t in zip(outs, true)]
    return (*x[:-nd - 1], step.output[-nd - 1], *outs)


def conv_macs(step: Step, x, out_spatial) -> Expr:
    """MACs of a (transposed) conv step on input x with the given output spatial sizes."""
    rule = step.rule
    nd = len(rule.k)
    if rule.family != "conv":
        return Integer(0)
    per = rule.c_in * rule.c_out / rule.groups * prod(rule.k)
    grid = x[-nd:] if transposed(rule) else out_spatial
    return numel(x[:-nd - 1]) * numel(grid) * per


class Scenario:
    """A shape mistake made at one step (``origin``) or at every step where it applies (origin None),
    propagated through the later steps with their true rules; with ``seed``, the output of ``origin``
    is that shape (a student's own earlier answer). ``changed`` maps a step index to its
    (shape, macs) under the mistake; ``broken`` holds steps whose value cannot be recomputed."""

    def __init__(self, trace: Trace, mid: str, origin: int | None, seed: tuple | None = None,
                 memo: dict | None = None):
        self.changed: dict[int, tuple[tuple, Expr]] = {}
        self.broken: set[int] = set()
        self.memo = {} if memo is None else memo   # (step, inputs) -> (shape, macs) or None: shared
        for st in trace.steps:
            if origin is not None and st.index < origin:
                continue
            parents = st.parents if st.parents and len(st.parents) == len(st.inputs) else ()
            if any(p in self.broken for p in parents):
                self.broken.add(st.index)
                continue
            ins = tuple(self.changed[p][0] if p in self.changed else x for p, x in zip(parents, st.inputs)) \
                or tuple(st.inputs)
            moved = any(p in self.changed for p in parents)
            if seed is not None and st.index == origin:
                self.changed[st.index] = (tuple(seed), st.macs)
                continue
            if origin is None or st.index == origin:
                wrong = mistaken_output(mid, st, ins[0]) if ins else None
                if wrong is not None and tuple(wrong) != tuple(st.output):
                    self.changed[st.index] = (wrong, conv_macs(st, ins[0], wrong[-len(st.rule.k):]))
                    continue
            if moved:
                self._follow(st, ins)

    def _follow(self, st: Step, ins: tuple) -> None:
        x = ins[0]
        if st.rule is not None:
            key = (st.index, ins)
            if key not in self.memo:
                try:
                    r = st.rule(*ins)
                    self.memo[key] = (tuple(r.shape), r.macs)
                except (SymcnnError, TypeError, ValueError, ZeroDivisionError):
                    self.memo[key] = None
            if self.memo[key] is None:
                self.broken.add(st.index)
            elif self.memo[key] != (tuple(st.output), st.macs):   # converged back to the truth: stop
                self.changed[st.index] = self.memo[key]
        elif st.inputs and tuple(st.output) == tuple(st.inputs[0]):
            self.changed[st.index] = (tuple(x), st.macs)
        elif st.inputs and len(st.output) == 2 and len(x) >= 2 and numel(st.inputs[0][1:]) == st.output[1]:
            self.changed[st.index] = ((x[0], numel(x[1:])), st.macs)
        else:
            self.broken.add(st.index)


__all__ = ["AXIS", "SHAPE_MISTAKES", "TRANSPOSED", "Scenario", "conv_macs", "mistaken_output", "transposed",
           "windowed"]
