"""Conventions of the tools that count operators or patched functions: fvcore 0.1.5 (JIT-traced aten
ops, one "flop" = one MAC), ptflops 0.7.5 (pytorch backend: module hooks divided by the batch plus
patched torch.nn.functional calls) and calflops 0.3.2 (patched functional calls; MACs and FLOPs).

Owns: FVCORE, PTFLOPS, CALFLOPS, CALFLOPS_FLOPS.
Never: import the tools; the facts were read from their sources and checked against them in tests.
"""

from __future__ import annotations

from sympy import Integer, Rational, sympify

from ..rules.base import numel
from .base import Convention, Count, zero
from .ops import Op, fdiv
from .products import table as products
from .sequence import table as sequence


def _matmul(op: Op):
    a = op.step.inputs[0]
    b = op.step.inputs[1] if len(op.step.inputs) > 1 else op.y
    return numel(a) * b[-1]


def _norm5(op: Op):
    return op.i * (5 if op.affine else 4)


def _bn_eval(op: Op):
    if op.arg("track_running_stats", True) is False:
        return _norm5(op)   # no running stats: batch statistics even in eval()
    return op.i * (2 if op.affine else 1)


def _fnames(*names: str) -> tuple[str, ...]:
    return tuple(f"F.{n}" for n in names)


def _nd(name: str) -> tuple[str, ...]:
    return _fnames(*(f"{name}{d}d" for d in (1, 2, 3)))


# kind -> the torch.nn.functional functions ptflops / calflops patch (F.relu_, torch.relu, x.relu() are not)
F_PATCHED = {
    "conv": _nd("conv"), "convT": _nd("conv_transpose"), "linear": _fnames("linear"),
    "relu": _fnames("relu"), "prelu": _fnames("prelu"), "elu": _fnames("elu"), "relu6": _fnames("relu6"),
    "leakyrelu": _fnames("leaky_relu"), "silu": _fnames("silu"), "gelu": _fnames("gelu"),
    "softmax": _fnames("softmax"), "maxpool": _nd("max_pool"), "avgpool": _nd("avg_pool"),
    "adaptiveavgpool": _nd("adaptive_avg_pool"), "adaptivemaxpool": _nd("adaptive_max_pool"),
    "batchnorm": _fnames("batch_norm"), "layernorm": _fnames("layer_norm"), "groupnorm": _fnames("group_norm"),
    "instancenorm": _fnames("instance_norm"), "upsample": _fnames("interpolate", "upsample"),
}


# the tensor-method and torch.* forms of activations (x.relu(), x.relu_(), torch.relu, torch.softmax...):
# not the torch.nn.functional function, so ptflops and calflops do not see them
UNPATCHED = tuple(f"{p}.{n}" for p in ("Tensor", "torch") for n in ("relu", "relu_", "sigmoid", "sigmoid_",
                                                                   "tanh", "tanh_", "softmax", "log_softmax"))
_UNPATCHED = zero("0: a tensor method or torch.* function is not the patched torch.nn.functional one "
                  "(x.relu(), torch.softmax(x, 1) are not counted; F.relu(x) is)")


def _cf_matmul(op: Op):
    """calflops patches torch.matmul and Tensor.matmul, not mm, bmm or the @ operator."""
    return _matmul(op) if op.cls == "matmul" else Integer(0)


def patched(by_kind: dict[str, Count], *, modules: bool = True) -> dict[str, Count]:
    """Entries for the patched F.* functions of each kind (exact keys) and, when ``modules``, for the
    modules of that kind (their forward calls the patched function)."""
    out: dict[str, Count] = {}
    for kind, count in by_kind.items():
        if modules:
            out[f"module:{kind}"] = count
        out.update({f: count for f in F_PATCHED[kind]})
    return out


