"""The catalogue of classic mistakes: each id recomputes a value the way a student who made that
mistake would, from the rule's own hyper-parameters (``.k .s .p .d``, ``ceil_mode``, ``groups``,
``bias``, ``in_features``, ``num_features`` ...).

Two kinds:
- shape mistakes change a layer's output size (``mistaken_output``); ``Scenario`` propagates the
  wrong size through the later layers with their true rules, so a wrong conv2 can be traced back
  to a mistake made in conv1;
- count mistakes change one count of one layer (``mistaken_counts``: params, weights, biases, macs).

The words of each mistake live in the message catalogues (templates/i18n/<lang>.toml, table
[mistakes]); this module only knows the ids and how to recompute each one.

Owns: IDS, MISTAKES (a read-only view of the catalogues' messages), message, mistaken_output,
mistaken_counts, flatten_sites, Scenario.
Never: write a message in Python, read answers, format reports, or change a Trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import prod

from sympy import Expr, Integer

from ..core.errors import SymcnnError
from ..core.intarith import FloorDiv
from ..rules.base import numel
from ..tracing.tracedata import Step, Trace

ANY = object()   # a count mistake that matches any wrong non-zero value (pool_has_params)


@dataclass(frozen=True, slots=True)
class Mistake:
    """One mistake id with its message in each language (read from the catalogues)."""
    id: str
    en: str
    zh: str


IDS = ("forgot_plus_one", "padding_one_side", "padding_ignored", "padding_subtracted",
       "ceil_instead_of_floor", "floor_instead_of_ceil", "forgot_bias", "counted_bias_when_none", "forgot_input_channels",
       "groups_ignored", "dilation_ignored", "dilation_rf_formula", "transposed_as_conv", "macs_vs_flops",
       "flops_with_input_size", "bn_running_stats", "pool_has_params", "flatten_before_pool",
       "carried_forward", "channels_last", "off_by_batch")


class _Messages(Mapping):
    """MISTAKES: id -> Mistake, the messages read from templates/i18n/<lang>.toml [mistakes] on first use."""

    def __getitem__(self, mid: str) -> Mistake:
        if mid not in IDS:
            raise KeyError(mid)
        return Mistake(mid, message(mid, "en"), message(mid, "zh"))

    def __iter__(self):
        return iter(IDS)

    def __len__(self) -> int:
        return len(IDS)


MISTAKES: Mapping[str, Mistake] = _Messages()

SHAPE_MISTAKES = ("forgot_plus_one", "padding_one_side", "padding_ignored", "padding_subtracted",
                  "ceil_instead_of_floor", "floor_instead_of_ceil", "dilation_ignored", "dilation_rf_formula",
                  "transposed_as_conv")
COUNT_MISTAKES = ("forgot_bias", "counted_bias_when_none", "forgot_input_channels", "groups_ignored",
                  "bn_running_stats", "pool_has_params", "flops_with_input_size", "transposed_as_conv")


def message(mid: str, lang: str = "en") -> str:
    """The message of mistake ``mid`` in ``lang``, from the [mistakes] table of that language's catalogue."""
    from ..core.render import catalogue

    return catalogue(lang)["mistakes"][mid]


# --- shape mistakes -------------------------------------------------------------------------------

def _windowed(rule) -> bool:
    return rule is not None and all(hasattr(rule, a) for a in ("k", "s", "p", "d")) and rule.p is not None


def _transposed(rule) -> bool:
    return hasattr(rule, "op")


def _axis(mid: str, L, k, s, p, d, ceil_mode: bool):
    """Output length of one axis of a conv/pool window under mistake ``mid`` (None: not applicable)."""
    def out(pad, keff, up=ceil_mode, plus=1):
        num = L + pad - keff
        return FloorDiv(num + s - 1, s) + plus if up else FloorDiv(num, s) + plus

    keff = d * (k - 1) + 1
    if mid == "forgot_plus_one":
        return out(2 * p, keff, up=False, plus=0)
    if mid == "padding_one_side" and p != 0:
        return out(p, keff)
    if mid == "padding_ignored" and p != 0:
        return out(0, keff)
    if mid == "padding_subtracted" and p != 0:
        return out(-2 * p, keff)
    if mid == "ceil_instead_of_floor" and not ceil_mode and s != 1:
        return out(2 * p, keff, up=True)
    if mid == "floor_instead_of_ceil" and ceil_mode and s != 1:
        return out(2 * p, keff, up=False)
    if mid == "dilation_ignored" and d != 1:
        return out(2 * p, k)
    if mid == "dilation_rf_formula" and d != 1:
        return out(2 * p, (k + 1) * (d - 1) + k)
    return None


def _axis_transposed(mid: str, L, k, s, p, d, op):
    base = (L - 1) * s + op + 1
    if mid == "forgot_plus_one":
        return base - 2 * p + d * (k - 1) - 1
    if mid == "padding_one_side" and p != 0:
        return base - p + d * (k - 1)
    if mid == "padding_ignored" and p != 0:
        return base + d * (k - 1)
    if mid == "dilation_ignored" and d != 1:
        return base - 2 * p + (k - 1)
    if mid == "dilation_rf_formula" and d != 1:
        return base - 2 * p + (k + 1) * (d - 1) + k - 1
    if mid == "transposed_as_conv":
        return FloorDiv(L + 2 * p - d * (k - 1) - 1, s) + 1
    return None


