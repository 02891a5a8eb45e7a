"""``torch.nn.functional`` of the stand-in: each functional op runs the rule of its module form.

``F.max_pool2d(x, 2, 2)`` is recorded as step key "F.max_pool2d" with the rule ``make("nn.MaxPool2d", 2, 2)``.
Ops with weight tensors (F.conv2d, F.linear) take in/out sizes from the weight's shape; their
parameters belong to the nn.Parameter the user registered, so their steps do not count them again.
Owns: the functional ops and the table mapping each to its module rule.
Never: compute shapes itself or import torch.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import RuleError, TraceError, UnsupportedError
from ...rules.base import fmt_shape
from .. import record as rec
from ..methods import in_place
from ..tensor import SymTensor, apply, py
from .names import unsupported


# --- activations and dropout ---
def relu(input, inplace=False):
    out = apply("F.relu", "nn.ReLU", input, inplace=inplace)
    return in_place(input, out) if inplace else out


def relu_(input): return in_place(input, apply("F.relu_", "nn.ReLU", input, inplace=True))


def relu6(input, inplace=False): return apply("F.relu6", "nn.ReLU6", input, inplace=inplace)
def elu(input, alpha=1.0, inplace=False): return apply("F.elu", "nn.ELU", input, alpha=alpha, inplace=inplace)
def selu(input, inplace=False): return apply("F.selu", "nn.SELU", input, inplace=inplace)
def silu(input, inplace=False): return apply("F.silu", "nn.SiLU", input, inplace=inplace)
def mish(input, inplace=False): return apply("F.mish", "nn.Mish", input, inplace=inplace)
def hardswish(input, inplace=False): return apply("F.hardswish", "nn.Hardswish", input, inplace=inplace)
def hardsigmoid(input, inplace=False): return apply("F.hardsigmoid", "nn.Hardsigmoid", input, inplace=inplace)
def gelu(input, approximate="none"): return apply("F.gelu", "nn.GELU", input, approximate=approximate)
def sigmoid(input): return apply("F.sigmoid", "nn.Sigmoid", input)
def tanh(input): return apply("F.tanh", "nn.Tanh", input)
def softplus(input, beta=1.0, threshold=20.0):
    return apply("F.softplus", "nn.Softplus", input, beta=beta, threshold=threshold)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return apply("F.leaky_relu", "nn.LeakyReLU", input, negative_slope=negative_slope, inplace=inplace)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    return apply("F.softmax", "nn.Softmax", input, dim=dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return apply("F.log_softmax", "nn.LogSoftmax", input, dim=dim)


def dropout(input, p=0.5, training=True, inplace=False):
    return apply("F.dropout", "nn.Dropout", input, p=p, inplace=inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    return apply("F.dropout1d", "nn.Dropout1d", input, p=p, inplace=inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    return apply("F.dropout2d", "nn.Dropout2d", input, p=p, inplace=inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    return apply("F.dropout3d", "nn.Dropout3d", input, p=p, inplace=inplace)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    return input


# --- pooling ---
def _max_pool(nd):
    def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        return apply(f"F.max_pool{nd}d", f"nn.MaxPool{nd}d", input, kernel_size, stride=stride, padding=padding,
                     dilation=dilation, return_indices=return_indices, ceil_mode=ceil_mode)
    max_pool.__name__ = f"max_pool{nd}d"
    return max_pool


def _avg_pool(nd):
    def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        extra = {} if nd == 1 else {"divisor_override": divisor_override}
        return apply(f"F.avg_pool{nd}d", f"nn.AvgPool{nd}d", input, kernel_size, stride=stride, padding=padding,
                     ceil_mode=ceil_mode, count_include_pad=count_include_pad, **extra)
    avg_pool.__name__ = f"avg_pool{nd}d"
    return avg_pool


def _adaptive(kind, nd):
    def adaptive(input, output_size, return_indices=False):
        extra = {"return_indices": return_indices} if kind == "Max" else {}
        return apply(f"F.adaptive_{kind.lower()}_pool{nd}d", f"nn.Adaptive{kind}Pool{nd}d", input, output_size,
                     **extra)
    adaptive.__name__ = f"adaptive_{kind.lower()}_pool{nd}d"
    return adaptive


def _max_unpool(nd):
    def max_unpool(input, indices, kernel_size, stride=None, padding=0, output_size=None):
        return apply(f"F.max_unpool{nd}d", f"nn.MaxUnpool{nd}d", input, kernel_size, stride=stride, padding=padding,
                     more=(indices,), call={"output_size": output_size})
    max_unpool.__name__ = f"max_unpool{nd}d"
    return max_unpool


max_pool1d, max_pool2d, max_pool3d = _max_pool(1), _max_pool(2), _max_pool(3)
max_unpool1d, max_unpool2d, max_unpool3d = _max_unpool(1), _max_unpool(2), _max_unpool(3)


def _with_indices(pool):
    def with_indices(input, *args, **kwargs):
        return pool(input, *args, **{**kwargs, "return_indices": True})
    with_indices.__name__ = f"{pool.__name__}_with_indices"
    return with_indices
avg_pool1d, avg_pool2d, avg_pool3d = _avg_pool(1), _avg_pool(2), _avg_pool(3)
adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d = (_adaptive("Avg", n) for n in (1, 2, 3))
adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d = (_adaptive("Max", n) for n in (1, 2, 3))
max_pool1d_with_indices, max_pool2d_with_indices, max_pool3d_with_indices = (
    _with_indices(p) for p in (max_pool1d, max_pool2d, max_pool3d))
adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices, adaptive_max_pool3d_with_indices = (
    _with_indices(p) for p in (adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d))


# --- resampling and padding ---
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    return apply("F.interpolate", "nn.Upsample", input, size=size, scale_factor=scale_factor, mode=mode,
                 align_corners=align_corners, recompute_scale_factor=recompute_scale_factor)


upsample = interpolate


def upsample_nearest(input, size=None, scale_factor=None):
    return apply("F.upsample_nearest", "nn.UpsamplingNearest2d", input, size=size, scale_factor=scale_factor)


def upsample_bilinear(input, size=None, scale_factor=None):
    return apply("F.upsample_bilinear", "nn.UpsamplingBilinear2d", input, size=size, scale_factor=scale_factor)


def affine_grid(theta, size, align_corners=None):
    return apply("F.affine_grid", "F.affine_grid", theta, size=tuple(size), align_corners=align_corners)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    return apply("F.grid_sample", "F.grid_sample", input, mode=mode, padding_mode=padding_mode,
                 align_corners=align_corners, more=(grid,))


def channel_shuffle(input, groups):
    return apply("F.channel_shuffle", "nn.ChannelShuffle", input, groups)


def pixel_shuffle(input, upscale_factor):
    return apply("F.pixel_shuffle", "nn.PixelShuffle", input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    return apply("F.pixel_unshuffle", "nn.PixelUnshuffle", input, downscale_factor)


def pad(input, pad, mode="constant", value=None):
    nd = max(1, min(3, len(pad) // 2))
    kind = {"constant": "ConstantPad", "reflect": "ReflectionPad", "replicate": "ReplicationPad",
            "circular": "CircularPad"}.get(mode)
    if kind is None:
        raise UnsupportedError(f"F.pad mode={mode!r} is not supported by symcnn yet",
                               fix="use constant, reflect, replicate or circular").located(rec.where())
    args = (tuple(pad), 0.0 if value is None else value) if kind == "ConstantPad" else (tuple(pad),)
    return apply("F.pad", f"nn.{kind}{nd}d", input, *args)


# --- ops with weight tensors: sizes come from the weight ---
def _w(weight: Any, fkey: str, ndim: int) -> tuple:
    if not isinstance(weight, SymTensor):
        raise TraceError(f"{fkey}: weight must be a tensor, got {type(weight).__name__}",
                         fix="pass the weight tensor (an nn.Parameter)").located(rec.where())
    if len(weight._shape) != ndim:
        raise RuleError(f"{fkey}: weight has {len(weight._shape)} dims {fmt_shape(weight._shape)} but must have "
                        f"{ndim}", fix=f"pass a {ndim}-D weight").located(rec.where())
    return tuple(py(v) for v in weight._shape)


def linear(input, weight, bias=None):
    w = _w(weight, "F.linear", 2)
    return apply("F.linear", "nn.Linear", input, w[1], w[0], bias=bias is not None, owned=False)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    w = _w(weight, "F.embedding", 2)
    return apply("F.embedding", "nn.Embedding", input, w[0], w[1], padding_idx=padding_idx, owned=False)


def _conv(nd):
    def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        w = _w(weight, f"F.conv{nd}d", nd + 2)
        return apply(f"F.conv{nd}d", f"nn.Conv{nd}d", input, w[1] * groups, w[0], w[2:], stride=stride,
                     padding=padding, dilation=dilation, groups=groups, bias=bias is not None, owned=False)
    conv.__name__ = f"conv{nd}d"
    return conv


def _conv_t(nd):
    def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        w = _w(weight, f"F.conv_transpose{nd}d", nd + 2)
        return apply(f"F.conv_transpose{nd}d", f"nn.ConvTranspose{nd}d", input, w[0], w[1] * groups, w[2:],
                     stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                     bias=bias is not None, dilation=dilation, owned=False)
    conv_transpose.__name__ = f"conv_transpose{nd}d"
    return conv_transpose


conv1d, conv2d, conv3d = _conv(1), _conv(2), _conv(3)
conv_transpose1d, conv_transpose2d, conv_transpose3d = _conv_t(1), _conv_t(2), _conv_t(3)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-05):
    nd = {2: 1, 3: 1, 4: 2, 5: 3}.get(input.dim() if isinstance(input, SymTensor) else 0, 2)
    return apply("F.batch_norm", f"nn.BatchNorm{nd}d", input, input.size(1), eps=eps, momentum=momentum,
                 affine=weight is not None, owned=False)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    return apply("F.layer_norm", "nn.LayerNorm", input, normalized_shape, eps=eps,
                 elementwise_affine=weight is not None, owned=False)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return apply("F.rms_norm", "nn.RMSNorm", input, normalized_shape, eps=eps, elementwise_affine=weight is not None,
                 owned=False)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    return apply("F.group_norm", "nn.GroupNorm", input, num_groups, input.size(1), eps=eps,
                 affine=weight is not None, owned=False)


# --- attention ---
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    return apply("F.scaled_dot_product_attention", "F.scaled_dot_product_attention", query, more=(key, value),
                 call={"attn_mask": attn_mask}, dropout_p=dropout_p, is_causal=is_causal, scale=scale,
                 enable_gqa=enable_gqa)


# --- losses: scalars, not steps ---
def _loss(*args: Any, **kwargs: Any) -> SymTensor:
    return SymTensor(())


cross_entropy = nll_loss = mse_loss = l1_loss = binary_cross_entropy = binary_cross_entropy_with_logits = _loss
smooth_l1_loss = kl_div = _loss


from .functional_more import *  # noqa: E402, F403 -- F.hardtanh, F.unfold, F.prelu, the other losses ...


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return unsupported(f"F.{name}", [f"F.{n}" for n, v in globals().items() if callable(v) and not n.startswith("_")])
