"""Pooling: MaxPool, AvgPool, LPPool (1d/2d/3d) and the adaptive pools.

Every pool here has 0 MACs: comparisons and additions are not multiply-accumulates (the FLOPs
conventions in conventions.py state what each tool counts for pools). No parameters.
Owns: the pool rules and their torch-side validity checks. Never: import torch.
"""

from __future__ import annotations

from sympy import Integer

from ..core.errors import RuleError
from ..core.symbols import D, K, L_out, P, S
from .base import TORCH_DOCS, Result, Rule, axis_name, require, rule, split_batch, window


def axes(nd: int, name: str, value, default=None) -> tuple:
    """torch's pool argument expansion: an int, or a tuple of 1 or nd values (1 is broadcast)."""
    if isinstance(value, (tuple, list)):
        if len(value) == 0 and default is not None:
            return axes(nd, name, default)
        if len(value) == 1:
            return tuple(value) * nd
        if len(value) != nd:
            raise RuleError(f"{name}={tuple(value)} has {len(value)} entries but the layer has {nd} "
                            "spatial axes", fix=f"give {name} as one int or {nd} ints")
        return tuple(value)
    return (value,) * nd


class _Pool(Rule):
    """Shared by max, average and power-average pools: window checks and the sliding-window size."""

    family = "pool"
    legend = {"kernel_size": K, "stride": S, "padding": P, "dilation": D}
    min_input = False    # AvgPool3d: every input size must be at least the kernel

    def _setup(self, kernel_size, stride, padding, dilation, ceil_mode):
        nd = self.nd
        self.k = axes(nd, "kernel_size", kernel_size)
        self.s = axes(nd, "stride", kernel_size if stride is None else stride, default=kernel_size)
        self.p = axes(nd, "padding", padding)
        self.d = axes(nd, "dilation", dilation)
        self.ceil_mode = bool(ceil_mode)
        for k, s, p, d in zip(self.k, self.s, self.p, self.d):
            require(k > 0, lambda: f"kernel_size={k} must be greater than zero", fix="set kernel_size >= 1")
            require(s > 0, lambda: f"stride={s} must be greater than zero", fix="set stride >= 1")
            require(d > 0, lambda: f"dilation={d} must be greater than zero", fix="set dilation >= 1")
            require(p >= 0, lambda: f"padding={p} must be non-negative", fix="set padding >= 0")
            require(2 * p <= k, lambda: f"padding={p} must be at most half of kernel_size={k}",
                    fix=f"use padding <= {k}/2, or a larger kernel")

    def parameters(self):
        return {}

    def _out(self, x):
        batch, c, spatial = split_batch(x, self.nd, self.name)
        if self.min_input:
            for i, (L, k) in enumerate(zip(spatial, self.k)):
                require(L >= k, lambda: f"input {axis_name(self.nd, i)} {L} is smaller than kernel_size={k} "
                        f"({self.name} checks this before padding)",
                        fix="use a larger input or a smaller kernel")
        out = tuple(window(L, k, s, p, d, ceil_mode=self.ceil_mode, axis=axis_name(self.nd, i))
                    for i, (L, k, s, p, d) in enumerate(zip(spatial, self.k, self.s, self.p, self.d)))
        return (*batch, c, *out)


@rule("nn.MaxPool1d", "nn.MaxPool2d", "nn.MaxPool3d")
class MaxPool(_Pool):
    """Max pooling. With return_indices the indices are a second output of the same shape.

    MACs: 0 (no multiplications counted).
    """

    reference = TORCH_DOCS + "torch.nn.MaxPool2d.html"

    def setup(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
              ceil_mode=False):
        self._setup(kernel_size, stride, padding, dilation, ceil_mode)
        self.return_indices = bool(return_indices)

    def forward(self, x):
        out = self._out(x)
        return Result(out, Integer(0), extra_shapes=(out,) if self.return_indices else ())


@rule("nn.AvgPool2d", "nn.AvgPool3d")
class AvgPool(_Pool):
    """Average pooling (count_include_pad and divisor_override change values, not shapes).

    MACs: 0 (no multiplications counted).
    """

    reference = TORCH_DOCS + "torch.nn.AvgPool2d.html"
    legend = {"kernel_size": K, "stride": S, "padding": P}

    def setup(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
              divisor_override=None):
        self._setup(kernel_size, stride, padding, 1, ceil_mode)
        self.min_input = self.nd == 3
        if divisor_override is not None:
            require(divisor_override != 0, "divisor_override=0 must not be zero",
                    fix="use divisor_override=None or a non-zero divisor")

    def forward(self, x):
        return Result(self._out(x), Integer(0))


