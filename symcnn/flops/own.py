"""symcnn's own conventions: ``mul`` (the course notes' multiplications), ``mac``, ``flop`` (2 x MACs)
and ``flop+bias``. Every layer type states what it counts, zero included, and why.

Owns: OWN (the four conventions).
Never: count anything but the rules' multiply-accumulates (and bias additions for flop+bias).
"""

from __future__ import annotations

from sympy import Integer

from .base import Convention, Count
from .ops import Op
from .sequence import bias_adds

# why a layer type has no multiply-accumulates (the same words for all four conventions)
NO_MACS = {
    "batchnorm": "BatchNorm (eval) is a per-channel scale and shift that folds into the previous conv",
    "layernorm": "normalisation: means, variances and a scale, not weights times inputs",
    "groupnorm": "normalisation: means, variances and a scale, not weights times inputs",
    "instancenorm": "normalisation: means, variances and a scale, not weights times inputs",
    "lrn": "a local normalisation, not weights times inputs",
    "maxpool": "max pooling compares, it does not multiply",
    "adaptivemaxpool": "max pooling compares, it does not multiply",
    "avgpool": "average pooling adds and divides once per output, there are no weights",
    "adaptiveavgpool": "average pooling adds and divides once per output, there are no weights",
    "lppool": "power-average pooling has no weights",
    "add": "elementwise additions (a residual add, +=) have no weights",
    "mul": "elementwise products are not accumulated",
    "upsample": "interpolation copies or blends neighbours, there are no weights",
    "reduce": "a reduction adds, there are no weights",
    "softmax": "exponentials and a division, not weights times inputs",
    "logsoftmax": "exponentials and a logarithm, not weights times inputs",
    "softmin": "exponentials and a division, not weights times inputs",
    "dropout": "dropout is the identity in eval()",
    "data": "it moves or selects data, no arithmetic",
    "elementwise": "an elementwise function (exp, log, sqrt, abs, clamp), no weights",
}
ACTIVATION = "an elementwise activation (compare or evaluate a function), no weights"
NO_MACS.update({k: ACTIVATION for k in ("relu", "relu6", "leakyrelu", "elu", "selu", "celu", "gelu", "silu",
                                        "mish", "prelu", "sigmoid", "tanh", "hardtanh", "hardswish",
                                        "hardsigmoid", "softplus", "softsign")})
MACS = {
    "conv": "|out|·(C_in/groups)·prod(kernel) = N·C_out·H_out·W_out·(C_in/groups)·K_h·K_w",
    "convT": "|in|·(C_out/groups)·prod(kernel): every input element meets each kernel weight of its group",
    "linear": "|out|·in_features",
    "bilinear": "|out|·in1_features·in2_features",
    "matmul": "|out|·(inner dimension): a @ b, matmul, mm, bmm, baddbmm, addmm, mv, dot; einsum: each pairwise "
              "contraction (left to right) costs the product of its labels' sizes when it sums a label",
    "rnn": "per time step, layer and direction each gate's input matmul h·in_l and hidden matmul h·h_out (+ the "
           "projection p·h): N·L·D·Σ_l (G·h·(in_l + h_out) + h·p), G = 1 RNN, 3 GRU, 4 LSTM",
    "rnncell": "N·G·h·(input_size + h): each gate's input and hidden matmul",
    "attention": "Q, K, V projections + QKᵀ + AV + output projection: N·(L·E² + L_s·E_k·E + L_s·E_v·E + "
                 "2·L·L_s'·E + L·E²); scaled_dot_product_attention B·L·L_s·(E + E_v)",
}


def _macs(op: Op):
    return op.plain   # the tracer's count; for matmul steps |out|·(inner dimension), set in tensor.py


def _bias(op: Op):
    if op.kind in ("rnn", "rnncell", "attention"):
        return bias_adds(op)
    return op.o if op.has_bias and op.kind in ("conv", "convT", "linear", "bilinear") else Integer(0)


# what flop+bias adds for a kind's biases (default: one addition per output element)
BIAS_ADDS = {"rnn": "2·G·h bias additions (b_ih, b_hh) per time step, layer and direction",
             "rnncell": "2·G·h bias additions (b_ih, b_hh) per sample",
             "attention": "N·E·(2L + 2L_s) bias additions (Q, K, V and output projections)",
             "matmul": "no bias additions (addmm's added input is not a bias)"}


def _table(scale: int, word: str, bias: bool = False) -> dict[str, Count]:
    pre = "" if scale == 1 else f"{scale} x "
    table: dict[str, Count] = {}
    for kind, formula in MACS.items():
        plus = f" + {BIAS_ADDS.get(kind, '|out| bias additions when bias=True')}" if bias else ""
        table[kind] = Count(f"{pre}{formula}{plus} ({word})",
                            (lambda op, s=scale, b=bias: s * _macs(op) + (_bias(op) if b else 0)))
    for kind, why in NO_MACS.items():
        table[kind] = Count(f"0: {why}", lambda op: Integer(0))
    plus = " + |out| bias additions when bias=True" if bias else ""
    table["*"] = Count(f"{pre}the MACs of symcnn's rule for the layer (0 for elementwise layers: "
                       f"{ACTIVATION}){plus}", lambda op, s=scale, b=bias: s * op.plain + (_bias(op) if b else 0))
    return table


OWN = (
    Convention("mul", "multiplications only, as in the course notes: conv C_in·C_out·K_h·K_w·H_out·W_out "
               "and linear in·out; no bias, nothing else (numerically equal to mac)",
               _table(1, "multiplications"), own=True),
    Convention("mac", "multiply-accumulates of conv, transposed conv, linear and matmul; bias additions, "
               "normalisation, activations, pooling and adds are not MACs", _table(1, "MACs"), own=True),
    Convention("flop", "2 x MACs: each multiply-accumulate is one multiplication and one addition",
               _table(2, "FLOPs"), own=True, unit="flop"),
    Convention("flop+bias", "2 x MACs plus one addition per output element of each layer with a bias",
               _table(2, "FLOPs", bias=True), own=True, unit="flop"),
)
