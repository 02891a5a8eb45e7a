"""Worked solutions as data: a ``Derivation`` for a traced net, a ``Formula`` for a layer type.

Every formula shown comes from the rule itself (symcnn.solutions.general calls the rule with symbols), every
step from the expression tree (symcnn.solutions.steps). Templates (symcnn.core.render) decide every word.

Owns: derive(trace, convention=, subs=), the dataclasses Derivation, Layer and their pieces (Ceil:
ceil_mode's last-window check; Same: the padding 'same' implies), to_dict(). formula(key) and Formula live in symcnn.solutions.formula and are re-exported here. Never: write text, or compute a shape any other way than the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Expr, Integer, preorder_traversal, sympify

from ..core import fmt
from ..core.collector import paused
from ..core.intarith import FloorDiv, canon
from ..core.render import render
from ..flops import conventions as _conventions
from ..flops.conventions import DEFAULT
from ..flops.conventions import convention as _convention
from ..flops.ops import kind_of
from ..rules.base import numel
from ..tracing.tracedata import Step, Trace
from .formula import Entry, Formula, Relation, _plain, formula, relation
from .general import general, is_symbolic, matmul_macs
from .sequence import Sequence, sequence
from .sizes import Ceil, Same, same_padding_steps, size_steps
from .steps import Calc, DFloor, calc, nested
from .memsection import MemorySection, memory_section
from .summary import Values, constraints, display_names, fold_bounds


@dataclass(slots=True)
class Composition:
    """A size written as the nesting of every layer's map, equal to its canonical form."""

    label: Expr
    nested: Expr
    canonical: Expr


@dataclass(slots=True)
class Reshape:
    """A shape-changing tensor op: kind reshape (product of factors), concat (sum), elementwise."""

    kind: str
    factors: tuple = ()
    result: Expr | None = None
    axis: int | None = None


@dataclass(slots=True)
class Layer:
    index: int
    name: str
    type: str
    key: str
    via: str
    line: int | None
    inputs: list
    output: tuple
    label: str = ""                # the name a reader uses: name, or name#n when several calls share it
    kernel: tuple | None = None
    stride: tuple | None = None
    padding: tuple | None = None
    legend: list[Entry] = field(default_factory=list)
    sizes: list[Calc] = field(default_factory=list)
    weights: Calc | None = None
    biases: Calc | None = None
    params: Expr = Integer(0)
    macs: Calc | None = None
    macs_value: Expr = Integer(0)
    flops: Expr = Integer(0)
    flops_what: str = ""           # what the convention counts for this layer (symcnn.flops.conventions)
    first_call: bool = True
    trivial: bool = False          # shape-preserving, no parameters, no MACs (ReLU, Dropout)
    has_general: bool = False
    compositions: list[Composition] = field(default_factory=list)
    reshape: Reshape | None = None
    ceil: list[Ceil | None] = field(default_factory=list)   # per entry of sizes, with ceil_mode
    same: list[Same] = field(default_factory=list)
    conditions: list[Relation] = field(default_factory=list)
    at: dict = field(default_factory=dict)   # size/params/macs/flops after --set substitution
    sequence: Sequence | None = None         # equations, tensors and matmuls of a sequence layer