@rule("nn.AvgPool1d")
class AvgPool1d(AvgPool):
    """1-D average pooling (no divisor_override in torch).

    MACs: 0 (no multiplications counted).
    """

    reference = TORCH_DOCS + "torch.nn.AvgPool1d.html"

    def setup(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        self._setup(kernel_size, stride, padding, 1, ceil_mode)


@rule("nn.LPPool1d", "nn.LPPool2d", "nn.LPPool3d")
class LPPool(_Pool):
    """Power-average pooling: torch computes it with an unpadded average pool.

    MACs: 0 (no multiplications counted).
    """

    reference = TORCH_DOCS + "torch.nn.LPPool2d.html"
    legend = {"kernel_size": K, "stride": S}

    def setup(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        if self.nd == 1 and isinstance(kernel_size, tuple):
            raise RuleError(f"{self.name} needs kernel_size as an int, got {kernel_size}; torch's "
                            "lp_pool1d multiplies by it and fails on a tuple", fix="give one int")
        self._setup(kernel_size, stride, 0, 1, ceil_mode)
        self.norm_type = norm_type
        self.min_input = self.nd == 3

    def forward(self, x):
        return Result(self._out(x), Integer(0))


class _Adaptive(Rule):
    """Adaptive pooling to output_size; a None entry keeps that input size."""

    family = "pool"
    legend = {"output_size": L_out}
    return_indices = False

    def _setup(self, output_size):
        nd = self.nd
        if output_size is None:
            raise RuleError(f"{self.name}(output_size=None) is not accepted: torch needs a size for "
                            "every axis", fix="give an int or a tuple, using None only inside a tuple")
        if isinstance(output_size, (tuple, list)) and len(output_size) != nd:
            raise RuleError(f"output_size={tuple(output_size)} has {len(output_size)} entries but "
                            f"{self.name} has {nd} spatial axes", fix=f"give one int or {nd} entries")
        self.output_size = axes(nd, "output_size", output_size)
        if nd == 1 and self.output_size[0] is None:
            raise RuleError(f"{self.name}(output_size=(None,)) is not accepted by torch",
                            fix="give the output length as an int")
        for o in self.output_size:
            if o is not None:
                require(o >= 0, lambda: f"output_size={o} must be >= 0", fix="use a non-negative output size")

    def forward(self, x):
        batch, c, spatial = split_batch(x, self.nd, self.name)
        out = (*batch, c, *(L if o is None else o for L, o in zip(spatial, self.output_size)))
        return Result(out, Integer(0), extra_shapes=(out,) if self.return_indices else ())


@rule("nn.AdaptiveAvgPool1d", "nn.AdaptiveAvgPool2d", "nn.AdaptiveAvgPool3d")
class AdaptiveAvgPool(_Adaptive):
    """Adaptive average pooling to output_size; a None entry keeps that input size.

    MACs: 0 (no multiplications counted).
    """

    reference = TORCH_DOCS + "torch.nn.AdaptiveAvgPool2d.html"

    def setup(self, output_size):
        self._setup(output_size)

    def forward(self, x):
        # torch's 2-D/3-D adaptive average pool to all-ones is a mean over the last nd dims (keepdim)
        # that skips the (N, C, ...) check: any input with >= nd dims for an int output_size, > nd
        # for a tuple (F.adaptive_avg_pool*d checks that much first). (1, 1) of a 2-D (H, W) input.
        nd = self.nd
        if nd > 1 and len(x) not in (nd + 1, nd + 2) and all(o == 1 for o in self.output_size):
            least = nd + 1 if isinstance(self.raw_args["output_size"], (tuple, list)) else nd
            if len(x) >= least:
                return Result((*x[:-nd], *(Integer(1),) * nd), Integer(0))
        return super().forward(x)


@rule("nn.AdaptiveMaxPool1d", "nn.AdaptiveMaxPool2d", "nn.AdaptiveMaxPool3d")
class AdaptiveMaxPool(_Adaptive):
    """Adaptive max pooling; return_indices adds the indices as a second output.

    MACs: 0 (no multiplications counted).
    """

    reference = TORCH_DOCS + "torch.nn.AdaptiveMaxPool2d.html"

    def setup(self, output_size, return_indices=False):
        self._setup(output_size)
        self.return_indices = bool(return_indices)


__all__ = ["AdaptiveAvgPool", "AdaptiveMaxPool", "AvgPool", "AvgPool1d", "LPPool", "MaxPool", "axes"]
