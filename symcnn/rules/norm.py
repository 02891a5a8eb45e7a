"""Normalisation: BatchNorm1d/2d/3d, SyncBatchNorm, InstanceNorm1d/2d/3d, LayerNorm, RMSNorm, GroupNorm,
LocalResponseNorm.

Parameters are weight and bias (when affine); running_mean/running_var/num_batches_tracked are
buffers, not parameters, so they are not counted (as torch's ``parameters()``).
MACs: 0 for every layer here (normalisation is elementwise; what each FLOPs tool counts for it is
the business of conventions.py).
Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer, Mod, Ne

from ..core.errors import RuleError
from ..core.intarith import FloorDiv
from ..core.symbols import C, G, K
from .base import TORCH_DOCS, Result, Rule, fmt_shape, numel, require, rule, split_batch


def _channels(c, want, layer: str, name: str = "num_features") -> None:
    require(Eq(c, want), lambda: f"{layer} expects {want} channels ({name}={want}) but the input has {c}",
            fix=f"set {name}={c}, or change the previous layer's output channels")


class _Affine(Rule):
    family = "norm"

    def parameters(self):
        p = {}
        if self.affine:
            p["weight"] = self.affine_shape
            if self.bias:
                p["bias"] = self.affine_shape
        return p


@rule("nn.BatchNorm1d", "nn.BatchNorm2d", "nn.BatchNorm3d")
class BatchNorm(_Affine):
    """Batch normalisation over the channel dim 1. Input (N, C) or (N, C, L) for 1d, (N, C, H, W)
    for 2d, (N, C, T, H, W) for 3d. In training mode (and in any mode without running stats) torch
    needs more than one value per channel; with running stats in eval mode any batch works.

    MACs: 0 (normalisation is not counted as multiply-accumulates).
    """

    reference = TORCH_DOCS + "torch.nn.BatchNorm2d.html"
    legend = {"num_features": C}

    def setup(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
              device=None, dtype=None, *, bias=True):
        self.num_features, self.affine, self.bias = num_features, bool(affine), bool(bias)
        self.track = bool(track_running_stats)
        self.affine_shape = (num_features,)

    def forward(self, x):
        dims = (2, 3) if self.nd == 1 else (self.nd + 2,)
        if len(x) not in dims:
            raise RuleError(f"{self.name} expects a {' or '.join(f'{d}-D' for d in dims)} input, got "
                            f"a {len(x)}-D input of shape {fmt_shape(x)}",
                            fix=f"reshape the input to (N, C{', ...' * (dims[-1] - 2)})")
        return self._normalised(x)

    def _normalised(self, x) -> Result:
        """The channels the affine weights or running stats fix, and torch's more-than-one-value rule."""
        if self.affine or self.track:
            _channels(x[1], self.num_features, self.name)
        if not self.track:
            require(Ne(x[0] * numel(x[2:]), 1), lambda: f"{self.name} without running stats needs more than "
                    f"1 value per channel, got input {fmt_shape(x)}", fix="use a batch larger than 1")
        return Result(x, Integer(0))


@rule("nn.SyncBatchNorm", nd=0)
class SyncBatchNorm(BatchNorm):
    """Batch normalisation synchronised across processes; traced as used for inference (eval), where it
    is BatchNorm over the channel dim 1 of any input (N, C, *) with at least 2 dims.

    MACs: 0 (normalisation is not counted as multiply-accumulates).
    """

    reference = TORCH_DOCS + "torch.nn.SyncBatchNorm.html"

    def setup(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
              process_group=None, device=None, dtype=None, *, bias=True):
        super().setup(num_features, eps, momentum, affine, track_running_stats, bias=bias)

    def forward(self, x):
        if len(x) < 2:
            raise RuleError(f"SyncBatchNorm expects at least a 2-D input (N, C, *), got {fmt_shape(x)}",
                            fix="add a batch dimension")
        return self._normalised(x)


@rule("nn.InstanceNorm1d", "nn.InstanceNorm2d", "nn.InstanceNorm3d")
class InstanceNorm(_Affine):
    """Instance normalisation per sample and channel; input (N, C, *spatial) or (C, *spatial).
    Without running stats torch needs more than one spatial element.

    MACs: 0 (normalisation is not counted as multiply-accumulates).
    """

    reference = TORCH_DOCS + "torch.nn.InstanceNorm2d.html"
    legend = {"num_features": C}

    def setup(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
              device=None, dtype=None, *, bias=True):
        self.num_features, self.affine, self.bias = num_features, bool(affine), bool(bias)
        self.track = bool(track_running_stats)
        self.affine_shape = (num_features,)

    def forward(self, x):
        _, c, spatial = split_batch(x, self.nd, self.name)
        if self.affine or self.track:
            _channels(c, self.num_features, self.name)
        if not self.track:
            require(Ne(numel(spatial), 1),
                    lambda: f"{self.name} needs more than 1 spatial element, got input "
                    f"{fmt_shape(x)}", fix="use a larger input or track_running_stats=True")
        return Result(x, Integer(0))


