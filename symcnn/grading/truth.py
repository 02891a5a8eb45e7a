"""What an answers file is graded against: the expected value of every item of one traced net, the
values each known mistake gives instead (``alternatives``), and the correct step of an item.

Owns: Truth (expected, alternatives, convention_values, family, steps_of; how delegates to howto.py).
Never: read answers files, parse formulas, or format reports.
"""

from __future__ import annotations

from sympy import Integer

from ..flops import conventions
from ..flops.activations import activations, total_activations
from ..rules.base import numel
from ..tracing.tracedata import Step, Trace
from .howto import how
from .mistakes_count import ANY, COUNT_MISTAKES, flatten_sites, mistaken_counts, pool_param_guesses
from .mistakes_shape import SHAPE_MISTAKES, Scenario, mistaken_output
from .sheet import DTYPES

Alt = tuple[str, str | None, object]   # (mistake id, layer where it was made or None, value)


def _flop_factor(convention: str) -> int:
    return 2 if convention.startswith("flop") else 1


class Truth:
    """Expected values of one trace; mistake alternatives are computed on demand and cached."""

    def __init__(self, trace: Trace, convention: str = conventions.DEFAULT, dtype: str = "float32"):
        self.trace = trace
        self.convention = convention
        self.dtype, self.size = dtype, DTYPES[dtype]
        self._alts: dict = {}
        self._conventions: dict = {}
        self._expected: dict = {}
        self._how: dict = {}
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
        """The true value of one item (computed once per item)."""
        key = (layer, field)
        if key not in self._expected:
            self._expected[key] = self._compute(layer, field)
        return self._expected[key]

    def _compute(self, layer: str | None, field: str):
        t = self.trace
        if layer is None:
            return {"params": lambda: t.total_params, "macs": lambda: t.total_macs,
                    "flops": lambda: conventions.total(t, self.convention),
                    "output_shape": lambda: tuple(t.output_shape),
                    "activations": lambda: total_activations(t),
                    "activation_bytes": lambda: self.size * self.expected(None, "activations")}[field]()
        idx = self.layers[layer]
        first, last = t.steps[idx[0]], t.steps[idx[-1]]
        if field == "activations":
            return sum((activations(t.steps[i]) for i in idx), Integer(0))
        if field == "activation_bytes":
            return self.size * self.expected(layer, "activations")
        if field == "output_shape":
            return tuple(last.output)
        if field == "input_shape":
            return tuple(first.inputs[0]) if first.inputs else ()
        if field in ("params", "weights", "biases"):
            return getattr(first, field)
        if field == "macs":
            return sum((t.steps[i].macs for i in idx), Integer(0))
        return sum((conventions.flops(t.steps[i], self.convention) for i in idx), Integer(0))

    def steps_of(self, layer: str) -> list[Step]:
        return [self.trace.steps[i] for i in self.layers[layer]]

    def family(self, layer: str | None) -> str | None:
        """The rule family (conv, linear, pool, norm ...) of a layer name; None for a total or "all"."""
        if layer is None or layer not in self.layers:
            return None
        rule = self.steps_of(layer)[0].rule
        return rule.family if rule is not None else None

    def convention_values(self, layer: str | None, field: str) -> dict[str, object]:
        """A flops item under every FLOPs convention: name -> value (one layer: the sum of its calls)."""
        key = (layer, field)
        if key not in self._conventions:
            names = conventions.ORDER
            if layer is None:
                self._conventions[key] = {n: conventions.total(self.trace, n) for n in names}
            else:
                steps = self.steps_of(layer)
                self._conventions[key] = {n: sum((conventions.flops(st, n) for st in steps), Integer(0))
                                          for n in names}
        return self._conventions[key]

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
        """(mistake id, where it was made, the value it gives) for one item; computed once per item."""
        key = (layer, field)
        if key not in self._alts:
            self._alts[key] = (self._total_alternatives(field) if layer is None
                               else self._layer_alternatives(layer, field))
        return self._alts[key]

    def _layer_alternatives(self, layer: str, field: str) -> list[Alt]:
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
        if field in ("output_shape", "input_shape", "macs", "flops", "activations", "activation_bytes"):
            at = first.index if field in ("input_shape", "macs", "flops") else last.index
            parent = at
            if field == "input_shape":
                parent = first.parents[0] if first.parents else first.index - 1
            size = {"activations": 1, "activation_bytes": self.size}.get(field)
            for mid, where, sc in self._shape_scenarios(at, () if field == "input_shape" else tuple(idx)):
                if parent in sc.changed:
                    shape, macs = sc.changed[parent]
                    out.append((mid, where, shape if field.endswith("shape") else
                                macs if size is None else size * numel(shape)))
        out += self._memory_alternatives(field, exp, numel(last.output), first.params)
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
                          for st in (counted if cf == "params" else t.steps)
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
        if field in ("params", "activations", "activation_bytes"):
            out += self._memory_alternatives(field, exp, self.expected(None, "activations"), t.total_params)
        return out + self._count_alternatives(field, exp)

    def _memory_alternatives(self, field: str, exp, elements, params) -> list[Alt]:
        """Activations given as parameters or the reverse; elements given as bytes or the reverse."""
        out: list[Alt] = []
        if field == "params":
            out.append(("activations_vs_params", None, elements))
        elif field == "activations":
            out.append(("activations_vs_params", None, params))
            out += [("bytes_per_element", None, exp * s) for s in sorted(set(DTYPES.values())) if s != 1]
        elif field == "activation_bytes":
            out.append(("activations_vs_params", None, params * self.size))
            out += [("bytes_per_element", None, exp * s / self.size) for s in sorted({1, *DTYPES.values()})
                    if s != self.size]
        return out

    def _count_alternatives(self, field: str, exp) -> list[Alt]:
        """Mistakes about what a count counts, for a layer or the total: MACs vs FLOPs (a factor 2)
        and the batch dimension left out or added."""
        out: list[Alt] = []
        if field in ("macs", "flops"):
            out += [("macs_vs_flops", None, exp * 2), ("macs_vs_flops", None, exp / 2)]
        if field in ("macs", "flops", "params", "activations", "activation_bytes") and self.batch != 1:
            out.append(("off_by_batch", None, exp * self.batch))
            if field != "params":
                out.append(("off_by_batch", None, exp / self.batch))
        return out

    # --- the correct step ----------------------------------------------------------------------------
    def how(self, layer: str | None, field: str, lang: str = "en", layout: str = "nchw") -> str:
        """The correct computation of one item, with the numbers: ⌊(227 − 11)/4⌋ + 1 = 55."""
        key = (layer, field, lang, layout)
        if key not in self._how:
            self._how[key] = how(self, layer, field, lang, layout)
        return self._how[key]


__all__ = ["Truth"]
