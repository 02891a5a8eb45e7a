"""Sampling by grids and the fixed-mode upsampling layers: UpsamplingNearest2d, UpsamplingBilinear2d
(nn.Upsample with mode nearest, or bilinear with align_corners=True), F.affine_grid (a sampling grid from
a batch of affine matrices) and F.grid_sample (the input sampled at a grid's points).

MACs: 0 for every layer here (interpolation is not counted, as for nn.Upsample).
Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer

from ..core.errors import RuleError
from .base import TORCH_DOCS, Result, Rule, fmt_shape, require, rule
from .resample import Upsample


@rule("nn.UpsamplingNearest2d", nd=0)
class UpsamplingNearest(Upsample):
    """nn.Upsample(size, scale_factor, mode='nearest'). MACs: 0 (interpolation is not counted)."""

    reference = TORCH_DOCS + "torch.nn.UpsamplingNearest2d.html"

    def setup(self, size=None, scale_factor=None):
        super().setup(size, scale_factor, mode="nearest")


@rule("nn.UpsamplingBilinear2d", nd=0)
class UpsamplingBilinear(Upsample):
    """nn.Upsample(size, scale_factor, mode='bilinear', align_corners=True); a 4-D input.
    MACs: 0 (interpolation is not counted)."""

    reference = TORCH_DOCS + "torch.nn.UpsamplingBilinear2d.html"

    def setup(self, size=None, scale_factor=None):
        super().setup(size, scale_factor, mode="bilinear", align_corners=True)


@rule("F.affine_grid", nd=0)
class AffineGrid(Rule):
    """Affine matrices theta (N, 2, 3) and a size (N, C, H, W) → the sampling grid (N, H, W, 2); theta (N, 3, 4)
    and (N, C, T, H, W) → (N, T, H, W, 3). MACs: 0 (not counted)."""

    family = "resample"
    reference = TORCH_DOCS + "torch.nn.functional.affine_grid.html"

    def setup(self, size, align_corners=None):
        size = tuple(size) if isinstance(size, (tuple, list)) else (size,)
        if len(size) not in (4, 5):
            raise RuleError(f"affine_grid only supports 4-D and 5-D sizes (2-D and 3-D affine transforms), got "
                            f"size {fmt_shape(size)}", fix="pass the size of the input to sample, x.size()")
        for v in size:
            require(v >= 1, lambda: f"size {fmt_shape(size)} must be positive", fix="pass x.size()")
        self.size = size

    def forward(self, theta):
        rows, cols = (2, 3) if len(self.size) == 4 else (3, 4)
        what = lambda: (f"theta {fmt_shape(theta)} should be a batch of {len(self.size) - 2}-D affine "  # noqa: E731
                        f"matrices of shape N×{rows}×{cols} for size {fmt_shape(self.size)}")
        if len(theta) != 3:
            raise RuleError(what(), fix=f"reshape theta to (N, {rows}, {cols}): theta.view(-1, {rows}, {cols})")
        require(Eq(theta[1], rows) & Eq(theta[2], cols), what,
                fix=f"reshape theta to (N, {rows}, {cols}): theta.view(-1, {rows}, {cols})")
        require(Eq(theta[0], self.size[0]), lambda: f"theta has {theta[0]} matrices but size "
                f"{fmt_shape(self.size)} has a batch of {self.size[0]}", fix="give one matrix per sample")
        return Result((self.size[0], *self.size[2:], len(self.size) - 2), Integer(0))


MODES = ("bilinear", "nearest", "bicubic")


@rule("F.grid_sample", nd=0)
class GridSample(Rule):
    """An input (N, C, H, W) sampled at a grid (N, H_out, W_out, 2) → (N, C, H_out, W_out); 5-D with a grid
    (N, T_out, H_out, W_out, 3). MACs: 0 (interpolation is not counted)."""

    family = "resample"
    reference = TORCH_DOCS + "torch.nn.functional.grid_sample.html"

    def setup(self, mode="bilinear", padding_mode="zeros", align_corners=None):
        if mode not in MODES:
            raise RuleError(f"mode={mode!r} is not supported by grid_sample", fix=f"use one of {', '.join(MODES)}")
        if padding_mode not in ("zeros", "border", "reflection"):
            raise RuleError(f"padding_mode={padding_mode!r} is not supported by grid_sample",
                            fix="use zeros, border or reflection")
        self.mode = mode

    def forward(self, x, grid):
        if len(x) not in (4, 5) or grid is None or len(grid) != len(x):
            raise RuleError(f"grid_sample takes a 4-D or 5-D input and a grid of the same rank, got "
                            f"{fmt_shape(x)} and {fmt_shape(grid or ())}", fix="give input (N, C, H, W) and grid "
                            "(N, H_out, W_out, 2)")
        if self.mode == "bicubic" and len(x) != 4:
            raise RuleError("mode='bicubic' only supports a 4-D input", fix="use bilinear or nearest")
        require(Eq(grid[0], x[0]), lambda: f"grid_sample: the grid's batch {grid[0]} differs from the input's "
                f"{x[0]}", fix="give one grid per sample")
        require(Eq(grid[-1], len(x) - 2), lambda: f"grid_sample: the grid {fmt_shape(grid)} must end in "
                f"{len(x) - 2} (a coordinate per spatial dim)", fix="make the grid with F.affine_grid")
        return Result((x[0], x[1], *grid[1:-1]), Integer(0))


__all__ = ["AffineGrid", "GridSample", "UpsamplingBilinear", "UpsamplingNearest"]
