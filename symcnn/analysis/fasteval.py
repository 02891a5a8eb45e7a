"""Fast exact evaluation of size expressions: ``compile_expr`` turns a SymPy expression into Python.

validity.py and solve.py evaluate the same per-layer expressions (output sizes, conditions, targets)
at hundreds or thousands of input sizes; the exact interpreter ``formula_parse.evaluate`` walks the
SymPy tree each time, so the expression is translated once into a Python lambda over ints and
Fractions instead (``//``, ``%``, ``math.floor``, ``min``, comparisons, ``and``/``or``).

Where the expressions come from: the rules of symcnn build them, but from the user's net.py (its
hyperparameters and any arithmetic it does on sizes) and from ``--target``, so they are untrusted in
size. ``guard`` therefore bounds them before anything is compiled or evaluated: the polynomial degree
(the bits of a value grow with it; a power nested in powers multiplies it) at most ``MAX_DEGREE``, the
same bound as the exponents ``formula_parse.evaluate`` accepts; the number of nodes with repeats
counted (the length of the generated code) at most ``MAX_NODES``; the depth at most ``MAX_DEPTH``; and
only node types whose cost is known. Anything beyond is one ExprLimitError, never a hang or a
memory blow-up.

Owns: compile_expr, guard, ExprLimitError, MAX_DEGREE, MAX_NODES, MAX_DEPTH.
Never: import torch, evaluate anything without ``guard``, or ``eval`` text that did not come from ``_py``.
"""

from __future__ import annotations

import math
from fractions import Fraction

from sympy import Add, And, Basic, Max, Min, Mod, Mul, Not, Or, Pow, Symbol, ceiling, floor, sympify
from sympy.core.relational import Eq, Ge, Gt, Le, Lt, Ne
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from ..core import fmt
from ..core.errors import InputError
from ..core.formula_parse import MAX_EVAL_POWER
from ..core.intarith import FloorDiv

MAX_DEGREE = MAX_EVAL_POWER   # the exact interpreter's exponent limit: one bound for both
MAX_NODES = 50_000     # real nets' expressions have < 100 (examples/: at most 19, degree 2, depth 7)
MAX_DEPTH = 150        # the guard and the interpreter recurse once or twice per level (Python stops at 1000)
_REL = {Eq: "==", Ne: "!=", Ge: ">=", Gt: ">", Le: "<=", Lt: "<"}
_BINARY = {FloorDiv: "//", Mod: "%", **_REL}                    # ((a) op (b))
_JOIN = {Add: " + ", Mul: " * ", And: " and ", Or: " or "}      # (a op b op c)
# node types whose value has at most the degree of their largest argument
_MAX_OF_ARGS = (Add, Mod, floor, ceiling, Min, Max, FloorDiv, And, Or, Not, *_REL)


class ExprLimitError(InputError):
    """A size expression too large or of a kind symcnn cannot evaluate in bounded time and memory."""


def _fail(e: Basic, why: str) -> None:
    n = _count(e)
    text = fmt.text(e) if n <= 60 else f"[{type(e).__name__} of {n:,} nodes]"
    raise ExprLimitError(f"the size expression {text} {why}; evaluating it at many input sizes could exhaust "
                         "time or memory",
                         fix="build sizes in NET.py from + − × // % and small integer powers of the sizes")


def _count(e: Basic) -> int:
    """Nodes of ``e`` with every repeat counted (a shared subtree is stored once but printed each time);
    iterative, so any depth is fine."""
    memo: dict = {}
    stack = [(e, False)]
    while stack:
        x, done = stack.pop()
        if done:
            memo[x] = 1 + sum(memo[a] for a in x.args)
        elif x not in memo:
            stack.append((x, True))
            stack.extend((a, False) for a in x.args if a not in memo)
    return memo[e]


