"""Conventions of the tools that count with forward hooks on modules: torchinfo 1.8.0 ("mult-adds"),
thop 0.1.1.post2209072238 and torchscan 0.2.0 (MACs and module FLOPs). Functional calls (F.relu,
+=, torch.cat, F.adaptive_avg_pool2d) are invisible to all three.

Owns: TORCHINFO, THOP, TORCHSCAN, TORCHSCAN_FLOPS.
Never: import the tools; the facts were read from their sources and checked against them in tests.
"""

from __future__ import annotations

from sympy import Eq, Integer, Mod, Piecewise, floor, sympify

from ..rules.base import numel
from .base import Convention, Count, zero
from .ops import Op, fdiv
from .products import table as products
from .sequence import table as sequence

NOT_MODULE = "0: not a module call, and {tool} only sees modules"

# --- torchinfo 1.8.0 -----------------------------------------------------------------------------
_TI_CONV = ("(weight + bias numel)·N·prod(output spatial) = |out|·(C_in/groups)·K (+|out| if bias)")
TORCHINFO = Convention(
    "torchinfo", "torchinfo's total_mult_adds: leaf modules only; Conv* = params x output positions, "
    "every other leaf = N x its weight+bias count (Linear in·out + out, BatchNorm 2C), functional ops 0",
    {
        **sequence("torchinfo"), **products("torchinfo"),
        "module:conv": Count(_TI_CONV, lambda op: op.wb * op.y[0] * numel(op.y[2:])),
        "module:convT": Count("(weight + bias numel)·N·prod(output spatial) = |out|·(C_in/groups)·K "
                              "(+|out| if bias): the output grid",
                              lambda op: op.wb * op.y[0] * numel(op.y[2:]),
                              bug="torchinfo counts ConvTranspose on the output grid: |out|·(C_in/groups)·K "
                                  "instead of |in|·(C_out/groups)·K"),
        "module:*": Count("N·(weight + bias numel) (Linear: N·(in·out + out); affine BatchNorm: N·2C; "
                          "no parameters: 0)", lambda op: op.y[0] * op.wb),
        "*": zero(NOT_MODULE.format(tool="torchinfo")),
    },
    tool="torchinfo 1.8.0", call='summary(model, input_size=<shape with batch>, mode="eval").total_mult_adds')

# --- thop 0.1.1.post2209072238 (exact module types) ---------------------------------------------
_THOP_ADAPTIVE = "int((prod(in_d/out_d) + 1)·|out|)"


def _thop_adaptive(op: Op):
    ratio = numel([sympify(i) / o for i, o in zip(op.sp_in, op.sp_out)])
    return floor((ratio + 1) * op.o)


_THOP_UP = {"nearest": 1, "linear": 5, "bilinear": 11, "bicubic": 259}


def _thop_upsample(op: Op):
    mode = op.arg("mode", "bilinear" if op.cls == "UpsamplingBilinear2d" else "nearest")
    return _THOP_UP.get(mode, 0) * op.o


def _thop_softmax(op: Op):
    dim = op.arg("dim")
    n = op.x[dim if dim is not None else -1]
    return fdiv(op.i, n) * (3 * n - 1)


_THOP_NORM = Count("2·|in|, doubled when affine (4·|in| for a default BatchNorm)",
                   lambda op: 2 * op.i * (2 if op.affine else 1))
