"""Generated single-layer cases for the torch oracle tests (tests/rules/test_rules_*.py).

Owns: ``Case`` (a layer key, torch constructor arguments and input shapes) and one generator per
family, each drawing random valid *and* invalid configurations from a seeded ``random.Random``.
Never: import torch at module level or decide what is valid (torch decides; the tests compare).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

SEED = 1234


@dataclass(frozen=True)
class T:
    """A tensor argument of a forward call (hx, key, a mask): its shape and dtype."""
    shape: tuple
    dtype: str = "float"

    def __repr__(self) -> str:
        return f"T{self.shape}" + ("" if self.dtype == "float" else f"[{self.dtype}]")


@dataclass(frozen=True)
class M:
    """A module argument of a constructor (TransformerEncoder's encoder_layer, norm, activation)."""
    key: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        a = [repr(v) for v in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.key}({', '.join(a)})"


SAME = "<the input tensor>"   # pass the input itself again (self-attention: query is key is value)


@dataclass(frozen=True)
class Case:
    key: str                      # "nn.MaxPool2d"
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    shape: tuple = ()             # input shape
    shape2: tuple | None = None   # second input (Bilinear)
    dtype: str = "float"          # "long" for Embedding
    more: tuple = ()              # further forward arguments: T, (T, T), SAME or None
    call: dict = field(default_factory=dict)   # forward keyword arguments (T for masks, flags)

    def __str__(self) -> str:
        a = [repr(v) for v in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        inputs = f"{self.shape}" + (f", {self.shape2}" if self.shape2 else "")
        inputs += "".join(f", {v!r}" for v in self.more) + "".join(f", {k}={v!r}" for k, v in self.call.items())
        return f"make({self.key!r}, {', '.join(a)})({inputs})"


def _axes(rng: random.Random, nd: int, lo: int, hi: int, tuple_p: float = 0.4):
    """An int, or (with probability tuple_p) a tuple of nd ints in [lo, hi]."""
    if rng.random() < tuple_p:
        return tuple(rng.randint(lo, hi) for _ in range(nd))
    return rng.randint(lo, hi)


def _input(rng: random.Random, nd: int, c: int, lo: int = 1, hi: int | None = None, batched=None):
    hi = hi or {1: 14, 2: 12, 3: 7}[nd]
    batch = (rng.randint(1, 3),) if (rng.random() < 0.8 if batched is None else batched) else ()
    return (*batch, c, *(rng.randint(lo, hi) for _ in range(nd)))


def _first(v):
    return v[0] if isinstance(v, tuple) else v


def pool_cases(rng: random.Random, n: int = 200) -> list[Case]:
    out = []
    for i in range(n):
        nd = rng.randint(1, 3)
        kind = ("MaxPool", "AvgPool", "LPPool")[i % 3]
        k = _axes(rng, nd, 1, 5)
        stride = rng.choice([None, None, _axes(rng, nd, 1, 4)])
        kmin = min(k) if isinstance(k, tuple) else k
        pad = _axes(rng, nd, 0, kmin // 2 + (1 if rng.random() < 0.15 else 0), 0.3)
        ceil = rng.random() < 0.5
        kw: dict = {"stride": stride}
        if kind == "MaxPool":
            kw |= {"padding": pad, "dilation": _axes(rng, nd, 1, 3, 0.3), "ceil_mode": ceil,
                   "return_indices": rng.random() < 0.2}
            args = (k,)
        elif kind == "AvgPool":
            kw |= {"padding": pad, "ceil_mode": ceil, "count_include_pad": rng.random() < 0.5}
            if nd > 1 and rng.random() < 0.3:
                kw["divisor_override"] = rng.choice([1, 3, 0])
            args = (k,)
        else:
            kw |= {"ceil_mode": ceil}
            args = (rng.choice([1, 2, 3.0]), k)
        out.append(Case(f"nn.{kind}{nd}d", args, kw, _input(rng, nd, rng.randint(1, 3))))
    for i in range(n // 3):
        nd = rng.randint(1, 3)
        kind = ("AdaptiveAvgPool", "AdaptiveMaxPool")[i % 2]
        size = rng.choice([rng.randint(0, 6), tuple(rng.choice([None, 1, 2, 3, 5]) for _ in range(nd))])
        kw = {"return_indices": True} if kind == "AdaptiveMaxPool" and rng.random() < 0.3 else {}
        out.append(Case(f"nn.{kind}{nd}d", (size,), kw, _input(rng, nd, 2, hi=9)))
    return out


def conv_cases(rng: random.Random, n: int = 100) -> list[Case]:
    out = []
    for i in range(n):
        nd = rng.randint(1, 3)
        transposed = i % 3 == 2
        g = rng.choice([1, 1, 2, 3])
        cin, cout = g * rng.randint(1, 3), g * rng.randint(1, 3)
        if rng.random() < 0.1:
            cin += 1
        k = _axes(rng, nd, 1, 4)
        s, d = _axes(rng, nd, 1, 3, 0.3), _axes(rng, nd, 1, 2, 0.3)
        kw: dict = {"stride": s, "dilation": d, "groups": g, "bias": rng.random() < 0.7}
        if transposed:
            kw |= {"padding": _axes(rng, nd, 0, 2), "output_padding": rng.choice([0, 0, 1, 2])}
            name = f"nn.ConvTranspose{nd}d"
        else:
            pad = rng.choice([0, 1, _axes(rng, nd, 0, 2), "same", "valid"])
            kw |= {"padding": pad, "padding_mode": rng.choice(["zeros", "zeros", "reflect", "circular"])}
            if pad == "same" and rng.random() < 0.7:
                kw["stride"] = 1
            name = f"nn.Conv{nd}d"
        c = cin if rng.random() < 0.9 else cin + 1
        out.append(Case(name, (cin, cout, k), kw, _input(rng, nd, c, hi={1: 12, 2: 9, 3: 6}[nd])))
    return out


def linear_cases(rng: random.Random, n: int = 90) -> list[Case]:
    out = []
    for i in range(n):
        lead = tuple(rng.randint(1, 3) for _ in range(rng.randint(0, 3)))
        kind = i % 6
        if kind == 0:
            fin, fout = rng.randint(1, 8), rng.randint(1, 8)
            last = fin if rng.random() < 0.85 else fin + rng.randint(1, 3)
            out.append(Case("nn.Linear", (fin, fout), {"bias": rng.random() < 0.7}, (*lead, last)))
        elif kind == 1:
            a, b, o = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
            lead2 = lead if rng.random() < 0.85 else (*lead, 2)
            out.append(Case("nn.Bilinear", (a, b, o), {"bias": rng.random() < 0.7}, (*lead, a),
                            (*lead2, b if rng.random() < 0.9 else b + 1)))
        elif kind == 2:
            out.append(Case("nn.Identity", tuple(rng.sample([1, "x", 3.0], rng.randint(0, 2))),
                            {"foo": 1} if rng.random() < 0.3 else {}, (*lead, rng.randint(1, 5))))
        elif kind == 3:
            num, dim = rng.randint(1, 9), rng.randint(1, 6)
            kw = {"padding_idx": rng.choice([None, 0, num - 1, -1, num, -num - 1])}
            out.append(Case("nn.Embedding", (num, dim), kw, (*lead, rng.randint(1, 4)), dtype="long"))
        elif kind == 4:
            shape = (*lead, rng.randint(1, 4), rng.randint(1, 4))
            nd = len(shape)
            s, e = rng.randint(-nd - 1, nd), rng.randint(-nd - 1, nd)
            args = rng.choice([(), (s,), (s, e)])
            out.append(Case("nn.Flatten", args, {}, shape))
        else:
            shape = (*lead, rng.choice([4, 6, 12]), rng.randint(1, 3))
            dim = rng.randint(-len(shape), len(shape) - 1)
            size = shape[dim]
            facts = [f for f in range(1, size + 1) if size % f == 0]
            f = rng.choice(facts)
            sizes = rng.choice([(f, size // f), (-1, f), (f, -1, 1), (f + 1, 2), (-1, -1)])
            out.append(Case("nn.Unflatten", (dim, sizes), {}, shape))
    return out


ACTIVATIONS: dict[str, list[dict]] = {
    "ReLU": [{}, {"inplace": True}], "ReLU6": [{}], "LeakyReLU": [{}, {"negative_slope": 0.2}],
    "ELU": [{"alpha": 0.5}], "SELU": [{}], "CELU": [{"alpha": 2.0}],
    "GELU": [{}, {"approximate": "tanh"}, {"approximate": "fast"}], "SiLU": [{}], "Mish": [{}],
    "Sigmoid": [{}], "Tanh": [{}], "Hardswish": [{}], "Hardsigmoid": [{}],
    "Hardtanh": [{}, {"min_val": -2.0, "max_val": 3.0}, {"min_val": 2.0, "max_val": 1.0}],
    "Softplus": [{"beta": 2.0}], "Softsign": [{}], "Tanhshrink": [{}], "LogSigmoid": [{}],
    "Threshold": [{"threshold": 0.1, "value": 0.0}], "Softshrink": [{}, {"lambd": -1.0}],
    "Hardshrink": [{}], "RReLU": [{}], "Softmax": [{"dim": "?"}], "LogSoftmax": [{"dim": "?"}],
    "Softmin": [{"dim": "?"}], "Dropout": [{"p": "?"}], "Dropout1d": [{"p": "?"}],
    "Dropout2d": [{"p": "?"}], "Dropout3d": [{"p": "?"}], "AlphaDropout": [{"p": "?"}],
    "FeatureAlphaDropout": [{"p": "?"}], "Softmax2d": [{}], "GLU": [{"dim": "?"}],
    "PReLU": [{}, {"num_parameters": "C"}],
}


def activation_cases(rng: random.Random, rounds: int = 3) -> list[Case]:
    out = []
    for _ in range(rounds):
        for name, options in ACTIVATIONS.items():
            shape = tuple(rng.randint(1, 4) for _ in range(rng.randint(1, 5)))
            kw = dict(rng.choice(options))
            for k, v in kw.items():
                if v == "?" and k == "dim":
                    kw[k] = rng.choice([None, rng.randint(-len(shape) - 1, len(shape))]) \
                        if name != "GLU" else rng.randint(-len(shape), len(shape) - 1)
                elif v == "?" and k == "p":
                    kw[k] = rng.choice([0.0, 0.5, 1.0, -0.1, 1.5])
                elif v == "C":
                    kw[k] = rng.choice([shape[1 if len(shape) > 1 else 0], 3])
            if name == "GLU" and rng.random() < 0.7:
                shape = tuple(2 * v for v in shape)
            out.append(Case(f"nn.{name}", (), kw, shape))
    return out


def norm_cases(rng: random.Random, n: int = 100) -> list[Case]:
    out = []
    for i in range(n):
        kind = i % 5
        c = rng.randint(1, 6)
        nd = rng.randint(1, 3)
        if kind == 0:
            nf = c if rng.random() < 0.85 else c + 1
            kw = {"affine": rng.random() < 0.7, "track_running_stats": rng.random() < 0.8,
                  "bias": rng.random() < 0.8}
            bn_nd = rng.randint(1, 3)
            shape = _input(rng, bn_nd, c, hi=4, batched=True)
            if bn_nd == 1 and rng.random() < 0.4:
                shape = shape[:2]
            if rng.random() < 0.1:
                shape = shape[:-1]
            out.append(Case(f"nn.BatchNorm{bn_nd}d", (nf,), kw, shape))
        elif kind == 1:
            shape = _input(rng, nd, c, hi=4)
            ns = shape[-rng.randint(1, len(shape)):]
            if rng.random() < 0.15:
                ns = (*ns[:-1], ns[-1] + 1)
            arg = ns[0] if len(ns) == 1 and rng.random() < 0.5 else ns
            kw = {"elementwise_affine": rng.random() < 0.7, "bias": rng.random() < 0.7}
            out.append(Case("nn.LayerNorm", (arg,), kw, shape))
        elif kind == 2:
            g = rng.randint(1, 4)
            ch = g * rng.randint(1, 3) + (1 if rng.random() < 0.15 else 0)
            shape = (rng.randint(1, 2), ch if rng.random() < 0.9 else ch + 2,
                     *(rng.randint(1, 4) for _ in range(rng.randint(0, 2))))
            kw = {"affine": rng.random() < 0.7, "bias": rng.random() < 0.8}
            out.append(Case("nn.GroupNorm", (g, ch), kw, shape))
        elif kind == 3:
            nf = c if rng.random() < 0.85 else c + 1
            kw = {"affine": rng.random() < 0.5, "track_running_stats": rng.random() < 0.3,
                  "bias": rng.random() < 0.8}
            out.append(Case(f"nn.InstanceNorm{nd}d", (nf,), kw, _input(rng, nd, c, hi=4)))
        else:
            shape = tuple(rng.randint(1, 4) for _ in range(rng.randint(2, 5)))
            out.append(Case("nn.LocalResponseNorm", (rng.randint(0, 5),), {}, shape))
    return out


MODES = {1: ["nearest", "linear", "nearest-exact", "area"], 2: ["nearest", "bilinear", "bicubic", "area"],
         3: ["nearest", "trilinear", "area"]}


def resample_cases(rng: random.Random, n: int = 150) -> list[Case]:
    out = []
    for i in range(n):
        nd = rng.randint(1, 3)
        kind = i % 5
        c = rng.randint(1, 4)
        if kind == 0:
            mode = rng.choice(MODES[nd] + ["bilinear"])
            kw: dict = {"mode": mode}
            if rng.random() < 0.5:
                kw["scale_factor"] = rng.choice([2, 3, 0.5, 1.4, 2.3, 0.58, 1.7, (2, 1.5, 3)[:nd], 0.1])
            else:
                kw["size"] = rng.choice([rng.randint(1, 20), tuple(rng.randint(1, 9) for _ in range(nd))])
            if rng.random() < 0.3:
                kw["align_corners"] = rng.random() < 0.5
            if rng.random() < 0.2:
                kw["recompute_scale_factor"] = True
            hi = {1: 60, 2: 50, 3: 9}[nd]
            out.append(Case("nn.Upsample", (), kw, _input(rng, nd, c, hi=hi, batched=True)))
        elif kind == 1:
            name = rng.choice(["ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad"])
            low = 0 if name == "CircularPad" else -2   # torch 2.13 mis-handles some negative circular pads
            pad = rng.choice([rng.randint(max(low, -1), 3),
                              tuple(rng.randint(low, 4) for _ in range(2 * nd))])
            args = (pad, 1.5) if name == "ConstantPad" else (pad,)
            out.append(Case(f"nn.{name}{nd}d", args, {}, _input(rng, nd, c, hi=6)))
        elif kind == 2:
            r = rng.randint(1, 3)
            ch = c * r * r if rng.random() < 0.85 else c * r * r + 1
            lead = tuple(rng.randint(1, 2) for _ in range(rng.randint(0, 2)))
            out.append(Case("nn.PixelShuffle", (r,), {}, (*lead, ch, rng.randint(1, 4), rng.randint(1, 4))))
        elif kind == 3:
            r = rng.randint(1, 3)
            h, w = r * rng.randint(1, 3), r * rng.randint(1, 3) + (1 if rng.random() < 0.15 else 0)
            lead = tuple(rng.randint(1, 2) for _ in range(rng.randint(0, 2)))
            out.append(Case("nn.PixelUnshuffle", (r,), {}, (*lead, c, h, w)))
        else:
            k, s, p, d = _axes(rng, 2, 1, 3), _axes(rng, 2, 1, 2), _axes(rng, 2, 0, 1), rng.randint(1, 2)
            kw = {"dilation": d, "padding": p, "stride": s}
            x = _input(rng, 2, c, hi=7)
            if rng.random() < 0.5:
                out.append(Case("nn.Unfold", (k,), kw, x))
                continue
            ks, ss, ps = (v if isinstance(v, tuple) else (v, v) for v in (k, s, p))
            blocks = 1   # count window start positions by brute force
            for size, kk, st, pp in zip(x[-2:], ks, ss, ps):
                blocks *= len([i for i in range(0, size + 2 * pp, st) if i + d * (kk - 1) < size + 2 * pp])
            blocks += 1 if rng.random() < 0.15 else 0
            ck = c * ks[0] * ks[1] + (1 if rng.random() < 0.1 else 0)
            out.append(Case("nn.Fold", (x[-2:], k), kw, (*x[:-3], ck, blocks)))
    return out


def pad_cases(rng: random.Random, n: int = 150) -> list[Case]:
    """Padding layers with small inputs and pads in [-3, 4] (negative pads crop; circular: >= 0)."""
    out = []
    names = ["ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad"]
    for i in range(n):
        nd, name = rng.randint(1, 3), names[i % 5]
        low = 0 if name == "CircularPad" else -3   # torch 2.13 mis-handles some negative circular pads
        npad = nd if rng.random() < 0.85 else rng.randint(1, 4)   # F.pad: the tuple length decides
        pad = rng.choice([rng.randint(max(low, -1), 3), tuple(rng.randint(low, 4) for _ in range(2 * npad))])
        args = (pad, 0.5) if name == "ConstantPad" else (pad,)
        n = len(pad) // 2 if isinstance(pad, tuple) else nd
        dims = rng.choice([n, n + 1, n + 1, n + 2, n + 2, n + 3])
        out.append(Case(f"nn.{name}{nd}d", args, {}, tuple(rng.randint(1, 5) for _ in range(dims))))
    return out


# family -> (generator, seed offset, size): what each tests/rules/test_rules_<family>.py runs against torch
FAMILIES = {
    "pool": (pool_cases, 1, 240), "linear": (linear_cases, 2, 150), "activation": (activation_cases, 3, 5),
    "norm": (norm_cases, 4, 150), "resample": (resample_cases, 5, 250), "pad": (pad_cases, 6, 400),
    "conv": (conv_cases, 7, 200),
}


from oracle_more import MORE_FAMILIES  # noqa: E402  (its generators use Case, T, _axes, _input above)
from oracle_seq import SEQ_FAMILIES  # noqa: E402  (its generators use Case, T, M, SAME above)

FAMILIES.update(SEQ_FAMILIES)
FAMILIES.update(MORE_FAMILIES)


def family_cases(family: str) -> list[Case]:
    gen, offset, size = FAMILIES[family]
    return gen(random.Random(SEED + offset), size)


# --- the oracle comparison, shared by the family tests ---
TORCH_ERRORS = (RuntimeError, ValueError, TypeError, IndexError, AssertionError, NotImplementedError)


def _torch_value(torch, v, x):
    """A Case argument as torch sees it: T -> a tensor, M -> a module, SAME -> the input, tuples mapped."""
    if isinstance(v, T):
        dtype = {"float": torch.float32, "bool": torch.bool, "long": torch.long}[v.dtype]
        return torch.rand(v.shape) < 0.3 if v.dtype == "bool" else torch.zeros(v.shape, dtype=dtype) \
            if v.dtype == "long" else torch.rand(v.shape)
    if isinstance(v, M):
        return getattr(torch.nn, v.key.split(".", 1)[1])(*(_torch_value(torch, a, x) for a in v.args),
                                                       **{k: _torch_value(torch, a, x) for k, a in v.kwargs.items()})
    if v is SAME:
        return x
    if isinstance(v, tuple) and v and isinstance(v[0], T):
        return tuple(_torch_value(torch, e, x) for e in v)
    return v


def _symcnn_value(v, x):
    import symcnn

    if isinstance(v, T):
        return v.shape
    if isinstance(v, M):
        return symcnn.make(v.key, *(_symcnn_value(a, x) for a in v.args),
                           **{k: _symcnn_value(a, x) for k, a in v.kwargs.items()})
    if v is SAME:
        return x
    if isinstance(v, tuple) and v and isinstance(v[0], T):
        return tuple(e.shape for e in v)
    return v


def torch_tree(y):
    """An output as comparable data: a tensor's shape (tuple), a tuple output as a list, None."""
    if isinstance(y, (tuple, list)):
        return [torch_tree(e) for e in y]
    return None if y is None else tuple(y.shape)


def symcnn_tree(res):
    """The same data from a Result: its shapes arranged as ``nest`` says (flat when it is None)."""
    shapes = (res.shape, *res.extra_shapes)
    ints = [tuple(int(v) for v in s) for s in shapes]

    def walk(n):
        if n is None:
            return None
        return [walk(e) for e in n] if isinstance(n, tuple) else ints[n]
    if res.nest is not None:
        return walk(res.nest)
    return ints if res.extra_shapes else ints[0]


def run_torch(torch, case: Case):
    """('ok', output tree, {param name: shape}, total) or ('error', message) from the real layer."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = getattr(torch.nn, case.key.split(".", 1)[1], None)
            if m is None:   # a functional op: F.scaled_dot_product_attention
                m = functools.partial(getattr(torch.nn.functional, case.key.split(".", 1)[1]), **case.kwargs)
                params, total = {}, 0
            else:
                m = m(*(_torch_value(torch, a, None) for a in case.args),
                      **{k: _torch_value(torch, a, None) for k, a in case.kwargs.items()})
                m.eval()
                params = {n: tuple(p.shape) for n, p in m.named_parameters()}
                total = sum(p.numel() for p in m.parameters())
            if case.dtype == "long":
                x = torch.zeros(case.shape, dtype=torch.long)
            else:
                x = torch.rand(case.shape)
            more = [_torch_value(torch, v, x) for v in case.more]
            call = {k: _torch_value(torch, v, x) for k, v in case.call.items()}
            with torch.no_grad():
                y = m(x, torch.rand(case.shape2)) if case.shape2 is not None else m(x, *more, **call)
    except TORCH_ERRORS as e:
        return ("error", f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    return ("ok", torch_tree(y), params, total)


def run_symcnn(case: Case):
    """The same from symcnn (or ('error', message) for a SymcnnError)."""
    import symcnn

    try:
        if case.key.startswith("F."):
            r = symcnn.make(case.key, **case.kwargs)
        else:
            r = symcnn.make(case.key, *(_symcnn_value(a, None) for a in case.args),
                            **{k: _symcnn_value(a, None) for k, a in case.kwargs.items()})
        x = case.shape
        more = [_symcnn_value(v, x) for v in case.more]
        call = {k: _symcnn_value(v, x) for k, v in case.call.items()}
        res = r(case.shape, case.shape2) if case.shape2 is not None else r(x, *more, **call)
    except symcnn.SymcnnError as e:
        return ("error", str(e))
    params = {n: tuple(int(v) for v in s) for n, s in r.parameters().items()}
    return ("ok", symcnn_tree(res), params, int(r.params))


def torch_inconsistent(case: Case, t, s) -> bool:
    """Where torch 2.13's answer depends on the kernel it picks, symcnn takes the checked path:
    - a transposed convolution whose output size is 0 sometimes returns an empty tensor and sometimes
      raises "Output size is too small" (batch size, device, kernel path); symcnn reports output size < 1;
    - MultiheadAttention(is_causal=True) without attn_mask raises, except on the fast path (eval,
      no_grad, batch_first self-attention ...), which silently ignores is_causal; symcnn always raises;
    - scaled_dot_product_attention's CPU flash kernel (4-D, equal head dims) does not check that key
      and value have the same length; symcnn requires it (the math path does)."""
    if t[0] != "ok" or s[0] != "error":
        return False
    if case.key.startswith("nn.ConvTranspose"):
        return 0 in t[1] and "< 1" in s[1]
    if case.key == "nn.MultiheadAttention":
        return "is_causal=True needs attn_mask" in s[1]
    if case.key == "F.scaled_dot_product_attention":
        return "positions but value has" in s[1]
    return False


def mismatches(torch, cases, known: list | None = None) -> list[str]:
    """Every case where symcnn and torch disagree (validity, output shapes, parameter shapes/count).
    The documented torch inconsistency above goes to ``known`` instead."""
    bad = []
    for case in cases:
        t, s = run_torch(torch, case), run_symcnn(case)
        if t[0] != s[0] or (t[0] == "ok" and t != s):
            if torch_inconsistent(case, t, s) and known is not None:
                known.append(str(case))
            else:
                bad.append(f"{case}: torch {t} vs symcnn {s}")
    return bad
