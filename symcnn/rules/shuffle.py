"""Rearranging layers: PixelShuffle, PixelUnshuffle, ChannelShuffle, Unfold (im2col) and Fold (col2im).

MACs: 0 for every layer here (they move values, Fold adds overlapping ones; nothing is counted).
Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer, Mod

from ..core.errors import RuleError
from ..core.symbols import D, G, K, P, R, S
from .base import TORCH_DOCS, Result, Rule, axis_name, fmt_shape, numel, require, rule, window
from .common import exact_div


@rule("nn.PixelShuffle", nd=0)
class PixelShuffle(Rule):
    """(*, C·r², H, W) → (*, C, H·r, W·r). MACs: 0 (a rearrangement)."""

    family = "shuffle"
    reference = TORCH_DOCS + "torch.nn.PixelShuffle.html"
    legend = {"upscale_factor": R}

    def setup(self, upscale_factor):
        require(upscale_factor > 0, lambda: f"upscale_factor={upscale_factor} must be positive",
                fix="use upscale_factor >= 1")
        self.r = upscale_factor

    def forward(self, x):
        if len(x) < 3:
            raise RuleError(f"PixelShuffle expects at least 3 dims (*, C, H, W), got {fmt_shape(x)}",
                            fix="add the channel dimension")
        *lead, c, h, w = x
        r2 = self.r * self.r
        require(Eq(Mod(c, r2), 0), lambda: f"channels {c} must be divisible by upscale_factor²={r2}",
                fix=f"use a channel count that is a multiple of {r2}")
        return Result((*lead, exact_div(c, r2), h * self.r, w * self.r), Integer(0))


@rule("nn.PixelUnshuffle", nd=0)
class PixelUnshuffle(Rule):
    """(*, C, H·r, W·r) → (*, C·r², H, W). MACs: 0 (a rearrangement)."""

    family = "shuffle"
    reference = TORCH_DOCS + "torch.nn.PixelUnshuffle.html"
    legend = {"downscale_factor": R}

    def setup(self, downscale_factor):
        require(downscale_factor > 0, lambda: f"downscale_factor={downscale_factor} must be positive",
                fix="use downscale_factor >= 1")
        self.r = downscale_factor

    def forward(self, x):
        if len(x) < 3:
            raise RuleError(f"PixelUnshuffle expects at least 3 dims (*, C, H, W), got {fmt_shape(x)}",
                            fix="add the channel dimension")
        *lead, c, h, w = x
        r = self.r
        for name, v in (("height", h), ("width", w)):
            require(Eq(Mod(v, r), 0), lambda: f"{name} {v} must be divisible by downscale_factor={r}",
                    fix=f"use a {name} that is a multiple of {r}")
        return Result((*lead, c * r * r, exact_div(h, r), exact_div(w, r)), Integer(0))


@rule("nn.ChannelShuffle", nd=0)
class ChannelShuffle(Rule):
    """(N, C, *) → the same shape, the channels regrouped: (g, C/g) read as (C/g, g). MACs: 0 (a rearrangement)."""

    family = "shuffle"
    reference = TORCH_DOCS + "torch.nn.ChannelShuffle.html"
    legend = {"groups": G}

    def setup(self, groups):
        require(groups > 0, lambda: f"groups={groups} must be positive", fix="use groups >= 1")
        self.groups = groups

    def forward(self, x):
        if len(x) < 3:
            raise RuleError(f"ChannelShuffle expects at least 3 dims (N, C, *), got {fmt_shape(x)}",
                            fix="add the batch dimension")
        g = self.groups
        require(Eq(Mod(x[1], g), 0), lambda: f"channels {x[1]} must be divisible by groups={g}",
                fix=f"use a channel count that is a multiple of {g}")
        return Result(x, Integer(0))


class _Blocks(Rule):
    family = "shuffle"
    legend = {"kernel_size": K, "stride": S, "padding": P, "dilation": D}

    def _args(self, kernel_size, dilation, padding, stride):
        def pair(name, v):
            if isinstance(v, (tuple, list)):
                if len(v) != 2:
                    raise RuleError(f"{name}={tuple(v)} must have 2 entries",
                                    fix=f"give {name} as 1 or 2 ints")
                return tuple(v)
            return (v, v)

        self.k, self.d = pair("kernel_size", kernel_size), pair("dilation", dilation)
        self.p, self.s = pair("padding", padding), pair("stride", stride)
        for name, vals, low in (("kernel_size", self.k, 1), ("dilation", self.d, 1),
                                ("padding", self.p, 0), ("stride", self.s, 1)):
            for v in vals:
                require(v >= low, lambda: f"{name}={v} must be at least {low}", fix=f"use {name} >= {low}")

    def _blocks(self, sizes):
        return tuple(window(L, k, s, p, d, axis=axis_name(2, i))
                     for i, (L, k, s, p, d) in enumerate(zip(sizes, self.k, self.s, self.p, self.d)))


@rule("nn.Unfold", nd=0)
class Unfold(_Blocks):
    """Sliding blocks of an (N, C, H, W) input: (N, C·∏kernel, number of blocks).

    MACs: 0 (a copy).
    """

    reference = TORCH_DOCS + "torch.nn.Unfold.html"

    def setup(self, kernel_size, dilation=1, padding=0, stride=1):
        self._args(kernel_size, dilation, padding, stride)

    def forward(self, x):
        if len(x) not in (3, 4):
            raise RuleError(f"Unfold expects a 3-D or 4-D input (N, C, H, W), got {fmt_shape(x)}",
                            fix="give the input as (N, C, H, W)")
        *lead, c, h, w = x
        blocks = self._blocks((h, w))
        return Result((*lead, c * numel(self.k), numel(blocks)), Integer(0))


@rule("nn.Fold", nd=0)
class Fold(_Blocks):
    """Sums sliding blocks (N, C·∏kernel, L) back into (N, C, *output_size).

    MACs: 0 (overlapping values are added, not multiplied).
    """

    reference = TORCH_DOCS + "torch.nn.Fold.html"

    def setup(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        self._args(kernel_size, dilation, padding, stride)
        out = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * 2
        if len(out) != 2:
            raise RuleError(f"output_size={out} must have 2 entries", fix="give output_size as 1 or 2 ints")
        self.output_size = out

    def forward(self, x):
        if len(x) not in (2, 3):
            raise RuleError(f"Fold expects a 2-D or 3-D input (N, C·∏kernel, L), got {fmt_shape(x)}",
                            fix="give the input as (N, C·∏kernel, L)")
        *lead, ck, n = x
        kk = numel(self.k)
        require(Eq(Mod(ck, kk), 0), lambda: f"input dim {ck} must be divisible by the product of "
                f"kernel_size={self.k}, {kk}", fix="give C·∏kernel values per block")
        blocks = numel(self._blocks(self.output_size))
        require(Eq(n, blocks), lambda: f"input has {n} blocks but output_size={self.output_size} with "
                f"kernel_size={self.k} gives {blocks}", fix=f"give {blocks} blocks or change output_size")
        return Result((*lead, exact_div(ck, kk), *self.output_size), Integer(0))


__all__ = ["ChannelShuffle", "Fold", "PixelShuffle", "PixelUnshuffle", "Unfold"]