@rule("nn.LayerNorm", nd=0)
class LayerNorm(_Affine):
    """Layer normalisation over the trailing normalized_shape dims.

    MACs: 0 (normalisation is not counted as multiply-accumulates).
    """

    reference = TORCH_DOCS + "torch.nn.LayerNorm.html"

    def setup(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None,
              dtype=None):
        shape = normalized_shape if isinstance(normalized_shape, (tuple, list)) else (normalized_shape,)
        shape = tuple(shape)
        self.normalized_shape = self.affine_shape = shape
        self.affine, self.bias = bool(elementwise_affine), bool(bias)

    def forward(self, x):
        ns = self.normalized_shape
        tail = x[len(x) - len(ns):] if len(ns) <= len(x) else None
        if tail is None:
            raise RuleError(f"normalized_shape={ns} has more dims than the input {fmt_shape(x)}",
                            fix="normalize over the input's trailing dims only")
        for a, b in zip(tail, ns):
            require(Eq(a, b), lambda: f"normalized_shape={ns} does not match the input's trailing dims "
                    f"{fmt_shape(tail)}", fix=f"set normalized_shape={fmt_shape(tail)}")
        return Result(x, Integer(0))


@rule("nn.RMSNorm", nd=0)
class RMSNorm(LayerNorm):
    """Root-mean-square normalisation over the trailing normalized_shape dims; a weight of that shape
    (elementwise_affine), no bias.

    MACs: 0 (normalisation is not counted as multiply-accumulates).
    """

    reference = TORCH_DOCS + "torch.nn.RMSNorm.html"

    def setup(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().setup(normalized_shape, elementwise_affine=elementwise_affine, bias=False)


@rule("nn.GroupNorm", nd=0)
class GroupNorm(_Affine):
    """Group normalisation: channels in num_groups groups; input (N, C, *).

    MACs: 0 (normalisation is not counted as multiply-accumulates).
    """

    reference = TORCH_DOCS + "torch.nn.GroupNorm.html"
    legend = {"num_groups": G, "num_channels": C}

    def setup(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *,
              bias=True):
        require(Eq(Mod(num_channels, num_groups), 0),
                lambda: f"num_channels={num_channels} must be divisible by num_groups={num_groups}",
                fix="choose num_groups that divides num_channels")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.affine, self.bias, self.affine_shape = bool(affine), bool(bias), (num_channels,)

    def forward(self, x):
        if len(x) < 2:
            raise RuleError(f"GroupNorm expects at least a 2-D input (N, C, *), got {fmt_shape(x)}",
                            fix="add a batch dimension")
        g = self.num_groups
        if self.affine:
            _channels(x[1], self.num_channels, self.name, "num_channels")
        require(Eq(Mod(x[1], g), 0), lambda: f"input channels {x[1]} must be divisible by num_groups={g}",
                fix="choose num_groups that divides the channels")
        require(Ne(FloorDiv(x[0] * x[1], g) * numel(x[2:]), 1),
                lambda: f"GroupNorm needs more than 1 value per group, got input {fmt_shape(x)}",
                fix="use a larger batch or input")
        return Result(x, Integer(0))


@rule("nn.LocalResponseNorm", nd=0)
class LocalResponseNorm(Rule):
    """Local response normalisation across neighbouring channels; input (N, C, *) with ≥ 3 dims.

    MACs: 0 (normalisation is not counted as multiply-accumulates).
    """

    family = "norm"
    reference = TORCH_DOCS + "torch.nn.LocalResponseNorm.html"
    legend = {"size": K}

    def setup(self, size, alpha=1e-4, beta=0.75, k=1.0):
        require(size > 0, lambda: f"size={size} must be greater than zero", fix="use size >= 1")
        self.size = size

    def forward(self, x):
        if len(x) < 3:
            raise RuleError(f"LocalResponseNorm expects a 3-D or higher input, got {fmt_shape(x)}",
                            fix="add a batch dimension")
        return Result(x, Integer(0))


__all__ = ["BatchNorm", "GroupNorm", "InstanceNorm", "LayerNorm", "LocalResponseNorm", "RMSNorm", "SyncBatchNorm"]
