"""Every rule called with symbols: it must not branch on a symbolic value, its sizes must be
canonical, and substituting numbers into the general result must give the numeric rule's result."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from sympy import Basic, Integer, sympify

import symcnn
from symcnn.core.intarith import FloorDiv
from symcnn.core.symbols import (
    C, C_in, C_out, D, D_ff, E, E_k, E_v, F_in, F_out, G, H, Hid, K, L, L_out, L_s, N, N_dec, N_enc, N_heads,
    N_layers, P, P_out, S, T, W,
)
from symcnn.rules.activation import ACTIVATIONS

VALUES = {N: 2, C: 6, H: 20, W: 17, L: 23, T: 9, K: 3, S: 2, P: 1, D: 2, G: 2, C_in: 6, C_out: 4,
          F_in: 5, F_out: 7, L_out: 3, P_out: 1, Hid: 6, N_layers: 3, E: 8, N_heads: 2, E_k: 3, E_v: 4,
          L_s: 5, D_ff: 7, N_enc: 2, N_dec: 1}
X1, X2, X3 = (N, C, L), (N, C, H, W), (N, C, T, H, W)
SP = {1: X1, 2: X2, 3: X3}

# key -> (args, kwargs, input shape(s)); a symbolic version of every registered layer
SYMBOLIC: dict[str, tuple] = {}
for nd in (1, 2, 3):
    SYMBOLIC |= {
        f"nn.Conv{nd}d": ((C, C_out, K), {"stride": S, "padding": P, "dilation": D}, SP[nd]),
        f"nn.ConvTranspose{nd}d": ((C, C_out, K), {"stride": S, "padding": P, "output_padding": P_out},
                                   SP[nd]),
        f"nn.MaxPool{nd}d": ((K, S, P), {"dilation": D, "ceil_mode": True}, SP[nd]),
        f"nn.AvgPool{nd}d": ((K, S, P), {}, SP[nd]),
        f"nn.LPPool{nd}d": ((2, K, S), {}, SP[nd]),
        f"nn.AdaptiveAvgPool{nd}d": ((L_out,), {}, SP[nd]),
        f"nn.AdaptiveMaxPool{nd}d": ((L_out,), {"return_indices": True}, SP[nd]),
        f"nn.BatchNorm{nd}d": ((C,), {}, SP[nd]),
        f"nn.InstanceNorm{nd}d": ((C,), {"affine": True}, SP[nd]),
        f"nn.ZeroPad{nd}d": ((P,), {}, SP[nd]),
        f"nn.ConstantPad{nd}d": ((P, 0.0), {}, SP[nd]),
        f"nn.ReflectionPad{nd}d": ((P,), {}, SP[nd]),
        f"nn.ReplicationPad{nd}d": ((P,), {}, SP[nd]),
        f"nn.CircularPad{nd}d": ((P,), {}, SP[nd]),
        f"nn.Dropout{nd}d": ((), {}, (N, C, L) if nd == 1 else SP[nd]),
        f"nn.MaxUnpool{nd}d": ((K,), {"stride": S, "padding": P}, (SP[nd], SP[nd])),
    }
SYMBOLIC |= {f"nn.{name}": ((), {}, X2) for name in ACTIVATIONS if f"nn.{name}" not in SYMBOLIC}
SYMBOLIC |= {
    "nn.Threshold": ((0.1, 0.0), {}, X2), "nn.PReLU": ((C,), {}, X2), "nn.GLU": ((1,), {}, (N, 2 * C, H)),
    "nn.Linear": ((F_in, F_out), {}, (N, L, F_in)),
    "nn.Bilinear": ((F_in, C, F_out), {}, ((N, F_in), (N, C))),
    "nn.Identity": ((), {}, X2), "nn.Embedding": ((C_in, F_out), {}, (N, L)),
    "nn.Flatten": ((), {}, X2), "nn.Unflatten": ((1, (G, -1)), {}, (N, G * C, H)),
    "nn.LayerNorm": (((H, W),), {}, X2), "nn.GroupNorm": ((G, C), {}, X2),
    "nn.LocalResponseNorm": ((K,), {}, X2),
    "nn.Upsample": ((), {"scale_factor": 1.4, "mode": "bilinear"}, X2),
    "nn.PixelShuffle": ((K,), {}, (N, C * K**2, H, W)), "nn.PixelUnshuffle": ((2,), {}, (N, C, 2 * H, 2 * W)),
    "nn.Unfold": ((K,), {"stride": S, "padding": P}, X2),
    "nn.Fold": (((H, W), K), {}, (N, C * K**2, (H - K + 1) * (W - K + 1))),
    "nn.RNN": ((F_in, Hid, N_layers), {"bidirectional": True}, (L, N, F_in)),
    "nn.LSTM": ((F_in, Hid, N_layers), {"batch_first": True, "proj_size": 3}, (N, L, F_in)),
    "nn.GRU": ((F_in, Hid), {}, (L, F_in)),
    "nn.RNNCell": ((F_in, Hid), {}, (N, F_in)), "nn.LSTMCell": ((F_in, Hid), {}, (N, F_in)),
    "nn.GRUCell": ((F_in, Hid), {}, (F_in,)),
    "nn.MultiheadAttention": ((E, N_heads), {"kdim": E_k, "vdim": E_v}, ((L, N, E), (L_s, N, E_k), (L_s, N, E_v))),
    "F.scaled_dot_product_attention": ((), {}, ((N, L, E), (N, L_s, E), (N, L_s, E_v))),
    "nn.TransformerEncoderLayer": ((E, N_heads), {"dim_feedforward": D_ff}, (L, N, E)),
    "nn.TransformerDecoderLayer": ((E, N_heads), {"dim_feedforward": D_ff, "batch_first": True},
                                  ((N, L, E), (N, L_s, E))),
    "nn.TransformerEncoder": ((symcnn.make("nn.TransformerEncoderLayer", 8, 2, 7), N_layers), {}, (L, N, 8)),
    "nn.TransformerDecoder": ((symcnn.make("nn.TransformerDecoderLayer", 8, 2, 7), N_layers),
                              {"norm": symcnn.make("nn.LayerNorm", 8)}, ((L, N, 8), (L_s, N, 8))),
    "nn.Transformer": ((E, N_heads, N_enc, N_dec, D_ff), {}, ((L_s, N, E), (L, N, E))),
    "nn.SyncBatchNorm": ((C,), {}, (N, C, T, H, W)), "nn.RMSNorm": (((H, W),), {}, X2),
    "nn.ChannelShuffle": ((G,), {}, (N, G * C, H, W)),
    "nn.UpsamplingNearest2d": ((), {"scale_factor": 2}, X2), "nn.UpsamplingBilinear2d": (((L, L_s),), {}, X2),
    "F.affine_grid": ((), {"size": (N, C, H, W)}, (N, 2, 3)),
    "F.grid_sample": ((), {"mode": "nearest"}, (X2, (N, L, L_s, 2))),
}


def _apply(key, args, kwargs, shape):
    rule = symcnn.make(key, *args, **kwargs)
    shapes = shape if isinstance(shape[0], tuple) else (shape,)
    return rule, rule(*shapes)


def _sub(e, values=VALUES):
    return e.xreplace({k: Integer(v) for k, v in values.items()}) if isinstance(e, Basic) else e


def test_every_rule_has_a_symbolic_case():
    assert sorted(k for k in symcnn.RULES if symcnn.RULES[k] is not None) == sorted(SYMBOLIC)


@pytest.mark.parametrize("key", sorted(SYMBOLIC))
def test_symbolic_matches_numeric(key):
    args, kwargs, shape = SYMBOLIC[key]
    rule, res = _apply(key, args, kwargs, shape)
    # the numeric rule, built from the same arguments with numbers substituted
    nargs = tuple(tuple(_sub(v) for v in a) if isinstance(a, tuple) else _sub(a) for a in args)
    nkw = {k: tuple(_sub(e) for e in v) if isinstance(v, tuple) else _sub(v) for k, v in kwargs.items()}
    nshape = tuple(tuple(_sub(v) for v in s) for s in shape) if isinstance(shape[0], tuple) \
        else tuple(_sub(v) for v in shape)
    nrule, nres = _apply(key, nargs, nkw, nshape)
    got = [_sub(v) for v in res.shape]
    assert got == list(nres.shape), f"{key}: {res.shape} -> {got}, numeric {nres.shape}"
    assert all(v.is_Integer for v in got)
    assert _sub(res.macs) == nres.macs
    assert _sub(rule.params) == nrule.params
    for cond in (*res.conditions, *rule.init_conditions):
        assert bool(_sub(cond.holds)) is True, f"{key}: {cond.what} fails at {VALUES}"


def test_maxpool_floor_and_ceil_closed_forms():
    assert symcnn.make("nn.MaxPool2d", 2)((N, C, H, W)).shape[2] == FloorDiv(H, 2)
    assert str(symcnn.make("nn.MaxPool2d", 2)((N, C, H, W)).shape[2]) == "floor(H/2)"
    out = symcnn.make("nn.MaxPool2d", 3, 2, 1, ceil_mode=True)((N, C, H, W)).shape[2]
    assert str(out) == "ceiling((H + 1)/2)" and isinstance(out, FloorDiv)   # a single ceiling
    out = symcnn.make("nn.MaxPool2d", 2, ceil_mode=True)((N, C, H, W)).shape[2]
    assert str(out) == "ceiling(H/2)"


def test_ceil_mode_pools_compose_into_one_floor():
    """Random chains of ceil/floor pools and convs on symbolic H equal the numeric chain at every H."""
    rng = random.Random(99)
    for _ in range(25):
        layers = []
        for _ in range(rng.randint(2, 5)):
            k = rng.randint(1, 4)
            if rng.random() < 0.5:
                kw = {"stride": rng.randint(1, 3), "padding": rng.randint(0, k // 2),
                      "ceil_mode": rng.random() < 0.6}
                layers.append(("nn.MaxPool1d", (k,), kw))
            else:
                kw = {"stride": rng.randint(1, 3), "padding": rng.randint(0, 2)}
                layers.append(("nn.Conv1d", (1, 1, k), kw))
        x = (1, 1, L)
        for key, a, kw in layers:
            x = symcnn.make(key, *a, **kw)(x).shape
        floors = x[-1].atoms(FloorDiv)
        assert len(floors) <= 1 and not any(f.args[0].atoms(FloorDiv) for f in floors), x[-1]  # not nested
        for n in range(1, 60):
            try:
                y = (1, 1, n)
                for key, a, kw in layers:
                    y = symcnn.make(key, *a, **kw)(y).shape
            except symcnn.RuleError:
                continue
            assert x[-1].xreplace({L: n}) == y[-1], (layers, n)


def test_float_scale_factor_symbolic():
    r = symcnn.make("nn.Upsample", scale_factor=1.4)((N, C, H))
    assert r.shape[2].xreplace({H: 45}) == 62
    for scale in (1.4, 2.3, 0.58):   # the printed form parses back to the same sizes (subs by name)
        e = symcnn.make("nn.Upsample", scale_factor=scale)((N, C, H)).shape[2]
        parsed = sympify(str(e))
        assert all(parsed.subs({"H": n}) == e.xreplace({H: n}) for n in range(1, 300))
    assert symcnn.make("nn.Upsample", scale_factor=2)((N, C, H, W)).shape[2:] == (2 * H, 2 * W)


def test_imports_without_torch():
    code = "import sys; sys.modules['torch'] = None; import symcnn, symcnn.rules; print(len(symcnn.RULES))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) >= 90
