"""Configurations PyTorch rejects: torch must raise, and symcnn must raise a one-line RuleError that
names the violated condition with the numbers and says how to fix it."""

from __future__ import annotations

import pytest
from oracle_cases import Case, run_torch

import symcnn

# (key, args, kwargs, input shape(s) or None for a construct-time error, expected message parts)
INVALID = [
    # convolutions
    ("nn.Conv2d", (3, 8, 3), {}, (1, 4, 8, 8), ["expects an input with 3 channels but got 4"]),
    ("nn.Conv2d", (3, 8, 5), {}, (1, 3, 4, 4), ["< 1", "input height 4", "kernel_size=5"]),
    ("nn.Conv2d", (4, 6, 3), {"groups": 4}, None, ["out_channels=6 must be divisible by groups=4"]),
    ("nn.Conv2d", (3, 6, 3), {"groups": 2}, None, ["in_channels=3 must be divisible by groups=2"]),
    ("nn.Conv2d", (3, 6, 3), {"stride": 2, "padding": "same"}, None, ["padding='same'", "stride=2"]),
    ("nn.Conv2d", (3, 6, 3), {"padding": "full"}, None, ["padding='full'"]),
    ("nn.Conv2d", (3, 6, 3), {"groups": 0}, None, ["groups=0 must be a positive integer"]),
    ("nn.Conv2d", (3, 6, 0), {}, (1, 3, 4, 4), ["kernel_size=0 must be positive"]),
    ("nn.Conv2d", (3, 6, 3), {"stride": 0}, (1, 3, 4, 4), ["stride=0 must be positive"]),
    ("nn.Conv2d", (3, 6, 3), {"padding": -1}, (1, 3, 4, 4), ["padding=-1 must be non-negative"]),
    ("nn.Conv2d", (3, 6, 3), {"padding_mode": "mirror"}, None, ["padding_mode='mirror'"]),
    ("nn.Conv2d", (1, 1, 3), {"padding": 2, "padding_mode": "reflect"}, (1, 1, 2, 2),
     ["padding_mode='reflect' needs padding 2 < input size 2"]),
    ("nn.Conv2d", (1, 1, 3), {"padding": 3, "padding_mode": "circular"}, (1, 1, 2, 2),
     ["padding_mode='circular' needs padding 3 <= input size 2"]),
    ("nn.Conv2d", (3, 6, 3), {}, (3, 8), ["expects a 3-D (unbatched) or 4-D (batched) input", "2-D"]),
    ("nn.Conv2d", (3, 6, (3, 3, 3)), {}, None, ["kernel_size=(3, 3, 3) has 3 entries", "2 spatial axes"]),
    ("nn.ConvTranspose2d", (4, 4, 3), {"stride": 2, "output_padding": 2}, (1, 4, 5, 5),
     ["output_padding=2 must be smaller than either stride=2 or dilation=1"]),
    ("nn.ConvTranspose2d", (4, 4, 3), {"padding_mode": "reflect"}, None, ["padding_mode='reflect'"]),
    ("nn.ConvTranspose1d", (1, 1, 1), {"padding": 2}, (1, 1, 1), ["output length -3 < 1"]),
    ("nn.ConvTranspose2d", (4, 4, 3), {"padding": "same"}, (1, 4, 5, 5), ["padding='same'"]),
    ("nn.ConvTranspose2d", (4, 6, 3), {"groups": 4}, None, ["out_channels=6 must be divisible by groups=4"]),
    # pooling
    ("nn.MaxPool2d", (2,), {"padding": 2}, (1, 1, 8, 8), ["padding=2 must be at most half of kernel_size=2"]),
    ("nn.MaxPool2d", (5,), {}, (1, 1, 4, 4), ["< 1", "input height 4", "kernel_size=5"]),
    ("nn.MaxPool2d", (2,), {"stride": 0}, (1, 1, 4, 4), ["stride=0 must be greater than zero"]),
    ("nn.MaxPool1d", (2,), {"dilation": 0}, (1, 1, 4), ["dilation=0 must be greater than zero"]),
    ("nn.MaxPool2d", (2,), {"padding": -1}, (1, 1, 4, 4), ["padding=-1 must be non-negative"]),
    ("nn.MaxPool2d", ((2, 2, 2),), {}, (1, 1, 4, 4), ["kernel_size=(2, 2, 2) has 3 entries"]),
    ("nn.MaxPool2d", (2,), {}, (4, 4), ["expects a 3-D (unbatched) or 4-D (batched) input"]),
    ("nn.MaxPool3d", (2,), {}, (1, 1, 1, 4, 4), ["output depth 0 < 1", "input depth 1"]),
    ("nn.AvgPool3d", (3,), {"padding": 1}, (1, 1, 2, 5, 5),
     ["input depth 2 is smaller than kernel_size=3"]),
    ("nn.AvgPool2d", (2,), {"divisor_override": 0}, (1, 1, 4, 4), ["divisor_override=0"]),
    ("nn.AvgPool1d", (3,), {"padding": 2}, (1, 1, 8), ["padding=2 must be at most half of kernel_size=3"]),
    ("nn.LPPool1d", (2, (3,)), {}, (1, 1, 8), ["kernel_size as an int"]),
    ("nn.AdaptiveAvgPool2d", (-1,), {}, (1, 1, 4, 4), ["output_size=-1 must be >= 0"]),
    ("nn.AdaptiveAvgPool1d", (None,), {}, (1, 1, 4), ["output_size=None"]),
    ("nn.AdaptiveAvgPool3d", ((2, 3),), {}, (1, 1, 4, 4, 4), ["output_size=(2, 3) has 2 entries"]),
    ("nn.AdaptiveMaxPool2d", (2,), {}, (4, 5), ["expects a 3-D (unbatched) or 4-D (batched) input"]),
    # linear and reshaping
    ("nn.Linear", (320, 50), {}, (1, 300), ["input's last dimension is 300 but in_features=320",
                                             "set in_features=300"]),
    ("nn.Bilinear", (3, 4, 5), {}, ((2, 3), (2, 5)), ["input's last dimension is 5 but in2_features=4"]),
    ("nn.Bilinear", (3, 4, 5), {}, ((2, 3), (3, 4)), ["differ in their leading dims", "2 vs 3"]),
    ("nn.Embedding", (5, 3), {"padding_idx": 5}, None, ["padding_idx=5 must be within num_embeddings=5"]),
    ("nn.Flatten", (3,), {}, (2, 3, 4), ["start_dim=3 is out of range for a 3-D input"]),
    ("nn.Flatten", (2, 1), {}, (2, 3, 4), ["start_dim=2 comes after end_dim=1"]),
    ("nn.Unflatten", (1, (2, 5)), {}, (2, 12), ["multiplies to 10, not to the size 12 of dimension 1"]),
    ("nn.Unflatten", (1, (-1, -1)), {}, (2, 12), ["more than one -1"]),
    ("nn.Unflatten", (1, (5, -1)), {}, (2, 12), ["dimension 1 of size 12 is not divisible by 5"]),
    # activations and dropout
    ("nn.Dropout", (1.5,), {}, None, ["dropout probability p=1.5 must be between 0 and 1"]),
    ("nn.Dropout1d", (), {}, (1, 2, 3, 4), ["expects a 2-D or 3-D input, got a 4-D input"]),
    ("nn.Softmax", (), {"dim": 3}, (2, 3), ["dim=3 is out of range for a 2-D input"]),
    ("nn.Hardtanh", (2.0, 1.0), {}, None, ["max_val=1.0 must be greater than min_val=2.0"]),
    ("nn.PReLU", (3,), {}, (2, 4, 5), ["num_parameters=3 does not match the input's channel size 4"]),
    ("nn.GLU", (0,), {}, (3, 2), ["dimension 0 of size 3 must be even"]),
    ("nn.Softmax2d", (), {}, (2, 3, 4, 5, 6), ["expects a 3-D or 4-D input, got a 5-D input"]),
    ("nn.GELU", (), {"approximate": "fast"}, (2, 3), ["approximate='fast'"]),
    ("nn.RReLU", (0.5, 0.1), {}, (2, 3), ["lower=0.5 must not exceed upper=0.1"]),
    # normalisation
    ("nn.BatchNorm2d", (16,), {}, (1, 8, 4, 4),
     ["expects 16 channels (num_features=16) but the input has 8"]),
    ("nn.BatchNorm2d", (3,), {}, (3, 4, 4), ["expects a 4-D input, got a 3-D input"]),
    ("nn.BatchNorm1d", (3,), {"track_running_stats": False}, (1, 3), ["more than 1 value per channel"]),
    ("nn.GroupNorm", (3, 4), {}, None, ["num_channels=4 must be divisible by num_groups=3"]),
    ("nn.GroupNorm", (2, 4), {}, (2, 6, 3), ["expects 4 channels (num_channels=4) but the input has 6"]),
    ("nn.LayerNorm", ((3, 4),), {}, (2, 4, 3), ["normalized_shape=(3, 4) does not match", "(4, 3)"]),
    ("nn.InstanceNorm2d", (3,), {}, (2, 3, 1, 1), ["needs more than 1 spatial element"]),
    ("nn.InstanceNorm1d", (3,), {"affine": True}, (2, 4, 5), ["expects 3 channels"]),
    ("nn.LocalResponseNorm", (2,), {}, (2, 4), ["expects a 3-D or higher input"]),
    # resampling, padding, shuffles
    ("nn.Upsample", (3, 2), {}, None, ["exactly one of size or scale_factor"]),
    ("nn.Upsample", (), {"scale_factor": 2, "align_corners": True}, None, ["align_corners=True"]),
    ("nn.Upsample", (), {"scale_factor": 2, "mode": "bilinear"}, (1, 1, 3),
     ["mode='bilinear' needs a 4-D input"]),
    ("nn.Upsample", (), {"scale_factor": 0.1}, (1, 1, 3),
     ["output size 0 (input size 3) must be at least 1"]),
    ("nn.Upsample", (), {"scale_factor": [2.0, 3.0]}, (1, 1, 3, 3), ["is a list"]),
    ("nn.Upsample", (), {"size": (2, 3)}, (1, 1, 3),
     ["size=(2, 3) has 2 entries but the input has 1 spatial"]),
    ("nn.Upsample", (), {"scale_factor": 2, "mode": "bogus"}, (1, 1, 3), ["mode='bogus'"]),
    ("nn.Upsample", (), {"size": 4, "recompute_scale_factor": True}, (1, 1, 3), ["not meaningful"]),
    ("nn.ReflectionPad2d", (4,), {}, (1, 1, 4, 4), ["padding (4, 4) must be smaller than the input size 4"]),
    ("nn.CircularPad2d", (5,), {}, (1, 1, 4, 4), ["wraps around more than once", "input size 4"]),
    ("nn.ZeroPad2d", ((-3, -2, 0, 0),), {}, (1, 1, 4, 4), ["padding (-3, -2) crops more than the size 4"]),
    ("nn.ZeroPad2d", ((1, 2, 3),), {}, (1, 1, 4, 4), ["padding=(1, 2, 3) has 3 entries"]),
    ("nn.ReflectionPad2d", (1,), {}, (4, 4), ["expects a 3-D or 4-D input"]),
    ("nn.PixelShuffle", (2,), {}, (1, 6, 4, 4), ["channels 6 must be divisible by upscale_factor²=4"]),
    ("nn.PixelUnshuffle", (2,), {}, (1, 1, 4, 5), ["width 5 must be divisible by downscale_factor=2"]),
    ("nn.PixelShuffle", (0,), {}, (1, 4, 4, 4), ["upscale_factor=0 must be positive"]),
    ("nn.Unfold", (5,), {}, (1, 1, 4, 4), ["< 1", "kernel_size=5"]),
    ("nn.Fold", ((4, 5), 2), {}, (1, 8, 11), ["input has 11 blocks but output_size=(4, 5)", "gives 12"]),
    ("nn.Fold", ((4, 5), 2), {}, (1, 7, 12), ["input dim 7 must be divisible by the product of kernel_size"]),
]


def _case(key, args, kwargs, shape):
    shape = shape or (1, 1, 4, 4)
    two = isinstance(shape[0], tuple)
    return Case(key, args, kwargs, shape[0] if two else shape, shape[1] if two else None)


def test_enough_invalid_configurations():
    assert len(INVALID) >= 50


@pytest.mark.parametrize(("key", "args", "kwargs", "shape", "parts"), INVALID,
                         ids=[f"{i}-{row[0]}" for i, row in enumerate(INVALID)])
def test_invalid(torch, key, args, kwargs, shape, parts):
    case = _case(key, args, kwargs, shape)
    assert run_torch(torch, case)[0] == "error", f"torch accepts {case}"
    with pytest.raises(symcnn.RuleError) as info:
        rule = symcnn.make(key, *args, **kwargs)
        if shape is not None:
            rule(case.shape, case.shape2) if case.shape2 else rule(case.shape)
    msg = str(info.value)
    for part in parts:
        assert part in msg, f"{part!r} not in {msg!r}"
    assert "\n" not in msg and " Fix: " in msg and not msg.startswith("Error"), msg
    if shape is None:   # construct-time errors are raised by make() already, as torch raises in __init__
        assert info.traceback[-1].name != "forward"
