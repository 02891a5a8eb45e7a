"""Max unpooling: MaxUnpool1d/2d/3d, the partial inverse of a max pool given its indices.

Each spatial size becomes (L − 1)·S − 2P + K, or the ``output_size`` given to forward, which torch takes
only within one stride of that size (the sizes a max pool could have come from). MACs: 0 (values are
scattered into zeros; nothing is multiplied).
Owns: this rule and torch's checks for it. Never: import torch.
"""

from __future__ import annotations

from sympy import And, Eq, Integer

from ..core.errors import RuleError
from ..core.fmt import text
from ..core.symbols import K, P, S
from .base import TORCH_DOCS, Result, Rule, axis_name, fmt_shape, per_axis, require, rule, split_batch


@rule("nn.MaxUnpool1d", "nn.MaxUnpool2d", "nn.MaxUnpool3d")
class MaxUnpool(Rule):
    """(N, C, *L) and the max pool's indices (same shape) → (N, C, *((L − 1)·S − 2P + K)), or output_size
    (its last spatial sizes, each within one stride of that). MACs: 0 (a scatter)."""

    family = "pool"
    reference = TORCH_DOCS + "torch.nn.MaxUnpool2d.html"
    legend = {"kernel_size": K, "stride": S, "padding": P}

    def setup(self, kernel_size, stride=None, padding=0):
        nd = self.nd
        self.k = per_axis(nd, "kernel_size", kernel_size)
        self.s = per_axis(nd, "stride", stride if stride is not None else kernel_size)
        self.p = per_axis(nd, "padding", padding)

    def forward(self, x, indices, output_size=None):
        lead, c, spatial = split_batch(x, self.nd, self.name)
        if indices is None or len(indices) != len(x):
            raise RuleError(f"indices {fmt_shape(indices or ())} must have the input's shape {fmt_shape(x)}",
                            fix="pass the indices the max pool returned with this input (return_indices=True)")
        for a, b in zip(indices, x):
            require(Eq(a, b), lambda: f"indices {fmt_shape(indices)} must have the input's shape {fmt_shape(x)}",
                    fix="pass the indices the max pool returned with this input (return_indices=True)")
        default = [(L - 1) * s - 2 * p + k for L, k, s, p in zip(spatial, self.k, self.s, self.p)]
        out = default
        if output_size is not None:
            size = tuple(output_size)
            if len(size) == self.nd + 2:
                size = size[2:]
            if len(size) != self.nd:
                raise RuleError(f"output_size={fmt_shape(size)} should have {self.nd} or {self.nd + 2} entries",
                                fix="pass the size of the max pool's input (x.size())")
            for i, (o, d, s) in enumerate(zip(size, default, self.s)):
                require(And(o > d - s, o < d + s), lambda: f"output_size {axis_name(self.nd, i)} {text(o)} must "
                        f"be between {text(d - s)} and {text(d + s)} (exclusive)",
                        fix="pass the size of the max pool's input (x.size())")
            out = list(size)
        for i, o in enumerate(out):
            require(o >= 0, lambda: f"output {axis_name(self.nd, i)} {text(o)} must not be negative",
                    fix="use a smaller padding or a larger input")
        return Result((*lead, c, *out), Integer(0))


__all__ = ["MaxUnpool"]
