"""The comparison of FLOPs conventions on one traced net: totals under every convention side by side,
per layer type where they differ and why (from the conventions' own counting rules), and the docs page
"Why do FLOPs numbers disagree?" generated from the convention definitions.

Owns: Comparison, TypeRow, Difference, compare(trace, ...), render(comparison, fmt), flops_doc(trace).
Never: count anything itself (symcnn.flops.conventions does), import torch or a tool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from sympy import Expr, Integer

from ..core import fmt
from ..core.errors import InputError
from ..tracing.tracedata import Step, Trace
from .conventions import CONVENTIONS, ORDER, convention
from .memory import DEFAULT_DTYPE, MEMORY, Memory, memory
from .memory import ORDER as MEMORY_ORDER
from .ops import Op


@dataclass(frozen=True, slots=True)
class TypeRow:
    """All calls of one layer type ("Conv2d", "ReLU", "relu" for F.relu, "add") under each convention."""

    type: str
    key: str
    calls: int
    values: dict[str, Expr]


@dataclass(frozen=True, slots=True)
class Difference:
    """Where a convention's count for a layer type differs from the reference, and why."""

    convention: str
    type: str
    calls: int
    delta: Expr
    what: str                 # what the convention counts for this type (its counting rule)
    hidden: bool = False      # it counts 0 for a layer that does arithmetic
    bug: str | None = None    # a known error of the tool, reproduced under its name


@dataclass(slots=True)
class Comparison:
    model: str
    input_shape: tuple
    reference: str
    names: tuple[str, ...]
    totals: dict[str, Expr]
    rows: list[TypeRow]
    differences: list[Difference] = field(default_factory=list)
    ref_total: Expr = field(default_factory=lambda: Integer(0))
    refs: dict[str, str] = field(default_factory=dict)          # what each convention is explained against
    ref_totals: dict[str, Expr] = field(default_factory=dict)
    memory: list[Memory] = field(default_factory=list)         # every memory convention, --memory first

    def to_dict(self) -> dict:
        j = fmt.jsonable
        return {
            "model": self.model, "input_shape": [j(v) for v in self.input_shape], "reference": self.reference,
            "conventions": [{"name": n, "tool": CONVENTIONS[n].tool, "call": CONVENTIONS[n].call,
                             "summary": CONVENTIONS[n].summary, "total": j(self.totals[n])} for n in self.names],
            "types": [{"type": r.type, "key": r.key, "calls": r.calls,
                       "values": {n: j(v) for n, v in r.values.items()}} for r in self.rows],
            "differences": [{"convention": d.convention, "type": d.type, "calls": d.calls, "delta": j(d.delta),
                             "counts": d.what, "hides_work": d.hidden, "tool_bug": d.bug}
                            for d in self.differences],
            "memory": [{"convention": m.convention, "tool": MEMORY[m.convention].tool, "dtype": m.dtype,
                        "input_bytes": j(m.input_bytes), "forward_backward_bytes": j(m.forward_backward_bytes),
                        "params_bytes": j(m.params_bytes), "total_bytes": j(m.total_bytes)} for m in self.memory],
        }


def _names(names) -> tuple[str, ...]:
    if names is None:
        return ORDER
    out = tuple(names)
    for n in out:
        convention(n)   # unknown -> InputError listing the names
    if not out:
        raise InputError("no FLOPs convention to compare", fix=f"give some of: {', '.join(ORDER)}")
    return out


def _group(step: Step) -> str:
    """The row of a step: its type ("Conv2d", "relu" for F.relu, "add"), except that the tensor-method
    and torch.* forms of a functional op (x.relu(), torch.softmax, a.matmul(b)) get rows of their own:
    the tools that patch torch.nn.functional count them differently."""
    if step.via == "functional" and step.key.startswith(("Tensor.", "torch.")):
        return step.key
    return step.type