_THOP_ZERO = zero("0: thop has a rule for it that counts 0")
THOP = Convention(
    "thop", "thop.profile's MACs: hooks on modules whose exact type has a rule (no bias, BatchNorm 4|x|, "
    "pools only when averaging), unknown modules and functional ops 0",
    {
        **sequence("thop"), **products("thop"),
        **{f"nn.Conv{d}d": Count("|out|·(C_in/groups)·K, bias not counted", lambda op: op.plain)
           for d in (1, 2, 3)},
        **{f"nn.ConvTranspose{d}d": Count(
            "|out|·(C_in/groups)·K: the output grid",
            lambda op: op.o * fdiv(op.cin, op.groups) * op.k,
            bug="thop counts ConvTranspose on the output grid: |out|·(C_in/groups)·K instead of "
                "|in|·(C_out/groups)·K") for d in (1, 2, 3)},
        **{k: _THOP_NORM for k in ("nn.BatchNorm1d", "nn.BatchNorm2d", "nn.BatchNorm3d", "nn.SyncBatchNorm",
                                   "nn.LayerNorm", "nn.InstanceNorm1d", "nn.InstanceNorm2d",
                                   "nn.InstanceNorm3d")},
        "nn.PReLU": Count("|in| (eval)", lambda op: op.i),
        "nn.Softmax": Count("(|in|/n)·(3n − 1), n = size along dim", _thop_softmax),
        **{f"nn.AvgPool{d}d": Count("|out| (one op per output)", lambda op: op.o) for d in (1, 2, 3)},
        **{f"nn.AdaptiveAvgPool{d}d": Count(_THOP_ADAPTIVE, _thop_adaptive) for d in (1, 2, 3)},
        "nn.Linear": Count("in_features·|out|, bias not counted", lambda op: op.in_features * op.o),
        **{k: Count("|out|·{nearest 1, linear 5, bilinear 11, bicubic 259} (other modes 0)", _thop_upsample)
           for k in ("nn.Upsample", "nn.UpsamplingBilinear2d", "nn.UpsamplingNearest2d")},
        **{k: _THOP_ZERO for k in ("nn.ZeroPad2d", "nn.ReLU", "nn.ReLU6", "nn.LeakyReLU", "nn.MaxPool1d",
                                   "nn.MaxPool2d", "nn.MaxPool3d", "nn.AdaptiveMaxPool1d",
                                   "nn.AdaptiveMaxPool2d", "nn.AdaptiveMaxPool3d", "nn.Dropout",
                                   "nn.PixelShuffle")},
        "module:*": zero("0: thop has no rule for this module type (it warns and counts 0)"),
        "*": zero(NOT_MODULE.format(tool="thop")),
    },
    tool="thop 0.1.1.post2209072238", call="thop.profile(model, inputs=(x,))[0]")

# --- torchscan 0.2.0 (isinstance-based; one call per leaf module) -------------------------------


def _adaptive_k(op: Op):
    ks = []
    for i, o in zip(op.sp_in, op.sp_out):
        i, o = sympify(i), sympify(o)
        ks.append(Piecewise((fdiv(i, o), Eq(Mod(i, o), 0)), (Mod(i, o) + 1, True)))
    return ks


def _ts_pool(extra: bool):
    def f(op: Op):
        k, _ = op.raw_kernel()
        return op.o * (k - 1 + (len(op.x) - 2 if extra else 0))
    return f


def _ts_adaptive(extra: bool):
    def f(op: Op):
        ks = _adaptive_k(op)
        return op.o * (numel(ks) - 1 + (len(ks) if extra else 0))
    return f


_TS_K = ("k = prod(kernel_size) if the module stores a tuple, else the bare int "
         "(MaxPool2d(3, 2): k = 3, MaxPool2d((3, 3), 2): k = 9)")
_TS_INT_K = ("torchscan takes an int kernel_size as the window size (k instead of k^nd elements): "
             "it is right only when the module was given a tuple")


def _int_kernel(op: Op) -> bool:
    return not op.raw_kernel()[1] and op.nd > 1


_TS_POOLS = {
    "module:maxpool": Count(f"|out|·(k − 1), {_TS_K}", _ts_pool(False), bug=_TS_INT_K, when=_int_kernel),
    "module:avgpool": Count(f"|out|·(k − 1 + nd), {_TS_K}", _ts_pool(True), bug=_TS_INT_K, when=_int_kernel),
    "module:adaptivemaxpool": Count("|out|·(prod(k_d) − 1), k_d = in/out if divisible else in mod out + 1",
                                    _ts_adaptive(False)),
    "module:adaptiveavgpool": Count("|out|·(prod(k_d) − 1 + nd), k_d = in/out if divisible else "
                                    "in mod out + 1", _ts_adaptive(True)),
}
_TS_ZERO = {k: zero("0: torchscan's formula for it is 0")
            for k in ("nn.Identity", "nn.ReLU", "nn.ELU", "nn.LeakyReLU", "nn.ReLU6", "nn.Tanh",
                      "nn.Sigmoid", "nn.Flatten", "nn.Dropout")}
_TS_CONVT_BUG = ("torchscan counts ConvTranspose on the output grid: |out|·(C_in/groups)·K instead of "
                 "|in|·(C_out/groups)·K, plus a constant for the padding arithmetic")