def _degree(e: Basic, syms: frozenset, memo: dict, depth: int = 0) -> int:
    """An upper bound on the polynomial degree of ``e`` in ``syms``; raises ExprLimitError."""
    if e in memo:
        return memo[e]
    if depth > MAX_DEPTH:
        _fail(e, f"is nested more than {MAX_DEPTH} levels deep")
    if e.is_Atom:
        d = 1 if e in syms else 0               # numbers, True/False, other symbols (refused when run)
    elif isinstance(e, Mul):
        d = sum(_degree(a, syms, memo, depth + 1) for a in e.args)
    elif isinstance(e, Pow):
        base = _degree(e.base, syms, memo, depth + 1)
        if e.exp.is_Integer:
            d = abs(int(e.exp)) * base
        else:   # evaluate() takes exponents 0..64 only (checked when run), so a power has ≤ 64× the bits
            d = MAX_DEGREE * max(base, _degree(e.exp, syms, memo, depth + 1) and 1)
    else:
        d = max((_degree(a, syms, memo, depth + 1) for a in e.args), default=0)
        if d and not isinstance(e, _MAX_OF_ARGS):
            _fail(e, f"uses {type(e).__name__} of the input sizes, which symcnn does not evaluate")
    if d > MAX_DEGREE:
        _fail(e, f"has degree {d} in the input sizes (at most {MAX_DEGREE})")
    memo[e] = d
    return d


def guard(e: Basic, symbols: tuple[Symbol, ...]) -> None:
    """Raise ExprLimitError unless ``e`` can be evaluated at integer ``symbols`` in bounded time and space."""
    n = _count(e)
    if n > MAX_NODES:
        _fail(e, f"is longer than {MAX_NODES:,} nodes when written out")
    _degree(e, frozenset(symbols), {})


def _py(e: Basic, names: dict) -> str:
    if isinstance(e, (BooleanTrue,)) or e is True:
        return "True"
    if isinstance(e, BooleanFalse) or e is False:
        return "False"
    if e.is_Integer:
        return str(int(e))
    if e.is_Rational:
        return f"Fraction({e.p}, {e.q})"
    if isinstance(e, Symbol):
        return names[e]
    for cls, op in _BINARY.items():
        if isinstance(e, cls):
            return f"(({_py(e.args[0], names)}) {op} ({_py(e.args[1], names)}))"
    for cls, sep in _JOIN.items():
        if isinstance(e, cls):
            return "(" + sep.join(_py(a, names) for a in e.args) + ")"
    if isinstance(e, Pow) and e.exp.is_Integer:
        base = _py(e.base, names)
        return f"(Fraction(1) / ({base}) ** {-int(e.exp)})" if e.exp < 0 else f"(({base}) ** {int(e.exp)})"
    if isinstance(e, (floor, ceiling)):
        return f"math.{'floor' if isinstance(e, floor) else 'ceil'}({_py(e.args[0], names)})"
    if isinstance(e, (Min, Max)):
        return f"{'min' if isinstance(e, Min) else 'max'}(" + ", ".join(_py(a, names) for a in e.args) + ")"
    if isinstance(e, Not):
        return f"(not {_py(e.args[0], names)})"
    raise TypeError(type(e).__name__)


def compile_expr(e, symbols: tuple[Symbol, ...]):
    """A fast exact evaluator of ``e`` at integer values of ``symbols`` (positional arguments).

    Raises ExprLimitError (before compiling) for an expression ``guard`` refuses."""
    e = sympify(e)
    guard(e, symbols)
    names = {s: f"a{i}" for i, s in enumerate(symbols)}
    try:
        src = f"lambda {', '.join(names.values()) or '_=None'}: {_py(e, names)}"
        return eval(src, {"Fraction": Fraction, "math": math})  # the source is built by _py above
    except (TypeError, KeyError, SyntaxError, RecursionError):  # a node _py does not translate, or code
        # nested deeper than Python's parser takes: the exact interpreter instead
        return _interpreted(e, symbols)


def _interpreted(e: Basic, symbols: tuple[Symbol, ...]):
    from ..core.formula_parse import evaluate

    def run(*vals):
        try:
            return evaluate(e, dict(zip(symbols, vals)))
        except ValueError as exc:   # a power outside 0..64 at these values
            raise ExprLimitError(f"the size expression {fmt.text(e)} cannot be evaluated at "
                                 f"{', '.join(f'{s} = {v}' for s, v in zip(symbols, vals))}: {exc}",
                                 fix="use integer exponents of at most 64 in NET.py") from None

    return run


__all__ = ["MAX_DEGREE", "MAX_DEPTH", "MAX_NODES", "ExprLimitError", "compile_expr", "guard"]
