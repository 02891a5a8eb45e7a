"""The general rule of one layer type as data (``formula(key)``), and the pieces a formula shares
with a derivation: legend entries, conditions shown as relations, plain (JSON) conversion.

Owns: Formula, formula(key), Entry, Relation, relation(). Never: write text (templates do), or state
a formula any other way than calling the rule with symbols (symcnn.solutions.general).
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field

from sympy import Basic, Expr, Integer
from sympy.core.relational import Relational

from ..core import fmt
from ..core.render import render
from ..core.symbols import size_symbol
from ..rules.base import RULES, Condition, ceil_window
from .general import conditions as _conditions
from .general import symbolic_rule
from .steps import Calc, shown_form

_REL = {"==": "eq", "!=": "ne", ">=": "ge", "<=": "le", ">": "gt", "<": "lt"}


@dataclass(slots=True)
class Entry:
    """One line of a legend: symbol = value (the torch argument it comes from, if any)."""

    symbol: Expr
    value: Expr
    arg: str | None = None
    base: str = ""       # the symbol's name in the message catalogue (K for K_H)


@dataclass(slots=True)
class Relation:
    """A condition shown as lhs rel rhs (rel: eq, ne, ge, le, gt, lt; None: a bare expression)."""

    lhs: Expr
    rel: str | None
    rhs: Expr | None
    what: str | None = None
    line: int | None = None


@dataclass(slots=True)
class Formula:
    """The general rule of one layer type, for `symcnn formula` and docs/rules.md."""

    key: str
    name: str
    signature: str
    doc: str
    reference: str
    inputs: list
    output: tuple = ()
    legend: list[Entry] = field(default_factory=list)
    sizes: list[Calc] = field(default_factory=list)
    weights: Expr | None = None
    biases: Expr | None = None
    macs: Expr | None = None
    conditions: list[Relation] = field(default_factory=list)
    ceil: list[Calc] = field(default_factory=list)   # with ceil_mode=True: the count rounded up, per axis
    available: bool = True

    def to_dict(self) -> dict:
        return _plain(self)

    def render(self, fmt: str = "text", lang: str = "en", template_dir=None, standalone: bool = True) -> str:
        """The general rule as text, Markdown, LaTeX or HTML."""
        return render("formula", fmt, lang, template_dir, f=self, standalone=standalone)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_html_(self) -> str:
        return self.render("html", standalone=False)


def _plain(v):
    if dataclasses.is_dataclass(v):
        return {f.name: _plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, dict):
        return {str(k) if not isinstance(k, Basic) else fmt.sympy_str(k): _plain(e) for k, e in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(e) for e in v]
    if isinstance(v, Basic):
        return fmt.jsonable(v) if not isinstance(v, Relational) else fmt.sympy_str(v)
    return v


def relation(c: Condition | Expr, line: int | None = None) -> Relation:
    holds = c.holds if isinstance(c, Condition) else c
    what = c.what if isinstance(c, Condition) else None
    if isinstance(holds, Relational) and holds.rel_op in _REL:
        return Relation(_shown(holds.lhs), _REL[holds.rel_op], _shown(holds.rhs), what, line)
    return Relation(holds, None, None, what, line)


def _shown(e: Expr) -> Expr:
    """A side of a condition in the order a person writes it (H_in + 2·P − D·(K − 1) − 1)."""
    return shown_form(e, frozenset(s for s in e.free_symbols if s.name.endswith("_in")))


def formula(key: str) -> Formula:
    """The general rule of one layer type: ``formula("Conv2d")`` (the rule called with symbols)."""
    from ..rules.base import make  # the same name resolution as make(): "Conv2d" -> "nn.Conv2d"

    if key not in RULES and f"nn.{key}" in RULES:
        key = f"nn.{key}"
    cls = RULES.get(key)
    if cls is None:
        make(key)  # raises UnsupportedError with suggestions
    sig = f"{key}{inspect.signature(cls.setup)}".replace("(self, ", "(").replace("(self)", "()")
    doc = inspect.getdoc(cls) or ""
    f = Formula(key, key.split(".", 1)[-1], sig, doc, cls.reference, [])
    found = symbolic_rule(key)
    if found is None:
        f.available = False
        return f
    grule, x = found
    from ..core.errors import SymcnnError
    from .general import dim_symbols, general_inputs

    res = None
    named = general_inputs(grule)
    cands = (named,) if named else tuple((c,) for c in (x, *(dim_symbols(r, grule.nd if r == grule.nd + 2 else 0)
                                                             for r in (3, 2, 5, 4))))
    for cand in cands:
        try:
            res = grule(*cand)
            inputs = list(cand)
            break
        except (SymcnnError, TypeError, ValueError):
            continue
    if res is None:
        f.available = False
        return f
    x = inputs[0]
    f.inputs = inputs
    f.legend = [Entry(s, s, a, s.name) for a, s in cls.legend.items()
                if a in inspect.signature(cls.setup).parameters]
    named_out = grule.dim_names(len(res.shape), -1)
    outs = tuple(size_symbol(n) for n in named_out) if named_out else dim_symbols(len(res.shape), grule.nd, "_out")
    outs = tuple(e if e.is_Atom else o for e, o in zip(res.shape, outs))
    f.output = outs
    first = frozenset(d for i in inputs for d in i)
    f.sizes = [Calc(o, shown_form(e, first), [], e) for e, o in zip(res.shape, outs) if not e.is_Atom]
    if "ceil_mode" in inspect.signature(cls.setup).parameters and grule.nd:
        lead = len(x) - grule.nd
        f.ceil = [Calc(outs[lead + i], shown_form(ceil_window(x[lead + i], k, s, p, d)[0], first), [], None)
                  for i, (k, s, p, d) in enumerate(zip(grule.k, grule.s, grule.p, grule.d))]
    f.weights = shown_form(grule.weights) if grule.weights != 0 else Integer(0)
    f.biases = shown_form(grule.biases) if grule.biases != 0 else Integer(0)
    swap = {e: o for e, o in zip(res.shape, outs) if not e.is_Atom}
    f.macs = shown_form(res.macs.xreplace(swap), first) if res.macs != 0 else Integer(0)
    seen, f.conditions = set(), []
    for c in _conditions(grule, res):
        if fmt.sympy_str(c.holds) not in seen:
            seen.add(fmt.sympy_str(c.holds))
            f.conditions.append(relation(c))
    return f




def render_formula(formula: Formula, fmt: str = "text", lang: str = "en", template_dir=None) -> str:
    """The general rule of one layer type (``formula(key)``) as text, Markdown or LaTeX."""
    return formula.render(fmt, lang, template_dir)


def render_rules_doc(lang: str = "en") -> str:
    """docs/rules.md: every rule of the registry with its signature, general formula, conditions,
    what its MACs count and its reference, generated from the rules themselves."""
    keys = [k for k, v in RULES.items() if v is not None]
    return render("rules", "markdown", lang, None, formulas=[formula(k) for k in keys])


__all__ = ["Entry", "Formula", "Relation", "formula", "relation", "render_formula", "render_rules_doc"]