def compare(trace: Trace, names=None, *, reference: str = "mac", subs: dict | None = None,
            memory_convention: str = "symcnn", dtype: str = DEFAULT_DTYPE) -> Comparison:
    """Count ``trace`` under every convention in ``names`` (default: all) and explain, per layer
    type, where each tool's convention differs from ``reference``; the memory figures under every
    memory convention (``memory_convention`` first) with elements of ``dtype``."""
    names = _names(names)
    convention(reference)
    subs = subs or {}
    batch = trace.input_shape[0] if trace.input_shape else None

    def val(e: Expr) -> Expr:
        return e.xreplace(subs) if subs and hasattr(e, "xreplace") else e

    groups: dict[str, list[Step]] = {}
    for s in trace.steps:
        groups.setdefault(_group(s), []).append(s)
    # FLOP-unit conventions (2 per MAC) are explained against "flop", the others against the reference
    refs = {n: ("flop" if CONVENTIONS[n].unit == "flop" and CONVENTIONS[reference].unit == "mac" else reference)
            for n in names}
    every = tuple(dict.fromkeys((*names, reference, *refs.values())))
    rows = []
    for typ, steps in groups.items():
        values = {n: val(sum((CONVENTIONS[n].count(s, batch) for s in steps), Integer(0))) for n in every}
        rows.append(TypeRow(typ, steps[0].key, len(steps), values))
    totals = {n: val(CONVENTIONS[n].total(trace.steps, batch)) for n in every}
    diffs = []
    for n in names:
        conv = CONVENTIONS[n]
        if conv.own:
            continue
        for row, steps in zip(rows, groups.values()):
            delta = row.values[n] - row.values[refs[n]]
            hidden = any(conv.hides_work(s) for s in steps)
            bug = next((b for s in steps if (b := conv.rule_for(s).bug_for(Op(s, batch)))), None)
            hidden = hidden and row.values[n] == 0
            if delta != 0 or bug or hidden:
                diffs.append(Difference(n, row.type, row.calls, delta, conv.rule_for(steps[0]).what,
                                        hidden, bug))
    mems = [memory(trace, m, dtype) for m in dict.fromkeys((memory_convention, *MEMORY_ORDER))]
    mems = [Memory(m.convention, m.dtype, val(m.input_bytes), val(m.forward_backward_bytes), val(m.params_bytes))
            for m in mems]
    return Comparison(trace.model, tuple(val(v) for v in trace.input_shape), reference, names,
                      {n: totals[n] for n in names}, rows, diffs, totals[reference],
                      {n: refs[n] for n in names}, {n: totals[r] for n, r in refs.items()}, mems)


def short(v) -> str:
    """6.8 M, 4.09 G, 950 k: three significant digits; symbolic values as text."""
    if not isinstance(v, (int, float)):
        j = fmt.jsonable(v)
        if not isinstance(j, int):
            return fmt.text(v)
        v = j
    if not isinstance(v, int):
        return str(v)
    a = abs(v)
    for unit, scale in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if a >= scale:
            x = v / scale
            digits = 2 if abs(x) < 10 else 1 if abs(x) < 100 else 0
            return f"{x:.{digits}f} {unit}"
    return str(v)


def signed(v) -> str:
    s = short(v)
    return s if s.startswith(("-", "−")) else f"+{s}"


def ratio(v, ref) -> str:
    """v / ref as 1.0053x (numbers only; '' when symbolic or the reference is 0)."""
    a, b = fmt.jsonable(v), fmt.jsonable(ref)
    if isinstance(a, int) and isinstance(b, int) and b:
        return f"{a / b:.4f}x"
    return ""


def exact(v, style: str = "text") -> str:
    if style == "latex":
        return fmt.latex(v)
    return fmt.number(v)


@cache
def _env(kind: str):
    """render's shared environment, with the comparison's number filters added (an overlay)."""
    from ..core.render import environment

    env = environment(kind, "en").overlay()
    env.filters = {**env.filters, "short": short, "signed": signed, "exact": exact, "ratio": ratio,
                   "tex": env.filters["tex_escape"], "md": _md}
    return env


def _md(text: str) -> str:
    return str(text).replace("|", r"\|").replace("*", r"\*").replace("_", r"\_")


def _context(c: Comparison) -> dict:
    convs = [CONVENTIONS[n] for n in c.names]
    by_conv: dict[str, list[Difference]] = {}
    for d in c.differences:
        by_conv.setdefault(d.convention, []).append(d)
    symbolic = any(not isinstance(fmt.jsonable(v), int) for v in c.totals.values())
    return {"c": c, "convs": convs, "by_conv": by_conv, "memory_tools": {n: MEMORY[n].tool for n in MEMORY}, "shape": "x".join(fmt.text(v) for v in c.input_shape),
            "symbolic": symbolic,
            "bugs": [d for d in c.differences if d.bug], "hidden": [d for d in c.differences if d.hidden]}


