"""Generated cases of the layers added for real model files (issue 16's corpus) for the torch oracle:
MaxUnpool1d/2d/3d, the Upsampling aliases, F.affine_grid, F.grid_sample, SyncBatchNorm, RMSNorm and
ChannelShuffle; random valid and invalid configurations from a seeded ``random.Random``.

Owns: unpool_cases, sampling_cases, more_norm_cases, MORE_FAMILIES. Never: import torch or decide what is
valid (torch decides; tests/rules/test_rules_more.py compares).
"""

from __future__ import annotations

import random

from oracle_cases import Case, T, _axes, _input


def unpool_cases(rng: random.Random, n: int = 150) -> list[Case]:
    out = []
    for _ in range(n):
        nd = rng.randint(1, 3)
        k = _axes(rng, nd, 1, 4)
        kw: dict = {"stride": rng.choice([None, _axes(rng, nd, 1, 3)]),
                    "padding": rng.choice([0, 0, _axes(rng, nd, 0, 1)])}
        x = _input(rng, nd, rng.randint(1, 3), hi={1: 8, 2: 6, 3: 4}[nd], batched=rng.random() < 0.8)
        idx = x if rng.random() < 0.9 else (*x[:-1], x[-1] + 1)
        call = {}
        if rng.random() < 0.5:   # output_size near the default size (torch takes it within one stride)
            ks, ss, ps = ((v if isinstance(v, tuple) else (v,) * nd) for v in (k, kw["stride"] or k, kw["padding"]))
            size = tuple((L - 1) * s - 2 * p + kk + rng.randint(-2, 2) for L, kk, s, p in zip(x[-nd:], ks, ss, ps))
            call["output_size"] = rng.choice([size, (*x[:-nd], *size), size[:-1] or (1, 1, 1, 1)])
        out.append(Case(f"nn.MaxUnpool{nd}d", (k,), kw, x, more=(T(idx, "long"),), call=call))
    return out


def sampling_cases(rng: random.Random, n: int = 150) -> list[Case]:
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            name = rng.choice(["nn.UpsamplingNearest2d", "nn.UpsamplingBilinear2d"])
            kw = rng.choice([{"scale_factor": rng.choice([2, 3, 0.5, 1.5, (2, 3)])},
                             {"size": rng.choice([rng.randint(1, 9), (rng.randint(1, 9), rng.randint(1, 9))])},
                             {}, {"size": 4, "scale_factor": 2}])
            dims = rng.choice([3, 4, 4, 4, 5])
            out.append(Case(name, (), kw, tuple(rng.randint(1, 5) for _ in range(dims))))
        elif kind == 1:
            nd = rng.choice([2, 2, 3])
            size = (rng.randint(1, 3), rng.randint(1, 3), *(rng.randint(1, 6) for _ in range(nd)))
            if rng.random() < 0.1:
                size = size[:-1] if len(size) == 4 else (*size, 2, 2)
            rows, cols = (2, 3) if nd == 2 else (3, 4)
            theta = (size[0] if rng.random() < 0.9 else size[0] + 1, rows, cols)
            if rng.random() < 0.1:
                theta = rng.choice([(size[0], cols, rows), (size[0], rows * cols)])
            out.append(Case("F.affine_grid", (), {"size": size, "align_corners": rng.choice([False, True])}, theta))
        elif kind == 2:
            nd = rng.choice([2, 2, 3])
            x = (rng.randint(1, 3), rng.randint(1, 3), *(rng.randint(1, 6) for _ in range(nd)))
            grid = (x[0] if rng.random() < 0.9 else x[0] + 1, *(rng.randint(1, 6) for _ in range(nd)),
                    nd if rng.random() < 0.9 else nd + 1)
            if rng.random() < 0.08:
                grid = grid[1:]
            kw = {"mode": rng.choice(["bilinear", "nearest", "bicubic"]),
                  "padding_mode": rng.choice(["zeros", "border", "reflection"]), "align_corners": False}
            out.append(Case("F.grid_sample", (), kw, x, more=(T(grid),)))
        else:
            g = rng.randint(1, 4)
            c = g * rng.randint(1, 3) + (1 if rng.random() < 0.15 else 0)
            shape = (rng.randint(1, 2), c, *(rng.randint(1, 4) for _ in range(rng.choice([0, 1, 1, 2, 3]))))
            out.append(Case("nn.ChannelShuffle", (g if rng.random() < 0.95 else 0,), {}, shape))
    return out


def more_norm_cases(rng: random.Random, n: int = 100) -> list[Case]:
    out = []
    for i in range(n):
        c = rng.randint(1, 5)
        if i % 2 == 0:
            shape = (rng.randint(1, 3), c, *(rng.randint(1, 3) for _ in range(rng.randint(0, 3))))
            if rng.random() < 0.1:
                shape = shape[:1]
            kw = {"affine": rng.random() < 0.7, "track_running_stats": rng.random() < 0.8, "bias": rng.random() < 0.8}
            out.append(Case("nn.SyncBatchNorm", (c if rng.random() < 0.9 else c + 1,), kw, shape))
        else:
            shape = tuple(rng.randint(1, 4) for _ in range(rng.randint(1, 4)))
            ns = shape[-rng.randint(1, len(shape)):]
            if rng.random() < 0.15:
                ns = (*ns[:-1], ns[-1] + 1)
            arg = ns[0] if len(ns) == 1 and rng.random() < 0.5 else ns
            kw = {"elementwise_affine": rng.random() < 0.7, "eps": rng.choice([None, 1e-6])}
            out.append(Case("nn.RMSNorm", (arg,), kw, shape))
    return out


# family -> (generator, seed offset, size), as oracle_cases.FAMILIES
MORE_FAMILIES = {"unpool": (unpool_cases, 11, 150), "sampling": (sampling_cases, 12, 200),
                 "more_norm": (more_norm_cases, 13, 100)}