def mistaken_output(mid: str, step: Step, x) -> tuple | None:
    """Output shape of ``step`` on input ``x`` under shape mistake ``mid``; None if it does not apply."""
    rule = step.rule
    if not _windowed(rule) or not step.output:
        return None
    nd = len(rule.k)
    spatial = x[-nd:]
    if _transposed(rule):
        outs = [_axis_transposed(mid, L, k, s, p, d, op)
                for L, k, s, p, d, op in zip(spatial, rule.k, rule.s, rule.p, rule.d, rule.op)]
    else:
        cm = bool(getattr(rule, "ceil_mode", False))
        outs = [_axis(mid, L, k, s, p, d, cm)
                for L, k, s, p, d in zip(spatial, rule.k, rule.s, rule.p, rule.d)]
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


def _conv_macs(step: Step, x, out_spatial) -> Expr:
    """MACs of a (transposed) conv step on input x with the given output spatial sizes."""
    rule = step.rule
    nd = len(rule.k)
    if rule.family != "conv":
        return Integer(0)
    per = rule.c_in * rule.c_out / rule.groups * prod(rule.k)
    grid = x[-nd:] if _transposed(rule) else out_spatial
    return numel(x[:-nd - 1]) * numel(grid) * per


# --- count mistakes -------------------------------------------------------------------------------

def mistaken_counts(mid: str, step: Step, field: str) -> list:
    """Values of ``field`` (params, weights, biases, macs) of ``step`` under count mistake ``mid``."""
    rule = step.rule
    if rule is None:
        return []
    args = rule.args
    w, b = step.weights, step.biases
    if mid == "forgot_bias" and b != 0:
        return {"params": [w], "biases": [Integer(0)]}.get(field, [])
    if mid == "counted_bias_when_none" and args.get("bias") is False:
        c = getattr(rule, "c_out", None) or args.get("out_features") or args.get("out_channels")
        if c is not None:
            return {"params": [w + c], "biases": [c]}.get(field, [])
    if rule.family == "conv" and _windowed(rule):
        per = rule.c_in / rule.groups
        if mid == "forgot_input_channels" and per != 1:
            return {"params": [w / per + b], "weights": [w / per], "macs": [step.macs / per]}.get(field, [])
        if mid == "groups_ignored" and rule.groups != 1:
            g = rule.groups
            return {"params": [w * g + b], "weights": [w * g], "macs": [step.macs * g]}.get(field, [])
        if field == "macs" and mid == "flops_with_input_size" and not _transposed(rule):
            nd = len(rule.k)
            return [_conv_macs(step, step.inputs[0], step.inputs[0][-nd:])]
        if field == "macs" and mid == "transposed_as_conv" and _transposed(rule):
            per_out = rule.c_in / rule.groups * prod(rule.k)
            return [numel(step.output) * per_out]
    if mid == "bn_running_stats" and "num_features" in args and args.get("track_running_stats", True):
        if field == "params":
            return [step.params + 2 * args["num_features"]]
    if mid == "pool_has_params" and rule.family == "pool" and field in ("params", "weights"):
        return [ANY]
    return []


def pool_param_guesses(step: Step) -> list[Expr]:
    """What students write for a pool's 'params' (used for totals): K, C·K, C·K + C."""
    k = prod(getattr(step.rule, "k", (1,)))
    c = step.output[1] if len(step.output) > 1 else Integer(1)
    return [Integer(k), c * k, c * k + c]


def flatten_sites(trace: Trace) -> list[tuple[int, int | None, Expr]]:
    """(flatten step, following Linear step or None, features a flatten before the last pool gives)."""
    steps = trace.steps
    out = []
    for st in steps:
        if len(st.output) != 2 or not st.inputs or len(st.inputs[0]) < 3:
            continue
        x = st.inputs[0]
        if numel(x[1:]) != st.output[1]:
            continue
        j = st.parents[0] if st.parents else st.index - 1
        while 0 <= j < len(steps) and steps[j].rule is not None and steps[j].rule.family != "pool" \
                and tuple(steps[j].output) == tuple(steps[j].inputs[0] if steps[j].inputs else ()):
            j = steps[j].parents[0] if steps[j].parents else j - 1
        if not (0 <= j < len(steps)) or steps[j].rule is None or steps[j].rule.family != "pool":
            continue
        features = numel(steps[j].inputs[0][1:])
        if features == st.output[1]:
            continue
        lin = next((s.index for s in steps[st.index + 1:]
                    if s.rule is not None and "in_features" in s.rule.args
                    and st.index in (s.parents or (s.index - 1,))), None)
        out.append((st.index, lin, features))
    return out


# --- propagation of a shape mistake ----------------------------------------------------------------

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
                    self.changed[st.index] = (wrong, _conv_macs(st, ins[0], wrong[-len(st.rule.k):]))
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


__all__ = ["ANY", "COUNT_MISTAKES", "IDS", "MISTAKES", "SHAPE_MISTAKES", "Mistake", "Scenario",
           "flatten_sites", "message", "mistaken_counts", "mistaken_output", "pool_param_guesses"]