@dataclass(slots=True)
class Derivation:
    model: str
    source: str
    input_shape: tuple
    output_shape: tuple
    convention: str
    convention_summary: str
    layers: list[Layer]
    params_terms: list
    params: Expr
    macs_terms: list
    macs: Expr
    flops: Expr
    constraints: list[Relation]                         # every condition, in the order the net meets it
    bounds: list[Relation] = field(default_factory=list)   # the same, size bounds folded (H ≥ 16)
    unused: list = field(default_factory=list)          # (name, params) of modules never called
    extra_params: Expr = Integer(0)
    subs: dict = field(default_factory=dict)
    at: dict = field(default_factory=dict)
    filtered: dict | None = None   # --layer: {"rows": layers shown, "steps": every call}; totals stay whole
    memory: MemorySection | None = None                 # the memory walkthrough (solutions/memsection.py)
    backend: str = "stand-in"    # how the model ran: symcnn's torch stand-in, or real torch (a live model)

    @property
    def symbolic(self) -> bool:
        return any(is_symbolic(v) for v in self.input_shape)

    def to_dict(self) -> dict:
        return _plain(self)

    @paused
    def render(self, fmt: str = "text", lang: str = "en", standalone: bool = True, template_dir=None,
               style: str = "full", layout: str = "nchw") -> str:
        """The worked solution as text, Markdown, LaTeX or HTML (a complete document unless
        standalone=False); style full or compact, shapes in layout nchw or hwc."""
        return render("derivation", fmt, lang, template_dir, d=self, standalone=standalone, style=style,
                      layout=layout)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_html_(self) -> str:
        """The worked solution as an HTML fragment (MathML), for Jupyter."""
        return self.render("html", standalone=False)

    def _repr_latex_(self) -> str:
        """The summary table as one LaTeX array in $$…$$, for Jupyter."""
        return render("jupyter/derivation", "latex", "en", d=self)


def render_derivation(derivation: Derivation, fmt: str = "text", lang: str = "en", standalone: bool = True,
                      template_dir=None, style: str = "full", layout: str = "nchw") -> str:
    """A worked solution as text, Markdown, LaTeX or HTML (``derivation.render``)."""
    return derivation.render(fmt, lang, standalone, template_dir, style, layout)


def _collapse(t):
    if t is None:
        return None
    t = tuple(t) if isinstance(t, (tuple, list)) else (t,)
    return t[:1] if len(set(t)) == 1 else t


def _reshape(inputs, out) -> Reshape:
    out = tuple(out)
    if len(inputs) == 1:
        x = tuple(inputs[0])
        a = 0
        while a < min(len(x), len(out)) and x[a] == out[a]:
            a += 1
        b = 0
        while b < min(len(x), len(out)) - a and x[len(x) - 1 - b] == out[len(out) - 1 - b]:
            b += 1
        mid_in, mid_out = x[a:len(x) - b], out[a:len(out) - b]
        same = canon(numel(x) - numel(out)) == 0 or len(x) != len(out)
        return Reshape("reshape" if same and mid_in else "shape", mid_in, numel(mid_out), a)
    if all(tuple(s) == out for s in inputs):
        return Reshape("elementwise", tuple(inputs), None)
    if all(len(s) == len(out) for s in inputs):
        diff = [i for i in range(len(out)) if any(s[i] != out[i] for s in inputs)]
        if len(diff) == 1:
            return Reshape("concat", tuple(s[diff[0]] for s in inputs), out[diff[0]], diff[0])
    return Reshape("shape", tuple(inputs), None)


