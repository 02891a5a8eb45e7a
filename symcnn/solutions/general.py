"""The general formula of a layer: its rule called with the symbols of symcnn/core/symbols.py.

For a configured layer (a Step's rule) ``general(rule, inputs)`` rebuilds the same rule with every
numeric hyper-parameter that the rule's ``legend`` names replaced by its symbol (per-axis symbols
K_H, K_W when a tuple's entries differ) and the input dims replaced by size symbols (N, C_in, H_in,
W_in, ...), calls it, and returns the symbolic result with the values of every symbol for this
layer. ``formula(key)`` does the same for a layer type with all its legend arguments symbolic.
There is no second copy of any formula: what is shown is what the rule computes.

Owns: General, general(), dim_symbols(), matmul_macs(). Never: format text, or know about templates.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import lru_cache
from math import prod

from sympy import Basic, Expr, Integer, Symbol

from ..core.errors import SymcnnError
from ..core.symbols import MM_B, MM_K, MM_M, MM_N, size_symbol
from ..rules.base import RULES, Condition, Result, Rule
from ..tracing.indexing import matmul_macs as engine_matmul_macs

_SPATIAL = {1: ("L",), 2: ("H", "W"), 3: ("T", "H", "W")}
_BY_RANK = {1: ("F",), 2: ("N", "F"), 3: ("N", "C", "L"), 4: ("N", "C", "H", "W"), 5: ("N", "C", "T", "H", "W")}
_INPUT_ARGS = ("in_channels", "num_features", "num_channels", "in_features", "in1_features")


@dataclass(slots=True)
class General:
    """A layer's rule called with symbols, and the value of each symbol for this layer."""

    rule: Rule
    inputs: tuple[tuple[Expr, ...], ...]   # symbolic input shapes (N, C_in, H_in, W_in)
    result: Result
    outputs: tuple[Expr, ...]              # symbols naming the output dims (N, C_out, H_out, W_out)
    values: dict = field(default_factory=dict)   # symbol -> value for this layer
    args: dict = field(default_factory=dict)     # symbol -> torch argument name
    base: dict = field(default_factory=dict)     # per-axis symbol -> name of its legend symbol

    @property
    def macs(self) -> Expr:
        """The MAC formula with computed output dims written as H_out, W_out, ..."""
        swap = {e: s for e, s in zip(self.result.shape, self.outputs) if e != s and not e.is_Atom}
        return self.result.macs.xreplace(swap)


def _axis_symbol(sym: Symbol, axis: str) -> Symbol:
    return Symbol(f"{sym.name}_{axis}", **sym.assumptions0)


def _numeric(v) -> bool:
    if isinstance(v, tuple):
        return bool(v) and all(_numeric(e) for e in v)
    return isinstance(v, Expr) and not isinstance(v, bool) and v.is_integer is True


def dim_symbols(rank: int, nd: int, suffix: str = "_in", channel: Symbol | None = None) -> tuple:
    """Names of the dims of a rank-``rank`` tensor entering a layer with ``nd`` spatial axes."""
    if nd and rank >= nd + 1:
        names = ["N"] * (rank - nd - 1) + ["C"] + list(_SPATIAL[nd])
        if rank - nd - 1 > 1:
            names[: rank - nd - 1] = [f"N{i}" for i in range(rank - nd - 1)]
    else:
        names = list(_BY_RANK.get(rank, [f"d{i}" for i in range(rank)]))
    out = [size_symbol(n if n.startswith("N") else n + suffix) for n in names]
    if channel is not None and out:
        idx = rank - nd - 1 if nd else rank - 1
        if 0 <= idx < rank:
            out[idx] = channel
    return tuple(out)


def _call(cls: type[Rule], key: str, args: dict) -> Rule:
    """Construct a rule from a dict of argument values, honouring *args parameters."""
    sig = inspect.signature(cls.setup)
    pos, kw = [], {}
    for name, p in list(sig.parameters.items())[1:]:
        if name not in args:
            continue
        if p.kind is p.VAR_POSITIONAL:
            pos.extend(args[name])
        elif p.kind is p.VAR_KEYWORD:
            kw.update(args[name])
        elif p.kind is p.POSITIONAL_ONLY:
            pos.append(args[name])
        else:
            kw[name] = args[name]
    return cls(key, *pos, **kw)


def _channel_symbol(cls: type[Rule], values: dict | None, dim) -> Symbol | None:
    for name in _INPUT_ARGS:
        sym = cls.legend.get(name)
        if sym is not None and (values is None or values.get(sym) == dim):
            return sym
    return None


