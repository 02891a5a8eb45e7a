"""Convolutions: Conv1d/2d/3d and ConvTranspose1d/2d/3d. MACs exclude the bias add."""

from __future__ import annotations

from sympy import Eq, Mod

from ..core.errors import RuleError
from ..core.intarith import FloorDiv
from ..core.symbols import C_in, C_out, D, G, K, P, P_out, S
from .base import TORCH_DOCS, Result, Rule, axis_name, numel, per_axis, require, rule, split_batch, window

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def same_padding(k, d) -> tuple:
    """padding='same' as PyTorch pads: D(K − 1) in total, ⌊total/2⌋ on the left and the rest (one more
    when the total is odd) on the right; the output then has the input's size (stride 1)."""
    total = d * (k - 1)
    return total, FloorDiv(total, 2), total - FloorDiv(total, 2)


class _ConvBase(Rule):
    family = "conv"
    legend = {"in_channels": C_in, "out_channels": C_out, "kernel_size": K, "stride": S,
              "padding": P, "dilation": D, "groups": G}

    def _common(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                padding_mode):
        nd = self.nd
        self.k = per_axis(nd, "kernel_size", kernel_size)
        self.s = per_axis(nd, "stride", stride)
        self.d = per_axis(nd, "dilation", dilation)
        self.padding = padding
        self.p = per_axis(nd, "padding", padding) if not isinstance(padding, str) else None
        self.groups = groups
        self.c_in, self.c_out, self.bias = in_channels, out_channels, None
        require(groups > 0, lambda: f"groups={groups} must be a positive integer", fix="set groups >= 1")
        require(Eq(Mod(in_channels, groups), 0),
                lambda: f"in_channels={in_channels} must be divisible by groups={groups}",
                fix="choose groups that divides in_channels")
        require(Eq(Mod(out_channels, groups), 0),
                lambda: f"out_channels={out_channels} must be divisible by groups={groups}",
                fix="choose groups that divides out_channels")
        for name, vals in (("kernel_size", self.k), ("stride", self.s), ("dilation", self.d)):
            for v in vals:
                require(v > 0, lambda name=name, v=v: f"{name}={v} must be positive", fix=f"set {name} >= 1")
        for v in self.p or ():
            require(v >= 0, lambda v=v: f"padding={v} must be non-negative", fix="set padding >= 0")
        if padding_mode not in PADDING_MODES:
            raise RuleError(f"padding_mode={padding_mode!r} is not one of {PADDING_MODES}",
                            fix="use padding_mode='zeros', 'reflect', 'replicate' or 'circular'")
        self.padding_mode = padding_mode

    def _check_mode_padding(self, spatial):
        """padding_mode 'reflect'/'circular' pads with F.pad first: reflect needs each side < the
        input size, circular at most the input size ('same' puts the odd extra on the right)."""
        if self.padding_mode not in ("reflect", "circular") or self.padding == "valid":
            return
        for i, (L, k, d) in enumerate(zip(spatial, self.k, self.d)):
            if self.padding == "same":
                right = same_padding(k, d)[2]
            else:
                right = self.p[i]
            if self.padding_mode == "reflect":
                require(right < L, f"padding_mode='reflect' needs padding {right} < input size {L} on "
                        f"the {axis_name(self.nd, i)} axis",
                        fix="use less padding, a larger input or padding_mode='replicate'")
            else:
                require(right <= L, f"padding_mode='circular' needs padding {right} <= input size {L} "
                        f"on the {axis_name(self.nd, i)} axis (it would wrap around more than once)",
                        fix="use less padding or a larger input")

    def _check_channels(self, c, expected):
        require(Eq(c, expected),
                lambda: f"{self.name} expects an input with {expected} channels but got {c} channels",
                fix=f"set in_channels={c}, or change the previous layer's output channels")

    def parameters(self):
        params = {"weight": self.weight_shape()}
        if self.bias:
            params["bias"] = (self.c_out,)
        return params


@rule("nn.Conv1d", "nn.Conv2d", "nn.Conv3d")
class Conv(_ConvBase):
    """Convolution over the trailing nd axes; padding may be an int, a tuple, 'same' or 'valid'.

    MACs: output elements × (in_channels / groups) × kernel elements (bias additions not included).
    """

    reference = TORCH_DOCS + "torch.nn.Conv2d.html"

    def setup(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
              groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise RuleError(f"padding={padding!r} is not 'same', 'valid' or a number",
                                fix="use padding='same', padding='valid' or an int")
            if padding == "same" and any(s != 1 for s in per_axis(self.nd, "stride", stride)):
                raise RuleError(f"padding='same' is not supported for strided convolutions "
                                f"(stride={stride})", fix="use stride=1, or give the padding as a number")
        self._common(in_channels, out_channels, kernel_size, stride,
                     0 if padding == "valid" else padding, dilation, groups, padding_mode)
        self.bias = bias

    def weight_shape(self):
        return (self.c_out, self.c_in / self.groups, *self.k)

    def forward(self, x):
        batch, c, spatial = split_batch(x, self.nd, self.name)
        self._check_channels(c, self.c_in)
        self._check_mode_padding(spatial)
        if self.padding == "same":
            # PyTorch pads d(k - 1) in total (extra on the right when odd): the size is kept.
            out = tuple(spatial)
        else:
            out = tuple(window(L, k, s, p, d, axis=axis_name(self.nd, i))
                        for i, (L, k, s, p, d) in enumerate(zip(spatial, self.k, self.s, self.p, self.d)))
        macs = numel(batch) * numel(out) * self.c_out * (self.c_in / self.groups) * numel(self.k)
        return Result((*batch, self.c_out, *out), macs)


@rule("nn.ConvTranspose1d", "nn.ConvTranspose2d", "nn.ConvTranspose3d")
class ConvTranspose(_ConvBase):
    """Transposed convolution (the gradient of a convolution); output_padding adds to one side.

    MACs: input elements × (out_channels / groups) × kernel elements (bias additions not included).
    """

    reference = TORCH_DOCS + "torch.nn.ConvTranspose2d.html"
    legend = {**_ConvBase.legend, "output_padding": P_out}

    def setup(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
              groups=1, bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise RuleError(f"padding_mode={padding_mode!r} is not supported by {self.name}",
                            fix="use padding_mode='zeros'")
        self._common(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                     padding_mode)
        self.op = per_axis(self.nd, "output_padding", output_padding)
        self.bias = bias

    def weight_shape(self):
        return (self.c_in, self.c_out / self.groups, *self.k)

    def forward(self, x):
        if self.p is None:
            raise RuleError(f"{self.name} does not accept padding={self.padding!r} (PyTorch raises "
                            f"a TypeError in forward)", fix="give the padding as a number")
        batch, c, spatial = split_batch(x, self.nd, self.name)
        self._check_channels(c, self.c_in)
        out = []
        for i, (L, k, s, p, d, op) in enumerate(zip(spatial, self.k, self.s, self.p, self.d, self.op)):
            require((op < s) | (op < d),
                    f"output_padding={op} must be smaller than either stride={s} or dilation={d}",
                    fix="lower output_padding")
            size = (L - 1) * s - 2 * p + d * (k - 1) + op + 1
            require(size >= 1, lambda i=i, size=size: f"output {axis_name(self.nd, i)} {size} < 1",
                    fix="use less padding or a larger input")
            out.append(size)
        macs = numel(batch) * numel(spatial) * c * (self.c_out / self.groups) * numel(self.k)
        return Result((*batch, self.c_out, *out), macs)


__all__ = ["Conv", "ConvTranspose", "same_padding"]