_TS_BN_KEYS = ("nn.BatchNorm1d", "nn.BatchNorm2d", "nn.BatchNorm3d", "nn.SyncBatchNorm")
TORCHSCAN = Convention(
    "torchscan", "torchscan's crawl_module totals['macs']: per leaf module (no bias; BatchNorm |x|·(1 + "
    "affine); pools count comparisons/additions; ConvTranspose on the output grid); functional ops 0",
    {
        **sequence("torchscan"), **products("torchscan"),
        "nn.Linear": Count("in_features·|out|", lambda op: op.in_features * op.o),
        **_TS_ZERO,
        "module:convT": Count("|out|·(C_in/groups)·K + 4·nd (output grid, + padding arithmetic)",
                              lambda op: op.o * fdiv(op.cin, op.groups) * op.k + 4 * op.nd, bug=_TS_CONVT_BUG),
        "module:conv": Count("|out|·(C_in/groups)·K", lambda op: op.o * fdiv(op.cin, op.groups) * op.k),
        **{k: Count("|in|·(1 + affine) (eval)", lambda op: op.i * (2 if op.affine else 1)) for k in _TS_BN_KEYS},
        **_TS_POOLS,
        "module:*": zero("0: torchscan has no formula for this module (the metric is marked partial)"),
        "*": zero(NOT_MODULE.format(tool="torchscan")),
    },
    tool="torchscan 0.2.0", call="crawl_module(model, input_shape)['totals']['macs'] (batch 1)")


def _ts_conv_flops(op: Op):
    terms = op.k * fdiv(op.cin, op.groups)
    return op.o * (2 * terms - 1 + (1 if op.has_bias else 0))


def _ts_linear_flops(op: Op):
    rows = numel(op.x[:-1])
    return op.out_features * rows * (2 * op.in_features - 1) + (op.out_features * rows if op.has_bias else 0)


def _ts_layernorm(op: Op):
    shape = op.arg("normalized_shape", ())
    rows = fdiv(op.i, numel(shape if isinstance(shape, (tuple, list)) else (shape,)))
    return 6 * op.i + 2 * rows + op.i * (1 if op.affine else 0) + op.i * (1 if op.has_bias else 0)


def _ts_dropout(op: Op):
    return op.i if float(op.arg("p", 0.5)) > 0 else Integer(0)


TORCHSCAN_FLOPS = Convention(
    "torchscan-flops", "torchscan's crawl_module totals['module_flops']: Linear and Conv count 2·terms − 1 "
    "per output (+ bias), activations their elementwise cost, Dropout |x| even in eval()",
    {
        **sequence("torchscan-flops"), **products("torchscan-flops"),
        "nn.Identity": zero("0: torchscan's formula for it is 0"),
        "nn.Flatten": zero("0: torchscan's formula for it is 0"),
        "nn.Linear": Count("out·rows·(2·in − 1) + out·rows if bias", _ts_linear_flops),
        "nn.ReLU": Count("|in|", lambda op: op.i),
        "nn.ELU": Count("6·|in|", lambda op: 6 * op.i),
        "nn.LeakyReLU": Count("4·|in|", lambda op: 4 * op.i),
        "nn.ReLU6": Count("2·|in|", lambda op: 2 * op.i),
        "nn.Tanh": Count("6·|in|", lambda op: 6 * op.i),
        "nn.Sigmoid": Count("4·|in|", lambda op: 4 * op.i),
        "module:convT": Count("|out|·(2·(C_in/groups)·K − 1 + bias) + 8·nd (output grid)",
                              lambda op: _ts_conv_flops(op) + 8 * op.nd, bug=_TS_CONVT_BUG),
        "module:conv": Count("|out|·(2·(C_in/groups)·K − 1 + bias)", _ts_conv_flops),
        **{k: Count("2·C + 2·|in| + 2·|in| if affine (eval)",
                    lambda op: 2 * op.cin + 2 * op.i + (2 * op.i if op.affine else 0)) for k in _TS_BN_KEYS},
        **_TS_POOLS,
        "nn.Dropout": Count("|in| if p > 0, even in eval()", _ts_dropout,
                            bug="torchscan counts Dropout (|in| random numbers) even in eval()"),
        "nn.LayerNorm": Count("6·|in| + 2·rows + |in| per affine tensor", _ts_layernorm),
        "module:*": zero("0: torchscan has no formula for this module (the metric is marked partial)"),
        "*": zero(NOT_MODULE.format(tool="torchscan")),
    },
    tool="torchscan 0.2.0", call="crawl_module(model, input_shape)['totals']['module_flops'] (batch 1)",
    unit="flop")

HOOKS = (TORCHINFO, THOP, TORCHSCAN, TORCHSCAN_FLOPS)
