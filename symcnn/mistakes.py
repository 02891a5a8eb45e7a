"""The catalogue of classic mistakes: each id recomputes a value the way a student who made that
mistake would, from the rule's own hyper-parameters (``.k .s .p .d``, ``ceil_mode``, ``groups``,
``bias``, ``in_features``, ``num_features`` ...).

Two kinds:
- shape mistakes change a layer's output size (``mistaken_output``); ``Scenario`` propagates the
  wrong size through the later layers with their true rules, so a wrong conv2 can be traced back
  to a mistake made in conv1;
- count mistakes change one count of one layer (``mistaken_counts``: params, weights, biases, macs).

Owns: MISTAKES (ids with en/zh messages), message, mistaken_output, mistaken_counts, flatten_sites,
Scenario.
Never: read answers, format reports, or change a Trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from sympy import Expr, Integer

from .errors import SymcnnError
from .intarith import FloorDiv
from .rule import numel
from .trace import Step, Trace

ANY = object()   # a count mistake that matches any wrong non-zero value (pool_has_params)


@dataclass(frozen=True, slots=True)
class Mistake:
    id: str
    en: str
    zh: str


MISTAKES: dict[str, Mistake] = {m.id: m for m in (
    Mistake("forgot_plus_one", "forgot the + 1: out = ⌊(L + 2P − D(K − 1) − 1)/S⌋ + 1",
            "漏了 + 1：输出尺寸 = ⌊(L + 2P − D(K − 1) − 1)/S⌋ + 1"),
    Mistake("padding_one_side", "padded one side only: the formula adds 2P (P on each side)",
            "只算了一侧的填充：公式里是 2P（两侧各 P）"),
    Mistake("padding_ignored",
            "left out the padding: the formula adds 2P (P on each side); pools take padding too",
            "漏了填充：公式里要加 2P（两侧各 P）；池化层同样有 padding 参数"),
    Mistake("padding_subtracted",
            "subtracted the padding (the course notes' sign error): padding enlarges the input, "
            "out = ⌊(L + 2P − K_eff)/S⌋ + 1 with K_eff = K + (K − 1)(D − 1)",
            "把填充减掉了（笔记里的符号错误）：填充使输入变大，输出 = ⌊(L + 2P − K_eff)/S⌋ + 1，"
            "K_eff = K + (K − 1)(D − 1)"),
    Mistake("ceil_instead_of_floor",
            "rounded up: without ceil_mode PyTorch rounds the output size down (floor)",
            "向上取整了：没有 ceil_mode 时 PyTorch 对输出尺寸向下取整（floor）"),
    Mistake("floor_instead_of_ceil", "rounded down: with ceil_mode=True PyTorch rounds up (ceil), dropping "
            "a last window that would start in the right padding",
            "向下取整了：ceil_mode=True 时 PyTorch 向上取整（ceil），但丢掉从右侧填充区开始的最后一个窗口"),
    Mistake("forgot_bias", "left out the bias: params = weights + one bias per output channel",
            "漏了偏置：参数量 = 权重 + 每个输出通道一个偏置"),
    Mistake("counted_bias_when_none", "counted a bias, but this layer has bias=False",
            "多算了偏置：这一层 bias=False，没有偏置"),
    Mistake("forgot_input_channels", "left out the input channels: each filter spans C_in/groups channels, "
            "weights = C_out·(C_in/groups)·K",
            "漏了输入通道：每个卷积核覆盖 C_in/groups 个通道，权重 = C_out·(C_in/groups)·K"),
    Mistake("groups_ignored", "ignored groups: each filter sees only C_in/groups input channels",
            "忽略了分组：每个卷积核只看 C_in/groups 个输入通道"),
    Mistake("dilation_ignored", "ignored dilation: the effective kernel is K + (K − 1)(D − 1)",
            "忽略了空洞（dilation）：等效卷积核大小是 K + (K − 1)(D − 1)"),
    Mistake("dilation_rf_formula", "used (K + 1)(D − 1) + K as the dilated kernel (a receptive field on top "
            "of another conv); one dilated layer's effective kernel is K + (K − 1)(D − 1)",
            "把 (K + 1)(D − 1) + K 当成了空洞卷积核（那是叠在另一层卷积上的感受野）；单层的等效卷积核是 "
            "K + (K − 1)(D − 1)"),
    Mistake("transposed_as_conv", "used the convolution formula for a transposed convolution: out = "
            "(L − 1)·S − 2P + D(K − 1) + output_padding + 1, MACs = |in|·(C_out/groups)·K",
            "把转置卷积当成了普通卷积：输出 = (L − 1)·S − 2P + D(K − 1) + output_padding + 1，"
            "MACs = |输入|·(C_out/groups)·K"),
    Mistake("macs_vs_flops", "off by a factor of 2: MACs versus FLOPs (one MAC is a multiplication and an "
            "addition, 2 FLOPs); check which one is asked",
            "差了 2 倍：混淆了 MACs 和 FLOPs（一次乘加 = 一次乘法 + 一次加法 = 2 FLOPs），看清题目要哪一个"),
    Mistake("flops_with_input_size", "used the input size instead of the output size: a conv computes one "
            "window per output position, MACs = |out|·(C_in/groups)·K",
            "用了输入尺寸而不是输出尺寸：卷积每个输出位置算一个窗口，MACs = |输出|·(C_in/groups)·K"),
    Mistake("bn_running_stats", "counted running_mean and running_var: they are buffers, not parameters; "
            "BatchNorm has 2C parameters (weight and bias)",
            "把 running_mean 和 running_var 也算成了参数：它们是缓冲区，"
            "BatchNorm 只有 2C 个参数（weight 和 bias）"),
    Mistake("pool_has_params", "pooling has no learnable parameters: params = 0",
            "池化层没有可学习的参数：参数量 = 0"),
    Mistake("flatten_before_pool",
            "flattened before the last pooling: the flattened size is C·H·W after the pool",
            "在最后一次池化之前就展平了：展平后的大小是池化之后的 C·H·W"),
    Mistake("carried_forward", "follows from your own answer for {layer}: given that answer this step is "
            "right; correct {layer} first",
            "由你对 {layer} 的答案推出：在那个答案的基础上这一步是对的，请先改正 {layer}"),
    Mistake("channels_last", "wrote the shape channels-last (H×W×C); PyTorch shapes are N×C×H×W",
            "把形状写成了通道在后（H×W×C）；PyTorch 的形状是 N×C×H×W"),
    Mistake("off_by_batch", "forgot or added the batch dimension N (shapes are N×C×H×W; counts scale with N)",
            "漏了或多加了批大小 N（形状是 N×C×H×W，计算量随 N 成倍增长）"),
)}

SHAPE_MISTAKES = ("forgot_plus_one", "padding_one_side", "padding_ignored", "padding_subtracted",
                  "ceil_instead_of_floor", "floor_instead_of_ceil", "dilation_ignored", "dilation_rf_formula",
                  "transposed_as_conv")
COUNT_MISTAKES = ("forgot_bias", "counted_bias_when_none", "forgot_input_channels", "groups_ignored",
                  "bn_running_stats", "pool_has_params", "flops_with_input_size", "transposed_as_conv")


def message(mid: str, lang: str = "en") -> str:
    m = MISTAKES[mid]
    return m.zh if lang == "zh" else m.en


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


__all__ = ["ANY", "COUNT_MISTAKES", "MISTAKES", "SHAPE_MISTAKES", "Mistake", "Scenario", "flatten_sites",
           "message", "mistaken_counts", "mistaken_output", "pool_param_guesses"]