def render(c: Comparison, fmt_: str = "text", *, standalone: bool = True) -> str:
    """The comparison as text, markdown, latex (a standalone document unless standalone=False) or json."""
    if fmt_ == "json":
        return json.dumps(c.to_dict(), indent=2, ensure_ascii=False)
    name = {"text": "compare/compare.text.j2", "markdown": "compare/compare.md.j2",
            "latex": "compare/compare.tex.j2"}.get(fmt_)
    if name is None:
        raise InputError(f"unknown format {fmt_!r}", fix="use text, markdown, latex or json")
    return _env(fmt_).get_template(name).render(**_context(c), standalone=standalone)


def _key_label(key: str) -> str:
    if key == "*":
        return "anything else"
    via, _, kind = key.partition(":")
    if not kind:
        return f"`{key}`" if "." in key else key
    return f"any other {via} call" if kind == "*" else f"{kind} ({via} call)"


def rules_of(name: str) -> list[tuple[str, str, str | None]]:
    """The counting rules of a convention as (layer types, what is counted, known tool error), one row
    per distinct rule, in table order: the docs are generated from this."""
    rows: dict[tuple, tuple[list[str], object]] = {}
    for key, count in CONVENTIONS[name].table.items():
        rows.setdefault((count.what, count.bug), ([], count))[0].append(_key_label(key))
    return [(", ".join(keys), count.what, count.bug) for keys, count in rows.values()]


# the sequence layers and matrix products docs/flops.md explains tool by tool, with how they are called
SEQUENCE_KEYS = (*((k, "module") for k in ("nn.RNN", "nn.LSTM", "nn.GRU", "nn.RNNCell", "nn.LSTMCell", "nn.GRUCell",
                                           "nn.MultiheadAttention", "nn.TransformerEncoderLayer",
                                           "nn.TransformerDecoderLayer", "nn.TransformerEncoder",
                                           "nn.TransformerDecoder", "nn.Transformer")),
                 ("F.scaled_dot_product_attention", "functional"), ("torch.matmul", "tensor"),
                 *((k, "functional") for k in ("torch.matmul", "Tensor.matmul", "torch.mm", "torch.bmm", "Tensor.bmm",
                                               "torch.baddbmm", "Tensor.baddbmm", "torch.addmm", "Tensor.addmm",
                                               "torch.mv", "torch.dot", "torch.einsum")))


def layer_rules(key: str, via: str) -> list[tuple[str, str, str | None]]:
    """(convention, what it counts, known tool error) for one layer type under every tool's convention:
    docs/flops.md's per-layer view. A Transformer layer without an entry counts as its sub-layers."""
    step = Step(0, key, key, via, None, (), (), None, None)
    out = []
    for n in ORDER:
        conv = CONVENTIONS[n]
        if conv.own:
            continue
        if key.startswith("nn.Transformer") and key not in conv.table:
            out.append((n, "the sum of its sub-layers' counts (MultiheadAttention, Linear, LayerNorm, Dropout, "
                           "an activation module), each counted as that layer", None))
            continue
        count = conv.rule_for(step)
        out.append((n, count.what, count.bug))
    return out


def flops_doc(trace: Trace) -> str:
    """docs/flops.md, "Why do FLOPs numbers disagree?": every convention's counting rules (from the
    convention tables), the comparison table of ``trace`` (ResNet-50 in the checked-in page) and the
    sequence layers and matrix products tool by tool."""
    c = compare(trace)
    layers = [(f"{k} ({'a @ b' if via == 'tensor' else via})" if k == "torch.matmul" else k, layer_rules(k, via))
              for k, via in SEQUENCE_KEYS]
    return _env("markdown").get_template("compare/flops_doc.md.j2").render(
        **_context(c), all_convs=[CONVENTIONS[n] for n in ORDER], rules={n: rules_of(n) for n in ORDER},
        layers=layers, standalone=False, flops_page=True)


__all__ = ["Comparison", "Difference", "TypeRow", "compare", "flops_doc", "render", "short"]