# --- fvcore 0.1.5.post20221221 -------------------------------------------------------------------
FVCORE = Convention(
    "fvcore", "fvcore's FlopCountAnalysis(model, x).total(): aten ops of a JIT trace, 1 flop = 1 MAC; conv, "
    "linear, matmul, BatchNorm, norms, 2-D adaptive average pooling and 2-D upsampling; all else 0",
    {
        **sequence("fvcore"), **products("fvcore"),
        "conv": Count("N·prod(weight.shape)·prod(out spatial) = |out|·(C_in/groups)·K, bias ignored; 0 when "
                      "padding is 'same' or 'valid' (aten::_convolution_mode has no handle)",
                      lambda op: Integer(0) if isinstance(op.arg("padding", 0), str) else op.plain,
                      bug="fvcore counts 0 for a convolution with padding='same' or 'valid' "
                          "(aten::_convolution_mode is unsupported)",
                      when=lambda op: isinstance(op.arg("padding", 0), str)),
        "convT": Count("N·prod(weight.shape)·prod(in spatial) = |in|·(C_out/groups)·K, bias ignored",
                       lambda op: op.plain),
        "linear": Count("|in|·out_features, bias ignored", lambda op: op.i * op.out_features),
        "matmul": Count("prod(a.shape)·b.shape[-1]", _matmul),
        "batchnorm": Count("|in|·(2 if affine else 1) in eval()", _bn_eval),
        "layernorm": Count("5·|in| (4 without affine)", _norm5),
        "groupnorm": Count("5·|in| (4 without affine)", _norm5),
        "instancenorm": Count("5·|in| (4 without affine)", _norm5),
        "adaptiveavgpool": Count("|in| for 2-D (aten::adaptive_avg_pool2d); 1-D and 3-D have no handle: 0",
                                 lambda op: op.i if op.nd == 2 else Integer(0)),
        "upsample": Count("|out| (nearest 2-D) or 4·|out| (bilinear 2-D); other modes 0",
                          lambda op: {"nearest": 1, "bilinear": 4}.get(
                              op.arg("mode", "bilinear" if op.cls == "UpsamplingBilinear2d" else "nearest"), 0)
                          * op.o if op.nd == 2 else Integer(0)),
        "*": zero("0: fvcore has no handle for this op (ignored or listed in unsupported_ops())"),
    },
    tool="fvcore 0.1.5.post20221221", call="FlopCountAnalysis(model, x).total()")

# --- ptflops 0.7.5, backend="pytorch" -----------------------------------------------------------
# Modules are counted by hooks and divided by the batch; patched F.* calls add |input| per call,
# also when a module's own forward calls them (nn.ReLU -> F.relu: counted twice).
_PATCHED = ("relu", "prelu", "elu", "relu6", "gelu", "silu", "softmax", "maxpool", "avgpool",
            "adaptiveavgpool", "adaptivemaxpool")
# the F.* function a module's forward calls, when ptflops patches it
_INNER = {"ReLU": "relu", "PReLU": "prelu", "ELU": "elu", "GELU": "gelu", "SiLU": "silu",
          "Softmax": "softmax", "Upsample": "upsample"}


def _inner(op: Op):
    """What the patched F.* call inside a module's forward adds (not divided by the batch)."""
    if op.kind in ("maxpool", "avgpool", "adaptiveavgpool", "adaptivemaxpool") or op.cls in _INNER:
        return _pt_interpolate(op) if op.kind == "upsample" else op.i
    return Integer(0)


def _pt_interpolate(op: Op):
    size = op.arg("size")
    if size is not None:
        sizes = size if isinstance(size, (tuple, list)) else (size,) * op.nd
        return numel(sizes) * op.x[0] * op.x[1]
    scale = op.arg("scale_factor", 1)
    if isinstance(scale, (tuple, list)):
        return op.i * numel([int(s) for s in scale])
    return op.i * Rational(str(scale)) ** op.nd


def _pt_module(hook):
    return lambda op: sympify(hook(op)) / op.b + _inner(op)


