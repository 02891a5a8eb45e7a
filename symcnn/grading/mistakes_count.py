"""Count mistakes: each id recomputes one count of one layer (params, weights, biases, macs) the way
a student who made that mistake would, from the rule's own hyper-parameters (``bias``,
``in_features``, ``groups``, ``num_features`` ...). Also the flatten-before-pool sites and what
students write for a pool's parameters.

One entry per id: ``@count_mistake("id")`` registers ``f(step, field) -> [values]`` (empty: the
mistake does not apply to this layer or field); ``mistaken_counts`` calls it.

Owns: COUNT, COUNT_MISTAKES, ANY, count_mistake, mistaken_counts, pool_param_guesses, flatten_sites.
Never: write a message, read answers, format reports, or change a Trace.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod

from sympy import Expr, Integer

from ..rules.base import numel
from ..tracing.tracedata import Step, Trace
from .mistakes_shape import conv_macs, transposed, windowed
from .seqmistakes import SEQ_MISTAKES, seq_counts

ANY = object()   # a count mistake that matches any wrong non-zero value (pool_has_params)
COUNT: dict[str, Callable[[Step, str], list]] = {}


def count_mistake(mid: str):
    """Register the recomputation of count mistake ``mid``."""
    def register(f):
        COUNT[mid] = f
        return f
    return register


def mistaken_counts(mid: str, step: Step, field: str) -> list:
    """Values of ``field`` (params, weights, biases, macs) of ``step`` under count mistake ``mid``."""
    if step.rule is None or mid not in COUNT:
        return []
    return COUNT[mid](step, field)


def _conv(step: Step) -> bool:
    return step.rule.family == "conv" and windowed(step.rule)


def _has_bias(step: Step) -> bool:
    return step.biases != 0


@count_mistake("forgot_bias")
def _forgot_bias(step, field):
    if not _has_bias(step):
        return []
    return {"params": [step.weights], "biases": [Integer(0)]}.get(field, [])


@count_mistake("counted_bias_when_none")
def _counted_bias(step, field):
    args = step.rule.args
    if args.get("bias") is not False:
        return []
    c = getattr(step.rule, "c_out", None) or args.get("out_features") or args.get("out_channels")
    return {"params": [step.weights + c], "biases": [c]}.get(field, []) if c is not None else []


@count_mistake("forgot_input_channels")
def _forgot_input_channels(step, field):
    if not _conv(step) or (per := step.rule.c_in / step.rule.groups) == 1:
        return []
    w, b = step.weights, step.biases
    return {"params": [w / per + b], "weights": [w / per], "macs": [step.macs / per]}.get(field, [])


@count_mistake("kernel_area_only")
def _kernel_area_only(step, field):
    """A filter counted as its K = ∏kernel_size taps only: no input channels, one output channel."""
    if not _conv(step):
        return []
    k = prod(step.rule.k)
    nd = len(step.rule.k)
    grid = step.inputs[0] if transposed(step.rule) else step.output
    return {"params": [Integer(k) + (1 if _has_bias(step) else 0), Integer(k)], "weights": [Integer(k)],
            "macs": [numel(grid[:-nd - 1][:1]) * numel(grid[-nd:]) * k]}.get(field, [])


@count_mistake("groups_ignored")
def _groups_ignored(step, field):
    if not _conv(step) or (g := step.rule.groups) == 1:
        return []
    w, b = step.weights, step.biases
    return {"params": [w * g + b], "weights": [w * g], "macs": [step.macs * g]}.get(field, [])


@count_mistake("bias_in_macs")
def _bias_in_macs(step, field):
    """The bias additions counted as MACs (torchinfo, ptflops): + one per output element."""
    if field != "macs" or step.rule.family not in ("conv", "linear") or not _has_bias(step):
        return []
    return [step.macs + numel(step.output)]


@count_mistake("bn_running_stats")
def _bn_running_stats(step, field):
    args = step.rule.args
    if field != "params" or "num_features" not in args or not args.get("track_running_stats", True):
        return []
    return [step.params + 2 * args["num_features"]]


@count_mistake("pool_has_params")
def _pool_has_params(step, field):
    return [ANY] if step.rule.family == "pool" and field in ("params", "weights") else []


@count_mistake("flops_with_input_size")
def _flops_with_input_size(step, field):
    if field != "macs" or not _conv(step) or transposed(step.rule):
        return []
    nd = len(step.rule.k)
    return [conv_macs(step, step.inputs[0], step.inputs[0][-nd:])]


@count_mistake("transposed_as_conv")
def _transposed_as_conv(step, field):
    if field != "macs" or not _conv(step) or not transposed(step.rule):
        return []
    return [numel(step.output) * step.rule.c_in / step.rule.groups * prod(step.rule.k)]


for _mid in SEQ_MISTAKES:   # recurrent and attention layers (seqmistakes.py)
    COUNT[_mid] = lambda step, field, mid=_mid: seq_counts(mid, step, field)
COUNT_MISTAKES = tuple(COUNT)


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


__all__ = ["ANY", "COUNT", "COUNT_MISTAKES", "count_mistake", "flatten_sites", "mistaken_counts",
           "pool_param_guesses"]
