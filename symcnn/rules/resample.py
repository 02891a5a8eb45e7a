"""Resampling and padding: Upsample, Zero/Constant/Reflection/Replication/CircularPad (1d/2d/3d),
PixelShuffle/PixelUnshuffle, Fold/Unfold; and ``ScaledSize``, torch's float-scaled size.

MACs: 0 for every layer here (interpolation and copying are not counted as multiply-accumulates;
what each FLOPs tool counts for Upsample is the business of conventions.py).
Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

import math

from sympy import Float, Function, Integer, Or, sympify

from ..core.errors import RuleError
from ..core.intarith import FloorDiv
from ..core.symbols import P
from .base import TORCH_DOCS, Result, Rule, fmt_shape, require, rule, split_batch


class ScaledSize(Function):
    """⌊L·s⌋ as torch computes it for a float scale_factor: the double-precision product of L and s,
    then floor. Exact rationals would be wrong (45 × 1.4 is 62 in torch, not 63)."""

    is_integer = True
    nargs = 2

    @classmethod
    def eval(cls, size, scale):
        if not scale.is_Number:
            return None
        s = float(scale)
        num, den = s.as_integer_ratio()
        if size.is_integer and den <= 2**16 and abs(num) < 2**20:
            # a dyadic scale (2.0, 0.5, 1.5, 0.75): L·s is exact in double for any L < 2^33, so
            # torch's size is the exact ⌊L·num/den⌋, which composes like every other floor
            return FloorDiv(size * num, den)
        if size.is_Integer:
            return Integer(math.floor(float(int(size)) * s))
        return None

    def _eval_is_nonnegative(self):
        size, scale = self.args
        if size.is_nonnegative and scale.is_nonnegative:
            return True
        return None

    def _eval_is_positive(self):
        size, scale = self.args
        if size.is_positive and scale.is_Number and scale >= 1:
            return True      # ⌊L·s⌋ >= L >= 1 for s >= 1
        return None

    def _scale(self) -> str:
        return repr(float(self.args[1]))

    def _sympystr(self, printer) -> str:
        return f"floor({printer._print(self.args[0])}*{self._scale()})"

    def _symcnn_text(self, printer) -> str:
        return f"⌊{printer._print(self.args[0])}·{self._scale()}⌋"

    def _latex(self, printer) -> str:
        return rf"\left\lfloor {self._scale()} \cdot {printer._print(self.args[0])} \right\rfloor"


INTERPOLATING = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}   # mode -> spatial dims
ANY_DIMS = ("nearest", "nearest-exact", "area")


@rule("nn.Upsample", nd=0)
class Upsample(Rule):
    """Resizes the spatial dims of an (N, C, ...) input to size, or scales them by scale_factor,
    rounded down after a double-precision product exactly as torch does.

    MACs: 0 (interpolation is not counted).
    """

    family = "resample"
    reference = TORCH_DOCS + "torch.nn.Upsample.html"

    def setup(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
              recompute_scale_factor=None):
        if isinstance(self.raw_args.get("scale_factor"), list):   # self.args turned it into a tuple
            raise RuleError(f"scale_factor={scale_factor} is a list; torch accepts a number or a tuple",
                            fix=f"use scale_factor={tuple(scale_factor)}")
        if isinstance(scale_factor, tuple):
            scale_factor = tuple(Float(float(v)) for v in scale_factor)
        elif scale_factor is not None and scale_factor != 0:   # torch's Upsample drops a 0 scale
            scale_factor = Float(float(scale_factor))
        else:
            scale_factor = None
        if mode not in (*INTERPOLATING, *ANY_DIMS):
            raise RuleError(f"mode={mode!r} is not supported by Upsample",
                            fix=f"use one of {', '.join((*ANY_DIMS, *INTERPOLATING))}")
        if align_corners is not None and mode in ANY_DIMS:
            raise RuleError(f"align_corners={align_corners} can only be set with the interpolating modes "
                            f"{', '.join(INTERPOLATING)}, not mode={mode!r}", fix="remove align_corners")
        if (size is None) == (scale_factor is None):
            raise RuleError("Upsample needs exactly one of size or scale_factor "
                            f"(got size={size}, scale_factor={scale_factor})", fix="give one of them")
        if size is not None and recompute_scale_factor:
            raise RuleError("recompute_scale_factor=True is not meaningful with an explicit size",
                            fix="remove recompute_scale_factor or give scale_factor instead")
        for v in size if isinstance(size, tuple) else (size,):
            if isinstance(v, float):
                raise RuleError(f"size={size} must be integers", fix="give size as ints")
        self.size, self.scale_factor, self.mode = size, scale_factor, mode

    def forward(self, x):
        if not 3 <= len(x) <= 5:
            raise RuleError(f"Upsample expects a 3-D, 4-D or 5-D input (N, C, ...), got {fmt_shape(x)}",
                            fix="add the batch and channel dimensions")
        nd = len(x) - 2
        if INTERPOLATING.get(self.mode, nd) != nd:
            raise RuleError(f"mode={self.mode!r} needs a {INTERPOLATING[self.mode] + 2}-D input, got "
                            f"{len(x)}-D", fix="choose the mode matching the input's spatial dims")
        target = self.size if self.size is not None else self.scale_factor
        name = "size" if self.size is not None else "scale_factor"
        if isinstance(target, tuple) and len(target) != nd:
            raise RuleError(f"{name}={target} has {len(target)} entries but the input has {nd} spatial "
                            "dims", fix=f"give {nd} entries")
        per = target if isinstance(target, tuple) else (target,) * nd
        if self.size is not None:
            out = tuple(sympify(v) for v in per)
        else:
            out = tuple(ScaledSize(L, s) for L, s in zip(x[2:], per))
        low = 0 if self.mode == "area" else 1   # 'area' is an adaptive average pool: 0 gives an empty tensor
        for L, o in zip(x[2:], out):
            require(o >= low, lambda: f"output size {o} (input size {L}) must be at least {low}",
                    fix="use a larger size or scale_factor")
        return Result((*x[:2], *out), Integer(0))


class _Pad(Rule):
    """Shared by the padding layers: padding is an int or (left, right[, top, bottom[, front, back]]),
    the first pair for the last dim. MACs: 0 (copying is not counted)."""

    family = "pad"
    legend = {"padding": P}

    def setup(self, padding):
        self._padding(padding)

    def _padding(self, padding):
        """Like torch's F.pad, a tuple's length (not the class's 1d/2d/3d) decides how many trailing
        dims are padded: ZeroPad2d((1, 2)) pads only the last dim."""
        nd = self.nd
        pad = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * nd)
        if len(pad) % 2 or not pad:
            raise RuleError(f"padding={pad} has {len(pad)} entries; torch needs pairs (left, right, "
                            "top, bottom, ...)", fix=f"give one int or {2 * nd} ints")
        self.padding, self.npad = pad, len(pad) // 2

    def _outs(self, x):
        """[(input size, before, after, output size)] for the padded dims, last dim first."""
        return [(x[-1 - i], self.padding[2 * i], self.padding[2 * i + 1],
                 x[-1 - i] + self.padding[2 * i] + self.padding[2 * i + 1]) for i in range(self.npad)]

    def _crops(self) -> bool:
        """Can some padding be negative (cropping)? Only then can an output size drop below 1."""
        return not all(sympify(v).is_nonnegative for v in self.padding)

    def _shape(self, x, rows):
        return Result((*x[:len(x) - self.npad], *(o for *_, o in reversed(rows))), Integer(0))

    def _check_crops(self, rows) -> None:
        """With negative padding (a crop): no size below 0, and some output size at least 1."""
        if not self._crops():
            return
        for _L, a, b, o in rows:
            require(o >= 0, lambda: f"padding ({a}, {b}) gives a negative size {o}",
                    fix="use less negative padding")
        require(Or(*(o >= 1 for *_, o in rows)), lambda: f"{self.name}: every output size would be "
                f"below 1 ({', '.join(str(o) for *_, o in rows)})", fix="use less negative padding")

    def _dims(self, x):
        n = self.npad
        if n > 3 or len(x) not in (n + 1, n + 2):
            raise RuleError(f"{self.name} with {2 * n} padding values expects a {n + 1}-D or {n + 2}-D "
                            f"input, got {fmt_shape(x)}", fix="add or remove the batch dimension")


@rule("nn.ZeroPad1d", "nn.ZeroPad2d", "nn.ZeroPad3d")
class ZeroPad(_Pad):
    """Pads with zeros; negative padding crops. MACs: 0 (copying is not counted)."""

    reference = TORCH_DOCS + "torch.nn.ZeroPad2d.html"

    def forward(self, x):
        if len(x) < self.npad:
            raise RuleError(f"{self.name} pads {self.npad} dims but the input {fmt_shape(x)} has {len(x)}",
                            fix="give the input more dimensions")
        rows = self._outs(x)
        for L, a, b, o in rows if self._crops() else ():
            require((a >= -L) & (b >= -L) & (o >= 0),
                    lambda: f"padding ({a}, {b}) crops more than the size {L}",
                    fix="use less negative padding")
        return self._shape(x, rows)


@rule("nn.ConstantPad1d", "nn.ConstantPad2d", "nn.ConstantPad3d")
class ConstantPad(ZeroPad):
    """Pads with a constant value; negative padding crops. MACs: 0 (copying is not counted)."""

    reference = TORCH_DOCS + "torch.nn.ConstantPad2d.html"

    def setup(self, padding, value):
        self._padding(padding)


@rule("nn.ReflectionPad1d", "nn.ReflectionPad2d", "nn.ReflectionPad3d")
class ReflectionPad(_Pad):
    """Pads by reflecting at the border; each padding must be smaller than the input size.

    MACs: 0 (copying is not counted).
    """

    reference = TORCH_DOCS + "torch.nn.ReflectionPad2d.html"

    def forward(self, x):
        self._dims(x)
        rows = self._outs(x)
        for L, a, b, _o in rows:
            require((a < L) & (b < L), lambda: f"padding ({a}, {b}) must be smaller than the input size {L}",
                    fix=f"use padding < {L}, or ReplicationPad")
        self._check_crops(rows)
        return self._shape(x, rows)


@rule("nn.ReplicationPad1d", "nn.ReplicationPad2d", "nn.ReplicationPad3d")
class ReplicationPad(_Pad):
    """Pads by repeating the border value. MACs: 0 (copying is not counted)."""

    reference = TORCH_DOCS + "torch.nn.ReplicationPad2d.html"

    def forward(self, x):
        self._dims(x)
        rows = self._outs(x)
        self._check_crops(rows)
        return self._shape(x, rows)


@rule("nn.CircularPad1d", "nn.CircularPad2d", "nn.CircularPad3d")
class CircularPad(_Pad):
    """Pads by wrapping around; each padding must be at most the input size. (torch 2.13 also
    fails on some negative circular paddings, where its internal copy overlaps itself; that is an
    implementation limit, not a shape rule, and symcnn does not reproduce it.)

    MACs: 0 (copying is not counted).
    """

    reference = TORCH_DOCS + "torch.nn.CircularPad2d.html"

    def forward(self, x):
        split_batch(x, self.nd, self.name)   # the module checks its own dims first
        self._dims(x)
        rows = self._outs(x)
        for L, a, b, o in rows:
            require((a <= L) & (b <= L),
                    lambda: f"padding ({a}, {b}) wraps around more than once: it must be "
                    f"at most the input size {L}", fix=f"use padding <= {L}")
            if self._crops():
                require(o >= 0, lambda: f"padding ({a}, {b}) gives a negative size {o}",
                        fix="use less negative padding")
        return self._shape(x, rows)


__all__ = ["CircularPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "ScaledSize", "Upsample",
           "ZeroPad"]