_PT_ACT = ("ReLU", "PReLU", "ELU", "LeakyReLU", "ReLU6", "GELU")
PTFLOPS = Convention(
    "ptflops", "ptflops' get_model_complexity_info (pytorch backend): module hooks (conv and linear with "
    "bias, BatchNorm 2|x|, activations and pools |x|) per image, plus |x| per patched F.* call, which "
    "also fires inside nn.ReLU and the pools (counted twice)",
    {
        **sequence("ptflops"), **products("ptflops"),
        "module:conv": Count("|out|·(C_in/groups)·K + |out| if bias", _pt_module(lambda op: op.plain + (
            op.o if op.has_bias else 0))),
        "module:convT": Count("|in|·(C_out/groups)·K + |out| if bias", _pt_module(lambda op: op.plain + (
            op.o if op.has_bias else 0))),
        **{f"nn.{c}": Count(f"|out| (hook){' + |in| (patched F.' + _INNER[c] + ')' if c in _INNER else ''}",
                            _pt_module(lambda op: op.o)) for c in _PT_ACT},
        **{f"module:{k}": Count("|in| (hook) + |in| (the patched F.* pool it calls)", _pt_module(lambda op: op.i))
           for k in ("maxpool", "avgpool", "adaptiveavgpool", "adaptivemaxpool")},
        **{f"nn.{c}": Count("|in|·(2 if affine else 1)", _pt_module(lambda op: op.i * (2 if op.affine else 1)))
           for c in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d",
                     "InstanceNorm3d", "GroupNorm")},
        "nn.LayerNorm": Count("|in| (ptflops reads a missing .affine as False)", _pt_module(lambda op: op.i)),
        "nn.Linear": Count("(in·out + out if bias)·rows", _pt_module(
            lambda op: (op.in_features * op.out_features + (op.out_features if op.has_bias else 0))
            * numel(op.x[:-1]))),
        "nn.Upsample": Count("numel of one output sample (hook) + the patched F.interpolate",
                             _pt_module(lambda op: op.o / op.y[0])),
        "module:*": Count("0 unless its forward calls a patched F.* function (nn.SiLU, nn.Softmax: |in|)",
                          lambda op: _inner(op)),
        **patched({k: Count("|in| per patched F.* call", lambda op: op.i) for k in _PATCHED}, modules=False),
        **patched({"upsample": Count("size·N·C, or |in|·scale^nd (patched F.interpolate)", _pt_interpolate)},
                  modules=False),
        "functional:matmul": Count("prod(a.shape)·b.shape[-1] (explicit torch.matmul/mm/bmm or Tensor.matmul/"
                                   "mm/bmm call, patched; a @ b is not)", _matmul),
        **{k: _UNPATCHED for k in UNPATCHED},
        **{k: Count("broadcast numel of an explicit torch.add / Tensor.add / torch.mul / Tensor.mul",
                    lambda op: op.o) for k in ("torch.add", "Tensor.add", "torch.mul", "Tensor.mul")},
        "*": zero("0: not a mapped module nor a patched function (a + b, +=, a @ b, cat, view, F.linear, "
                  "F.conv2d, F.batch_norm, F.leaky_relu, F.relu_, F.sigmoid, x.exp()...)"),
    },
    tool="ptflops 0.7.5", floor_total=True,
    call='get_model_complexity_info(model, input_res, as_strings=False, backend="pytorch")[0] '
         "(input_res has no batch dim: batch 1)")

# --- ptflops 0.7.5, backend="aten" --------------------------------------------------------------
_PLAIN_BIAS = "plain MACs + |out| if bias"
PTFLOPS_ATEN = Convention(
    "ptflops-aten", "ptflops' aten backend: a TorchDispatchMode that counts only aten convolution, addmm, mm, "
    "matmul and bmm: conv, transposed conv and linear MACs plus their bias additions; all else 0",
    {
        **sequence("ptflops-aten"), **products("ptflops-aten"),
        "conv": Count(f"|out|·(C_in/groups)·K + |out| if bias ({_PLAIN_BIAS})",
                      lambda op: op.plain + (op.o if op.has_bias else 0)),
        "convT": Count(f"|in|·(C_out/groups)·K + |out| if bias ({_PLAIN_BIAS})",
                       lambda op: op.plain + (op.o if op.has_bias else 0)),
        "linear": Count("rows·in·out + rows·out if bias (aten.addmm / aten.mm)",
                        lambda op: op.plain + (op.o if op.has_bias else 0)),
        "matmul": Count("prod(a.shape)·b.shape[-1] (aten.mm / aten.matmul / aten.bmm)", _matmul),
        "*": zero("0: only aten convolution, addmm, mm, matmul and bmm are counted"),
    },
    tool="ptflops 0.7.5", floor_total=True,
    call='get_model_complexity_info(model, input_res, as_strings=False, backend="aten")[0] (batch 1)')

# --- calflops 0.3.2 -----------------------------------------------------------------------------


def _cf_conv_out(op: Op):
    """calflops' own output size: (in + 2p − d(k − 1) − 1)//s + 1 with 'same' as d(k−1)//2 per side."""
    pad = op.arg("padding", 0)
    if not isinstance(pad, str):
        return op.sp_out
    ks, st, dl = (op.weight[2:], op.arg("stride", 1), op.arg("dilation", 1))
    out = []
    for a, (L, k) in enumerate(zip(op.sp_in, ks)):
        s = st[a] if isinstance(st, (tuple, list)) else st
        d = dl[a] if isinstance(dl, (tuple, list)) else dl
        p = 0 if pad == "valid" else fdiv(d * (k - 1), 2)
        out.append(fdiv(L + 2 * p - d * (k - 1) - 1, s) + 1)
    return out


def _cf_conv(op: Op):
    return op.k * op.cin * fdiv(op.out_features, op.groups) * op.n * numel(_cf_conv_out(op))


def _cf_convT(op: Op):
    return op.k * op.cin * fdiv(op.weight[1], op.groups) * op.n * numel(op.sp_in)


def _cf_convT_bias(op: Op):
    if not op.has_bias:
        return Integer(0)
    out = []
    for a, (L, k) in enumerate(zip(op.sp_in, op.weight[2:])):
        p, s, d = (v[a] if isinstance(v, (tuple, list)) else v
                   for v in (op.arg("padding", 0), op.arg("stride", 1), op.arg("dilation", 1)))
        out.append(fdiv(L + 2 * p - d * (k - 1) - 1, s) + 1)
    return op.weight[1] * op.n * numel(out)