def general(rule: Rule, inputs: tuple, output: tuple = ()) -> General | None:
    """The rule of this layer called with symbols. None when the rule cannot be called that way
    (a required argument has no symbol, or the rule needs numbers): then only values are shown."""
    cls = type(rule)
    gargs, values, argname, base = {}, {}, {}, {}
    axes = _SPATIAL.get(rule.nd, ())
    for name, raw in rule.raw_args.items():
        sym, v = cls.legend.get(name), rule.args.get(name)
        if sym is None or not _numeric(v):
            gargs[name] = raw
            continue
        if isinstance(v, tuple):
            if len(set(v)) == 1:
                gargs[name], values[sym] = (sym,) * len(v), v[0]
                argname[sym] = name
            else:
                syms = tuple(_axis_symbol(sym, axes[i] if len(axes) == len(v) else str(i))
                             for i in range(len(v)))
                gargs[name] = syms
                for s, e in zip(syms, v):
                    values[s], argname[s], base[s] = e, name, sym.name
        else:
            gargs[name], values[sym], argname[sym] = sym, v, name
    if not inputs:
        return None
    shapes = []
    for i, x in enumerate(inputs):
        names = rule.dim_names(len(x), i)
        if names == ():
            break   # the rule's general formula takes the inputs before this one (an RNN's hx is left out)
        if names:
            dims = tuple(size_symbol(n) for n in names)
        else:
            ch_idx = len(x) - rule.nd - 1 if rule.nd else len(x) - 1
            ch = _channel_symbol(cls, values, x[ch_idx]) if 0 <= ch_idx < len(x) else None
            dims = dim_symbols(len(x), rule.nd, channel=ch)
            if len(inputs) > 1:
                dims = tuple(d if d in values else Symbol(f"{d.name}{len(shapes) + 1}", **d.assumptions0)
                             for d in dims)
        for d, v in zip(dims, x):
            values.setdefault(d, v)
        shapes.append(dims)
    found = _cached(cls, rule.key, _freeze(gargs), tuple(shapes))
    for keep in (lambda v: v in (0, 1), lambda v: True):
        if found is not None:
            break
        # Some rules branch on a value (padding='same' needs stride 1): keep such values as numbers.
        gargs = {n: (rule.raw_args[n] if argname.get(_first(g)) == n and keep(values.get(_first(g))) else g)
                 for n, g in gargs.items()}
        found = _cached(cls, rule.key, _freeze(gargs), tuple(shapes))
    if found is None:
        return None
    grule, result = found
    named = rule.dim_names(len(result.shape), -1)
    outs = tuple(size_symbol(n) for n in named) if named else dim_symbols(len(result.shape), rule.nd, "_out")
    outs = tuple(e if isinstance(e, Symbol) else o for e, o in zip(result.shape, outs))
    for o, v in zip(outs, output):
        values.setdefault(o, v)
    return General(grule, tuple(shapes), result, outs, values, argname, base)


def _first(g):
    return g[0] if isinstance(g, tuple) and g else g


def _freeze(v):
    if isinstance(v, dict):
        return tuple((k, _freeze(e)) for k, e in v.items())
    if isinstance(v, list):
        return ("__list__", *(_freeze(e) for e in v))
    return v


def _thaw(v):
    if isinstance(v, tuple) and v and v[0] == "__list__":
        return [_thaw(e) for e in v[1:]]
    return v


@lru_cache(maxsize=4096)
def _cached(cls, key, frozen, shapes):
    args = {k: _thaw(v) for k, v in frozen}
    try:
        grule = _call(cls, key, args)
        return grule, grule(*shapes)
    except (SymcnnError, TypeError, ValueError, AttributeError):
        return None


def general_inputs(rule: Rule) -> tuple[tuple[Expr, ...], ...] | None:
    """The symbolic inputs of a rule that names its input dims (``Rule.general_ranks``, ``dim_names``):
    an RNN's (L, N, F_in), attention's query, key and value. None: the default by rank."""
    if not rule.general_ranks:
        return None
    return tuple(tuple(size_symbol(n) for n in rule.dim_names(r, i)) for i, r in enumerate(rule.general_ranks))


def general_input(cls: type[Rule], key: str) -> tuple[Expr, ...]:
    """The symbolic input a layer type's general formula is stated for: (N, C_in, H_in, W_in)."""
    nd = cls.keys.get(key, 0)
    ch = _channel_symbol(cls, None, None)
    if nd:
        return dim_symbols(nd + 2, nd, channel=ch)
    if ch is not None:
        return dim_symbols(2, 0, channel=ch)
    return dim_symbols(4, 0)


def symbolic_rule(key: str) -> tuple[Rule, tuple] | None:
    """The rule of a layer type with every legend argument a symbol, and its symbolic input."""
    cls = RULES.get(key)
    if cls is None:
        return None
    args = {}
    for name, p in list(inspect.signature(cls.setup).parameters.items())[1:]:
        sym = cls.legend.get(name)
        default = p.default
        if name in cls.general_args:
            args[name] = cls.general_args[name]()
        elif sym is not None and (default is p.empty or default is None or
                                  (isinstance(default, int) and not isinstance(default, bool))):
            args[name] = sym
        elif default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            return None
    try:
        return _call(cls, key, args), general_input(cls, key)
    except (SymcnnError, TypeError, ValueError, AttributeError):
        return None


def conditions(g_rule: Rule, result: Result) -> tuple[Condition, ...]:
    return tuple(g_rule.init_conditions) + tuple(result.conditions)


def is_symbolic(e) -> bool:
    return isinstance(e, Basic) and bool(e.free_symbols)


def matmul_macs(a: tuple, b: tuple, out: tuple, macs: Expr) -> tuple[Expr, dict] | None:
    """The MACs of ``a @ b`` in general form: the engine's own count (tracing.indexing.matmul_macs) called
    with the symbols b (leading dims), m, n and k, and their values in this call (1-D operands drop m
    or n, no leading dims drop b). None when that does not give the traced count ``macs``, so a worked
    solution never shows a formula the engine did not compute."""
    lead = out[:len(out) - (len(a) >= 2) - (len(b) >= 2)]
    dims = ((MM_B, prod(lead, start=Integer(1)) if lead else None), (MM_M, a[-2] if len(a) >= 2 else None),
            (MM_N, b[-1] if len(b) >= 2 else None), (MM_K, a[-1]))
    values = {s: v for s, v in dims if v is not None}
    expr = engine_matmul_macs((MM_K,), tuple(s for s in (MM_B, MM_M, MM_N) if s in values))
    return (expr, values) if expr.xreplace(values) == macs else None


__all__ = ["General", "conditions", "dim_symbols", "general", "general_input", "general_inputs", "is_symbolic",
           "matmul_macs", "symbolic_rule"]
