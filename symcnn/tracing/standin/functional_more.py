"""More of ``torch.nn.functional`` for the stand-in: the functional forms of the activations, pools, norms
and block ops whose module forms have rules (``F.hardtanh`` runs nn.Hardtanh's rule, ``F.unfold``
nn.Unfold's), the remaining losses (scalars, no step) and a few data
helpers (``F.one_hot``, ``F.cosine_similarity``, ``F.pairwise_distance``) made of tensor ops (the
``*_with_indices`` pools are in functional.py, beside the pools).
functional.py re-exports every name here.
Owns: these functions. Never: compute shapes itself (the rules and tensor ops do) or import torch.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import TraceError
from .. import record as rec
from ..methods import in_place
from ..tensor import SymTensor, apply, py


def _act(fkey: str, modkey: str, **defaults: Any):
    """An activation F.<name>(input, *args) running ``modkey``'s rule; ``inplace`` as torch's."""
    names = list(defaults)

    def f(input: Any, *args: Any, **kwargs: Any) -> Any:
        kw = dict(defaults)
        kw.update(zip(names, args))
        kw.update(kwargs)
        inplace = bool(kw.pop("inplace", False)) or fkey.endswith("_")
        kw.pop("training", None)
        if "inplace" in defaults or fkey.endswith("_"):
            kw["inplace"] = inplace
        out = apply(fkey, modkey, input, **kw)
        return in_place(input, out) if inplace else out
    f.__name__ = fkey.removeprefix("F.")
    return f


celu = _act("F.celu", "nn.CELU", alpha=1.0, inplace=False)
celu_ = _act("F.celu_", "nn.CELU", alpha=1.0)
elu_ = _act("F.elu_", "nn.ELU", alpha=1.0)
selu_ = _act("F.selu_", "nn.SELU")
leaky_relu_ = _act("F.leaky_relu_", "nn.LeakyReLU", negative_slope=0.01)
hardtanh = _act("F.hardtanh", "nn.Hardtanh", min_val=-1.0, max_val=1.0, inplace=False)
hardtanh_ = _act("F.hardtanh_", "nn.Hardtanh", min_val=-1.0, max_val=1.0)
threshold = _act("F.threshold", "nn.Threshold", threshold=None, value=None, inplace=False)
threshold_ = _act("F.threshold_", "nn.Threshold", threshold=None, value=None)
rrelu = _act("F.rrelu", "nn.RReLU", lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False)
rrelu_ = _act("F.rrelu_", "nn.RReLU", lower=1.0 / 8, upper=1.0 / 3, training=False)
hardshrink = _act("F.hardshrink", "nn.Hardshrink", lambd=0.5)
softshrink = _act("F.softshrink", "nn.Softshrink", lambd=0.5)
softsign = _act("F.softsign", "nn.Softsign")
tanhshrink = _act("F.tanhshrink", "nn.Tanhshrink")
logsigmoid = _act("F.logsigmoid", "nn.LogSigmoid")
glu = _act("F.glu", "nn.GLU", dim=-1)
alpha_dropout = _act("F.alpha_dropout", "nn.AlphaDropout", p=0.5, training=False, inplace=False)
feature_alpha_dropout = _act("F.feature_alpha_dropout", "nn.FeatureAlphaDropout", p=0.5, training=False,
                             inplace=False)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    return apply("F.softmin", "nn.Softmin", input, dim=dim)


def prelu(input, weight):
    n = weight.numel() if isinstance(weight, SymTensor) else 1
    return apply("F.prelu", "nn.PReLU", input, num_parameters=n, owned=False)


def bilinear(input1, input2, weight, bias=None):
    out, in1, in2 = (py(v) for v in weight._shape)
    return apply("F.bilinear", "nn.Bilinear", input1, in1, in2, out, bias=bias is not None, owned=False,
                 more=(input2,))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-05):
    nd = max(1, min(3, input.dim() - 2))
    return apply("F.instance_norm", f"nn.InstanceNorm{nd}d", input, input.size(1), eps=eps, momentum=momentum,
                 affine=weight is not None, track_running_stats=running_mean is not None, owned=False)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    return apply("F.local_response_norm", "nn.LocalResponseNorm", input, size, alpha=alpha, beta=beta, k=k)


def _lp_pool(nd):
    def lp_pool(input, norm_type, kernel_size, stride=None, ceil_mode=False):
        return apply(f"F.lp_pool{nd}d", f"nn.LPPool{nd}d", input, norm_type, kernel_size, stride=stride,
                     ceil_mode=ceil_mode)
    lp_pool.__name__ = f"lp_pool{nd}d"
    return lp_pool


lp_pool1d, lp_pool2d, lp_pool3d = _lp_pool(1), _lp_pool(2), _lp_pool(3)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    return apply("F.unfold", "nn.Unfold", input, kernel_size, dilation=dilation, padding=padding, stride=stride)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    return apply("F.fold", "nn.Fold", input, output_size, kernel_size, dilation=dilation, padding=padding,
                 stride=stride)


def native_channel_shuffle(input, groups):
    return apply("F.native_channel_shuffle", "nn.ChannelShuffle", input, groups)


def one_hot(tensor, num_classes=-1):
    """(*, num_classes) integers; without num_classes torch takes the largest value + 1: data."""
    if num_classes is None or num_classes == -1:
        raise TraceError("F.one_hot without num_classes takes the largest label + 1, which depends on the data",
                         fix="pass num_classes=...").located(rec.where())
    return SymTensor((*tensor._shape, num_classes), None, "int64")


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    return (x1 * x2).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return (x1 - x2).abs().sum(-1, keepdim=keepdim)


def _loss(*args: Any, **kwargs: Any) -> SymTensor:
    return SymTensor(())


huber_loss = cosine_embedding_loss = ctc_loss = gaussian_nll_loss = hinge_embedding_loss = _loss
margin_ranking_loss = multi_margin_loss = multilabel_margin_loss = multilabel_soft_margin_loss = _loss
poisson_nll_loss = soft_margin_loss = triplet_margin_loss = triplet_margin_with_distance_loss = _loss

__all__ = [n for n in dir() if not n.startswith("_") and n not in ("Any", "SymTensor", "TraceError", "annotations",
                                                                   "apply", "in_place", "py", "rec")]