_CF_CONVT_BUG = ("calflops divides the transposed conv's channels by groups twice (K·C_in·(C_out/g)/g per "
                 "input position)")
_CF_CONVT_BIAS_BUG = ("calflops puts a transposed conv's bias additions on the forward-conv grid of its input "
                      "((in + 2p − d(k−1) − 1)//s + 1 per axis) instead of the output grid")
_CF_MACS = {
    **patched({
        "conv": Count("K·C_in·(C_out/groups)·N·prod(out spatial) = |out|·(C_in/groups)·K", _cf_conv),
        "convT": Count("K·C_in·((C_out/groups)//groups)·N·prod(in spatial) (plain only when groups = 1)",
                       _cf_convT, bug=_CF_CONVT_BUG, when=lambda op: op.groups != 1),
        "linear": Count("|in|·out_features, bias ignored", lambda op: op.i * op.out_features)}),
    "functional:matmul": Count("prod(a.shape)·b.shape[-1] for an explicit torch.matmul / Tensor.matmul call "
                               "(patched); torch.mm, torch.bmm and a @ b: 0", _cf_matmul),
}
CALFLOPS = Convention(
    "calflops", "calflops' calculate_flops MACs: patched F.conv*/F.linear/torch.matmul calls only; "
    "everything else has no MACs",
    {**sequence("calflops"), **products("calflops"), **_CF_MACS,
     "*": zero("0: calflops counts MACs only for patched conv, linear and matmul calls")},
    tool="calflops 0.3.2", call="calculate_flops(model, input_shape=<shape with batch>)[1]")

_CF_ACT = Count("|in| per patched F.* call", lambda op: op.i)
CALFLOPS_FLOPS = Convention(
    "calflops-flops", "calflops' calculate_flops FLOPs: 2 x its MACs + conv bias, and |x| for every patched "
    "F.* call (activations, BatchNorm, pools, softmax), 0 for the rest",
    {
        **sequence("calflops-flops"), **products("calflops-flops"),
        **patched({
            "conv": Count("2·MACs + |out| if bias", lambda op: 2 * _cf_conv(op) + (
                op.out_features * op.n * numel(_cf_conv_out(op)) if op.has_bias else 0)),
            "convT": Count("2·MACs + (C_out/groups)·N·prod(d') if bias, d' the forward-conv size of the input",
                           lambda op: 2 * _cf_convT(op) + _cf_convT_bias(op), bug=f"{_CF_CONVT_BUG}; "
                           f"{_CF_CONVT_BIAS_BUG}", when=lambda op: op.groups != 1 or op.has_bias),
            "linear": Count("2·|in|·out_features, bias ignored", lambda op: 2 * op.i * op.out_features),
            **{k: _CF_ACT for k in ("relu", "prelu", "elu", "relu6", "leakyrelu", "silu", "gelu", "softmax",
                                    "maxpool", "avgpool", "adaptiveavgpool", "adaptivemaxpool")},
            "batchnorm": Count("|in|·(2 if affine else 1) in eval()", _bn_eval),
            **{k: Count("5·|in| (4 without affine)", _norm5) for k in ("layernorm", "groupnorm", "instancenorm")},
            "upsample": Count("prod(size) if a size is given, else |in| (the scale factor is ignored)",
                              lambda op: numel(op.arg("size")) if isinstance(op.arg("size"), (tuple, list))
                              else (sympify(op.arg("size")) if op.arg("size") is not None else op.i)),
        }),
        "nn.ReLU6": zero("0: nn.ReLU6 calls F.hardtanh, which calflops does not patch"),
        "functional:matmul": Count("2·prod(a.shape)·b.shape[-1] for an explicit torch.matmul / Tensor.matmul "
                                   "call; torch.mm, torch.bmm and a @ b: 0", lambda op: 2 * _cf_matmul(op)),
        **{k: _UNPATCHED for k in UNPATCHED},
        **{k: Count("broadcast numel of an explicit torch.add / Tensor.add / torch.mul / Tensor.mul",
                    lambda op: op.o) for k in ("torch.add", "Tensor.add", "torch.mul", "Tensor.mul")},
        "*": zero("0: calflops does not patch it (a + b, +=, a @ b, cat, view, dropout, F.log_softmax, "
                  "F.sigmoid, F.relu_, x.exp()...)"),
    },
    tool="calflops 0.3.2", call="calculate_flops(model, input_shape=<shape with batch>)[0]", unit="flop")

PATCHES = (FVCORE, PTFLOPS, PTFLOPS_ATEN, CALFLOPS, CALFLOPS_FLOPS)