def _layer(step: Step, trace: Trace, conv: str, nested_in: dict, subs: dict, label: str) -> Layer:
    rule = step.rule
    lay = Layer(step.index, step.name, step.type, step.key, step.via,
                step.where.line if step.where else None, list(step.inputs), tuple(step.output), label,
                first_call=step.first_call)
    lay.params = step.params if step.first_call else Integer(0)
    batch = trace.input_shape[0] if trace.input_shape else None
    lay.macs_value, lay.flops = step.macs, _conventions.flops(step, conv, batch)
    lay.flops_what = _conventions.describe(step, conv)
    if rule is not None:
        lay.kernel = tuple(rule.k) if getattr(rule, "k", None) is not None else None
        lay.stride = _collapse(getattr(rule, "s", None))
        lay.padding = _collapse(getattr(rule, "p", None))
        if lay.padding is None and isinstance(rule.args.get("padding"), str):
            lay.padding = (rule.args["padding"],)   # 'same' / 'valid'
        if lay.kernel is not None and lay.stride is None:
            lay.stride = ("",)
    g = general(rule, tuple(step.inputs), tuple(step.output)) if rule is not None else None
    lay.has_general = g is not None
    lay.sequence = sequence(step, g)
    same = len(step.inputs) >= 1 and tuple(step.inputs[0]) == tuple(step.output)
    lay.trivial = rule is not None and same and lay.params == 0 and step.macs == 0
    if g is not None and getattr(g.rule, "padding", None) == "same":
        same_padding_steps(g, lay, step)
    if g is not None and not lay.trivial:
        first = frozenset(d for x in g.inputs for d in x)
        used = {s for e in g.result.shape if not e.is_Atom for s in e.free_symbols}
        size_steps(g, lay, step, first)
        if lay.same:
            used |= {s for c in lay.same for s in c.total.general.free_symbols}
        for attr in ("weights", "biases"):
            ge = getattr(g.rule, attr)
            if ge != 0:
                setattr(lay, attr, calc(None, ge, g.values, getattr(step, attr)))
                used |= ge.free_symbols
        if g.result.macs != 0:
            lay.macs = calc(None, g.macs, g.values, step.macs, first)
            used |= g.macs.free_symbols
        lay.legend = [Entry(s, v, g.args.get(s), g.base.get(s, s.name)) for s, v in g.values.items()
                      if s in used]
    elif g is None and not lay.trivial:
        lay.reshape = _reshape(step.inputs, step.output)
        mm = matmul_macs(*step.inputs[:2], step.output, step.macs) if kind_of(step) == "matmul" else None
        if mm is not None:
            lay.macs = calc(None, mm[0], mm[1], step.macs)
            lay.legend = [Entry(s, v, None, s.name) for s, v in mm[1].items()]
    _compose(step, g, lay, nested_in, trace)
    lay.conditions = [relation(c.condition, c.where.line if c.where else None)
                      for c in trace.constraints if c.step == step.index] or (
        [] if g is not None else [relation(c) for c in (step.result.conditions if step.result else ())])
    if subs:
        x = lambda e: canon(sympify(e).xreplace(subs))  # noqa: E731
        lay.at = {"output": tuple(x(v) for v in lay.output),
                  "params": x(lay.params), "macs": x(lay.macs_value), "flops": x(lay.flops)}
        for c in [*lay.sizes, *(a for s in lay.sizes for a in s.also), lay.weights, lay.biases, lay.macs]:
            if c is not None and is_symbolic(c.value):
                c.at = x(c.value)
    return lay


def _compose(step: Step, g, lay: Layer, nested_in: dict, trace: Trace) -> None:
    """Track every size as the nesting of the per-layer maps (symbolic inputs only)."""
    parent = step.parents[0] if step.parents else -1
    prev = nested_in.get(parent, tuple(step.inputs[0]) if step.inputs else ())
    out = tuple(step.output)
    if g is not None and len(step.inputs) == 1 and len(out) == len(prev) and step.rule.nd:
        ins = g.inputs[0]
        res = []
        for j, v in enumerate(out):
            if j < len(out) - step.rule.nd or not is_symbolic(prev[j]):
                res.append(v)
                continue
            fixed = {s: e for s, e in g.values.items() if s not in ins and s not in g.outputs}
            fixed.update({s: e for s, e in zip(ins, step.inputs[0]) if s != ins[j]})
            m = canon(g.result.shape[j].xreplace(fixed))
            res.append(nested(prev[j], m, ins[j]))
        nested_in[step.index] = tuple(res)
    elif len(step.inputs) >= 1 and tuple(step.inputs[0]) == out:
        nested_in[step.index] = prev
    else:
        nested_in[step.index] = out
    for j, (n, v) in enumerate(zip(nested_in[step.index], out) if not lay.trivial else ()):
        floors = sum(1 for e in preorder_traversal(n) if isinstance(e, (FloorDiv, DFloor)))
        composed = floors >= 2 or (floors == 1 and not isinstance(n, (FloorDiv, DFloor)))
        if is_symbolic(v) and composed and fmt.text(n) != fmt.text(v):
            label = g.outputs[j] if g is not None else Integer(j)
            lay.compositions.append(Composition(label, n, v))


