"""Dense and reshaping layers: Linear, Bilinear, Identity, Embedding, Flatten, Unflatten.

Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer, Mod

from ..core.errors import RuleError
from ..core.symbols import C_out, F_in, F_out
from .base import TORCH_DOCS, Result, Rule, fmt_shape, numel, require, rule
from .common import exact_div


def _last(x, name: str, what: str):
    if len(x) < 1:
        raise RuleError(f"{name} needs an input with at least 1 dimension, got a 0-D input",
                        fix=f"give the input a last dimension of size {what}")
    return x[:-1], x[-1]


@rule("nn.Linear", nd=0)
class Linear(Rule):
    """Fully connected layer y = x·Wᵀ + b over the last dimension; any leading dims.

    MACs: output elements × in_features (bias additions not included).
    """

    family = "linear"
    reference = TORCH_DOCS + "torch.nn.Linear.html"
    legend = {"in_features": F_in, "out_features": F_out}

    def setup(self, in_features, out_features, bias=True, device=None, dtype=None):
        require(in_features >= 0, lambda: f"in_features={in_features} must be non-negative")
        require(out_features >= 0, lambda: f"out_features={out_features} must be non-negative")
        self.in_features, self.out_features, self.bias = in_features, out_features, bool(bias)

    def parameters(self):
        p = {"weight": (self.out_features, self.in_features)}
        if self.bias:
            p["bias"] = (self.out_features,)
        return p

    def forward(self, x):
        lead, f = _last(x, self.name, str(self.in_features))
        require(Eq(f, self.in_features),
                lambda: f"input's last dimension is {f} but in_features={self.in_features} (input shape "
                f"{fmt_shape(x)})", fix=f"set in_features={f}, or reshape the input so its last "
                f"dimension is {self.in_features}")
        out = (*lead, self.out_features)
        return Result(out, numel(out) * self.in_features)


@rule("nn.Bilinear", nd=0)
class Bilinear(Rule):
    """Bilinear layer y = x1ᵀ·A·x2 + b on two inputs with the same leading dims.

    MACs: output elements × in1_features × in2_features (bias additions not included).
    """

    family = "linear"
    reference = TORCH_DOCS + "torch.nn.Bilinear.html"
    legend = {"out_features": F_out}

    def setup(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        self.in1, self.in2, self.out_features = in1_features, in2_features, out_features
        self.bias = bool(bias)

    def parameters(self):
        p = {"weight": (self.out_features, self.in1, self.in2)}
        if self.bias:
            p["bias"] = (self.out_features,)
        return p

    def forward(self, x, x2=None):
        if x2 is None:
            raise RuleError(f"{self.name} takes two inputs, got one", fix="call it as bilinear(x1, x2)")
        lead, f1 = _last(x, self.name, str(self.in1))
        lead2, f2 = _last(x2, self.name, str(self.in2))
        for f, want, which in ((f1, self.in1, "in1_features"), (f2, self.in2, "in2_features")):
            require(Eq(f, want), lambda: f"input's last dimension is {f} but {which}={want}",
                    fix=f"set {which}={f}")
        if len(lead) != len(lead2):
            raise RuleError(f"inputs {fmt_shape(x)} and {fmt_shape(x2)} differ in their leading dims",
                            fix="give both inputs the same leading dimensions")
        for a, b in zip(lead, lead2):
            require(Eq(a, b), lambda: f"inputs {fmt_shape(x)} and {fmt_shape(x2)} differ in their leading "
                    f"dims ({a} vs {b})", fix="give both inputs the same leading dimensions")
        out = (*lead, self.out_features)
        return Result(out, numel(out) * self.in1 * self.in2)


@rule("nn.Identity", nd=0)
class Identity(Rule):
    """Returns its input; torch accepts and ignores any arguments. MACs: 0."""

    family = "identity"
    reference = TORCH_DOCS + "torch.nn.Identity.html"

    def setup(self, *args, **kwargs):
        pass

    def forward(self, x):
        return Result(x, Integer(0))


@rule("nn.Embedding", nd=0)
class Embedding(Rule):
    """Lookup table: each integer index becomes a row of embedding_dim values.

    MACs: 0 (a lookup, no multiplications).
    """

    family = "embedding"
    takes = "indices"
    reference = TORCH_DOCS + "torch.nn.Embedding.html"
    legend = {"embedding_dim": C_out}

    def setup(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None,
              dtype=None):
        if padding_idx is not None:
            require((padding_idx < num_embeddings) & (padding_idx >= -num_embeddings),
                    lambda: f"padding_idx={padding_idx} must be within num_embeddings={num_embeddings}",
                    fix=f"use a padding_idx in [-{num_embeddings}, {num_embeddings - 1}]")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim

    def parameters(self):
        return {"weight": (self.num_embeddings, self.embedding_dim)}

    def forward(self, x):
        return Result((*x, self.embedding_dim), Integer(0))


def _dim(d, n: int, name: str, layer: str) -> int:
    """torch's dimension wrapping: d in [-n, n - 1] (a 0-D tensor counts as 1-D)."""
    n = max(n, 1)
    if not -n <= d < n:
        raise RuleError(f"{layer}: {name}={d} is out of range for a {n}-D input "
                        f"(expected {-n}..{n - 1})", fix=f"use a {name} in [{-n}, {n - 1}]")
    return d % n


