"""What an answers file is graded against: the expected value of every item of one traced net, the
values each known mistake gives instead (``alternatives``), and the correct step of an item.

Owns: Truth (expected, alternatives, how).
Never: read answers files, parse formulas, or format reports.
"""

from __future__ import annotations

from math import prod

from sympy import Expr, Integer

from ..core.fmt import number, text
from ..flops import conventions
from ..rules.base import numel
from ..tracing.tracedata import Trace
from .checkreport import say
from .mistakes import (
    ANY,
    COUNT_MISTAKES,
    SHAPE_MISTAKES,
    Scenario,
    flatten_sites,
    mistaken_counts,
    mistaken_output,
    pool_param_guesses,
)

Alt = tuple[str, str | None, object]   # (mistake id, layer where it was made or None, value)


def _flop_factor(convention: str) -> int:
    return 2 if convention.startswith("flop") else 1


class Truth:
    """Expected values of one trace; mistake alternatives are computed on demand and cached."""

    def __init__(self, trace: Trace, convention: str = conventions.DEFAULT):
        self.trace = trace
        self.convention = convention
        self.layers: dict[str, list[int]] = {}
        for st in trace.steps:
            self.layers.setdefault(st.name, []).append(st.index)
        self.display = {st.index: st.name for st in trace.steps}   # step index -> its unique name
        for name, idx in list(self.layers.items()):   # a name called several times: name#1, name#2 ...
            if len(idx) > 1:
                for n, i in enumerate(idx, 1):
                    self.layers[f"{name}#{n}"] = [i]
                    self.display[i] = f"{name}#{n}"
        shape = trace.input_shape
        self.batch = shape[0] if len(shape) >= 3 else Integer(1)
        self._scenarios: dict[tuple[str, int | None], Scenario] = {}
        self._memo: dict = {}    # rule calls on mistaken shapes, shared by every scenario
        self._origins: dict[str, list[int]] = {}
        self._sites = None

    # --- expected values ---------------------------------------------------------------------------
    def expected(self, layer: str | None, field: str):
        t = self.trace
        if layer is None:
            return {"params": lambda: t.total_params, "macs": lambda: t.total_macs,
                    "flops": lambda: conventions.total(t, self.convention),
                    "output_shape": lambda: tuple(t.output_shape)}[field]()
        idx = self.layers[layer]
        first, last = t.steps[idx[0]], t.steps[idx[-1]]
        if field == "output_shape":
            return tuple(last.output)
        if field == "input_shape":
            return tuple(first.inputs[0]) if first.inputs else ()
        if field in ("params", "weights", "biases"):
            return getattr(first, field)
        if field == "macs":
            return sum((t.steps[i].macs for i in idx), Integer(0))
        return sum((conventions.flops(t.steps[i], self.convention) for i in idx), Integer(0))

    # --- mistakes ------------------------------------------------------------------------------------
    def scenario(self, mid: str, origin: int | None) -> Scenario:
        key = (mid, origin)
        if key not in self._scenarios:
            self._scenarios[key] = Scenario(self.trace, mid, origin, memo=self._memo)
        return self._scenarios[key]

    def origins(self, mid: str) -> list[int]:
        if mid not in self._origins:
            self._origins[mid] = [st.index for st in self.trace.steps if st.inputs
                                  and (w := mistaken_output(mid, st, st.inputs[0])) is not None
                                  and tuple(w) != tuple(st.output)]
        return self._origins[mid]

    def sites(self):
        if self._sites is None:
            self._sites = flatten_sites(self.trace)
        return self._sites

    def _shape_scenarios(self, upto: int | None, here: tuple = ()):
        """(mid, origin name, scenario) for every shape mistake made at or before step ``upto``;
        the origin is None for a mistake made in one of the steps ``here`` (the item's own layer)."""
        for mid in SHAPE_MISTAKES:
            origins = [o for o in self.origins(mid) if upto is None or o <= upto]
            for o in origins:
                yield mid, None if o in here else self.display[o], self.scenario(mid, o)
            if len(origins) > 1 or upto is None:
                yield mid, "all", self.scenario(mid, None)

    def alternatives(self, layer: str | None, field: str) -> list[Alt]:
        if layer is None:
            return self._total_alternatives(field)
        t = self.trace
        idx = self.layers[layer]
        first, last = t.steps[idx[0]], t.steps[idx[-1]]
        exp = self.expected(layer, field)
        out: list[Alt] = []
        if field in ("params", "weights", "biases") or (field in ("macs", "flops") and len(idx) == 1):
            for mid in COUNT_MISTAKES:
                for v in mistaken_counts(mid, first, "macs" if field == "flops" else field):
                    out.append((mid, None, v))
        for f, lin, feats in self.sites():
            if lin == first.index and field in ("params", "weights", "macs", "flops"):
                per = t.steps[lin].rule.args["out_features"]
                out.append(("flatten_before_pool", None, {"params": feats * per + first.biases,
                            "weights": feats * per}.get(field, numel(first.output[:-1]) * feats * per)))
            if field == "output_shape" and f == last.index:
                out.append(("flatten_before_pool", None, (last.output[0], feats)))
            if field == "input_shape" and lin == first.index:
                out.append(("flatten_before_pool", None, (first.inputs[0][0], feats)))
        if field in ("output_shape", "input_shape", "macs", "flops"):
            at = last.index if field == "output_shape" else first.index
            parent = at
            if field == "input_shape":
                parent = first.parents[0] if first.parents else first.index - 1
            for mid, where, sc in self._shape_scenarios(at, () if field == "input_shape" else tuple(idx)):
                if parent in sc.changed:
                    shape, macs = sc.changed[parent]
                    out.append((mid, where, shape if field.endswith("shape") else macs))
        if field == "flops":
            m = self.expected(layer, "macs")
            out = [(mid, w, exp * v / m if m != 0 and v is not ANY else v) for mid, w, v in out]
        return out + self._count_alternatives(field, exp)

    def _total_alternatives(self, field: str) -> list[Alt]:
        t = self.trace
        exp = self.expected(None, field)
        out: list[Alt] = []
        counted = [st for st in t.steps if st.first_call]
        if field in ("params", "macs", "flops"):
            cf = "macs" if field == "flops" else field
            k = _flop_factor(self.convention) if field == "flops" else 1
            for mid in COUNT_MISTAKES:
                deltas = [(self.display[st.index], v - (st.params if cf == "params" else st.macs))
                          for st in counted
                          for v in mistaken_counts(mid, st, cf)[:1] if v is not ANY]
                for name, d in deltas:
                    out.append((mid, name, exp + k * d))
                if len(deltas) > 1:
                    out.append((mid, "all", exp + k * sum(d for _, d in deltas)))
            if field == "params":
                pools = [st for st in counted if st.rule is not None and st.rule.family == "pool"]
                for g in range(3):
                    if pools:
                        guess = sum(pool_param_guesses(st)[g] for st in pools)
                        out.append(("pool_has_params", "all", exp + guess))
            for _, lin, feats in self.sites():
                if lin is None:
                    continue
                st = t.steps[lin]
                per = st.rule.args["out_features"]
                extra = (feats - st.rule.args["in_features"]) * per
                out.append(("flatten_before_pool", self.display[st.index],
                            exp + (extra if field == "params" else k * numel(st.output[:-1]) * extra)))
        if field in ("macs", "flops", "output_shape"):
            k = _flop_factor(self.convention) if field == "flops" else 1
            last = t.steps[-1].index if t.steps else -1
            for mid, where, sc in self._shape_scenarios(None):
                if field == "output_shape":
                    if last in sc.changed:
                        out.append((mid, where, tuple(sc.changed[last][0])))
                    continue
                delta = sum((macs - t.steps[i].macs for i, (_, macs) in sc.changed.items()), Integer(0))
                if delta != 0:
                    out.append((mid, where, exp + k * delta))
        return out + self._count_alternatives(field, exp)

    def _count_alternatives(self, field: str, exp) -> list[Alt]:
        """Mistakes about what a count counts, for a layer or the total: MACs vs FLOPs (a factor 2)
        and the batch dimension left out or added."""
        out: list[Alt] = []
        if field in ("macs", "flops"):
            out += [("macs_vs_flops", None, exp * 2), ("macs_vs_flops", None, exp / 2)]
        if field in ("macs", "flops", "params") and self.batch != 1:
            out.append(("off_by_batch", None, exp * self.batch))
            if field != "params":
                out.append(("off_by_batch", None, exp / self.batch))
        return out

    # --- the correct step ----------------------------------------------------------------------------
    def how(self, layer: str | None, field: str, lang: str = "en") -> str:
        """The correct computation of one item, with the numbers: ⌊(227 − 11)/4⌋ + 1 = 55."""
        exp = self.expected(layer, field)
        if layer is None:   # the words: [check.how] of the catalogue
            return say(lang, f"how.{field}", value=_val(exp), convention=self.convention)
        st = self.trace.steps[self.layers[layer][0 if field != "output_shape" else -1]]
        rule = st.rule
        if field == "output_shape" and rule is not None and getattr(rule, "p", None) is not None \
                and hasattr(rule, "k") and st.inputs:
            nd = len(rule.k)
            parts = []
            for L, k, s, p, d, o in zip(st.inputs[0][-nd:], rule.k, rule.s, rule.p, rule.d, st.output[-nd:]):
                if hasattr(rule, "op"):
                    op = rule.op[0]
                    f = f"({text(L)} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {text(o)}"
                else:
                    lb, rb = ("⌈", "⌉") if getattr(rule, "ceil_mode", False) else ("⌊", "⌋")
                    f = f"{lb}({text(L)} + 2·{p} − {d}·({k} − 1) − 1)/{s}{rb} + 1 = {text(o)}"
                if f not in parts:
                    parts.append(f)
            return "; ".join(parts) + f" → {_val(exp)}"
        if field in ("params", "weights", "biases") and rule is not None and rule.parameters():
            shapes = rule.parameters()
            terms = [("·".join(text(v) for v in s) or "1") for n, s in shapes.items()
                     if field == "params" or (n == "bias") == (field == "biases")]
            return f"{' + '.join(terms) or '0'} = {_val(exp)}"
        if field == "macs" and rule is not None and rule.family in ("conv", "linear") and st.inputs:
            if rule.family == "linear":
                return say(lang, "how.macs_linear", out=number(numel(st.output)),
                           in_features=text(rule.args["in_features"]), value=_val(exp))
            tr = hasattr(rule, "op")
            grid = st.inputs[0] if tr else st.output
            c = rule.c_out if tr else rule.c_in
            per = f"({text(c)}/{text(rule.groups)})" if rule.groups != 1 else text(c)
            return say(lang, "how.macs_transposed" if tr else "how.macs_conv", grid=number(numel(grid)), per=per,
                       kernel=text(prod(rule.k)), value=_val(exp))
        return say(lang, "how.field", field=say(lang, f"fields.{field}"), value=_val(exp))


def _val(v) -> str:
    if isinstance(v, tuple):
        return "×".join(text(x) if x.is_Atom else f"({text(x)})" for x in v)
    return number(v) if isinstance(v, Expr) else str(v)


__all__ = ["Truth"]