def derive(trace: Trace, *, convention: str = DEFAULT, subs: dict | None = None, memory: str = "symcnn",
           dtype: str = "float32", keep: list[int] | None = None) -> Derivation:
    """The worked solution of a traced net, as data.

    Args: trace (symcnn.tracing.tracedata.Trace), convention (a FLOPs convention name), subs (Symbol -> int,
    applied per layer after the closed forms are derived), memory and dtype (the memory convention and
    element type of the memory section), keep (the step indices a --layer filter keeps: only those layers
    are derived, and listed in the memory section; the totals stay over the whole net, without their
    terms). Returns: Derivation.
    >>> derive(trace).params  # doctest: +SKIP
    62378344
    """
    conv = _convention(convention)
    names = {s.name: s for s in trace.symbols}
    subs = {_symbol(k, names): sympify(v) for k, v in (subs or {}).items()}
    nested_in: dict = {-1: tuple(trace.input_shape)}
    names = display_names(trace.steps)
    kept = None if keep is None else set(keep)
    layers = [_layer(s, trace, conv.name, nested_in, subs, names[s.index]) for s in trace.steps
              if kept is None or s.index in kept]
    unused = [(name, r.params) for name, r in trace.unused]
    if kept is None:
        params_terms = [lay.params for lay in layers if lay.params != 0]
        params_terms += [p for _, p in unused if p != 0]
        if trace.extra_params != 0:
            params_terms.append(trace.extra_params)
        macs_terms = [lay.macs_value for lay in layers if lay.macs_value != 0]
    else:   # the terms of the whole net's sums are mostly layers not shown: only the totals
        params_terms, macs_terms = [], []
    flops = _conventions.total(trace, conv.name)
    chain = [c for c in trace.constraints if kept is None or c.step in kept]
    d = Derivation(trace.model, trace.source, tuple(trace.input_shape), tuple(trace.output_shape),
                   conv.name, conv.summary, layers, params_terms, trace.total_params, macs_terms,
                   trace.total_macs, flops,
                   [relation(c.condition, c.where.line if c.where else None) for c in chain],
                   [relation(c) for c in fold_bounds(constraints(trace, Values()))],
                   unused, trace.extra_params, subs, backend=trace.backend,
                   filtered=None if kept is None else {"rows": len(layers), "steps": len(trace.steps)})
    d.memory = memory_section(trace, convention=memory, dtype=dtype, subs=subs)
    if kept is not None:
        d.memory.rows = [r for r, s in zip(d.memory.rows, trace.steps, strict=True) if s.index in kept]
    if subs:
        x = lambda e: canon(sympify(e).xreplace(subs))  # noqa: E731
        d.at = {"params": x(d.params), "macs": x(d.macs), "flops": x(d.flops),
                "output_shape": tuple(x(v) for v in d.output_shape),
                "input_shape": tuple(x(v) for v in d.input_shape),
                "params_terms": [x(v) for v in params_terms], "macs_terms": [x(v) for v in macs_terms]}
    return d


def _symbol(k, names: dict):
    """A --set name as the trace's own symbol (same assumptions), whether given as str or Symbol."""
    name = k if isinstance(k, str) else getattr(k, "name", str(k))
    if name in names:
        return names[name]
    from ..core.symbols import size_symbol

    return size_symbol(name) if isinstance(k, str) else sympify(k)


__all__ = ["Ceil", "Composition", "Derivation", "Entry", "Formula", "Layer", "Relation", "Reshape", "Same",
           "derive", "formula", "relation", "render_derivation"]