@rule("nn.Flatten", nd=0)
class Flatten(Rule):
    """Merges dims start_dim..end_dim into one. MACs: 0."""

    family = "reshape"
    reference = TORCH_DOCS + "torch.nn.Flatten.html"

    def setup(self, start_dim=1, end_dim=-1):
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, x):
        s = _dim(self.start_dim, len(x), "start_dim", self.name)
        e = _dim(self.end_dim, len(x), "end_dim", self.name)
        if not x:
            return Result((Integer(1),), Integer(0))
        if s > e:
            raise RuleError(f"start_dim={self.start_dim} comes after end_dim={self.end_dim} for a "
                            f"{len(x)}-D input", fix="use start_dim <= end_dim")
        return Result((*x[:s], numel(x[s:e + 1]), *x[e + 1:]), Integer(0))


@rule("nn.Unflatten", nd=0)
class Unflatten(Rule):
    """Splits dimension dim into unflattened_size (one entry may be -1, inferred). MACs: 0."""

    family = "reshape"
    reference = TORCH_DOCS + "torch.nn.Unflatten.html"

    def setup(self, dim, unflattened_size):
        if not isinstance(unflattened_size, (tuple, list)) or not unflattened_size:
            raise RuleError(f"unflattened_size={unflattened_size!r} must be a non-empty tuple of ints",
                            fix="give the new sizes as a tuple, e.g. (C, H, W)")
        sizes = tuple(unflattened_size)
        if sum(1 for v in sizes if v == -1) > 1:
            raise RuleError(f"unflattened_size={sizes} has more than one -1; only one size can be "
                            "inferred", fix="give all sizes but one")
        for v in sizes:
            if v != -1:
                require(v >= 0, lambda: f"unflattened_size={sizes} has a negative size {v}",
                        fix="use non-negative sizes and at most one -1")
        self.dim, self.sizes = int(dim), sizes

    def forward(self, x):
        i = _dim(self.dim, len(x), "dim", self.name)
        size = x[i]
        known = numel(v for v in self.sizes if v != -1)
        sizes = self.sizes
        if -1 in sizes:
            require(known > 0, lambda: f"unflattened_size={sizes} cannot infer -1 next to a zero size")
            require(Eq(Mod(size, known), 0), lambda: f"dimension {i} of size {size} is not divisible by "
                    f"{known}, the product of unflattened_size={sizes}",
                    fix=f"choose sizes whose product divides {size}")
            sizes = tuple(exact_div(size, known) if v == -1 else v for v in sizes)
        else:
            require(Eq(known, size), lambda: f"unflattened_size={sizes} multiplies to {known}, not to the "
                    f"size {size} of dimension {i}", fix=f"choose sizes whose product is {size}")
        return Result((*x[:i], *sizes, *x[i + 1:]), Integer(0))


__all__ = ["Bilinear", "Embedding", "Flatten", "Identity", "Linear", "Unflatten"]
