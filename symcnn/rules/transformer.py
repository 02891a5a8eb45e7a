"""Transformer layers: TransformerEncoderLayer and TransformerDecoderLayer, composed of the rules of
the layers torch builds inside them (MultiheadAttention, Linear, LayerNorm, Dropout); parameters,
shapes and MACs are their sums. The stacks (TransformerEncoder/Decoder, nn.Transformer) are in stacks.py.

MACs (symcnn's `mac`): the attention MACs of each MultiheadAttention (projections, QKᵀ, AV, output
projection) plus the feed-forward block 2·N·L·E·d_ff per layer; norms, activations, dropout and the
residual adds are not counted. ``Result.detail["parts"]`` lists the sub-layer calls (FLOPs tools count
those); a stack of identical layers is one part with a count.
Owns: these rules and the composite base (_Composite, run). Never: import torch.
"""

from __future__ import annotations

from sympy import Integer

from ..core.errors import RuleError
from ..core.symbols import D_ff, E, N_heads
from .base import TORCH_DOCS, Part, Result, Rule, make, rule

# torch's default activation is the function F.relu; a string, F.relu/F.gelu or a module are accepted
ACTIVATIONS = ("relu", "gelu")


def activation(value):
    """(name, module rule or None) of a Transformer layer's activation argument."""
    if isinstance(value, Rule):
        return value.name, value
    name = value if isinstance(value, str) else getattr(value, "__name__", None)
    if isinstance(value, str) and name not in ACTIVATIONS:
        raise RuleError(f"activation should be relu/gelu, not {value}", fix="use 'relu', 'gelu', F.gelu or a module")
    if name is None and not callable(value):
        raise RuleError(f"activation={value!r} is neither a string nor a function", fix="use 'relu' or 'gelu'")
    return name or "custom", None


class _Composite(Rule):
    """A layer made of other layers' rules: ``self.kids`` = [(name, rule, count)] in torch's registration
    order; count None for a single submodule, else the length of a ModuleList of copies."""

    family = "transformer"
    kids: list

    def parameters(self):
        out = {}
        for name, r, count in self.kids:
            inner = r.parameters()
            if count is None:
                out.update({f"{name}.{k}": v for k, v in inner.items()})
            elif not isinstance(count, Integer):
                return {}   # a symbolic number of layers (the general formula): see weights
            else:
                for i in range(int(count)):
                    out.update({f"{name}.{i}.{k}": v for k, v in inner.items()})
        return out

    def submodules(self):
        """Each kid (a ModuleList of ``count`` copies for a stack) and the kid's own submodules."""
        out = []
        for name, r, count in self.kids:
            if count is not None and not isinstance(count, Integer):
                return ()   # a symbolic number of layers (the general formula)
            copies = [name] if count is None else [f"{name}.{i}" for i in range(int(count))]
            if count is not None:
                out.append((name, "ModuleList"))
            for c in copies:
                out += [(c, r.name), *((f"{c}.{n}", t) for n, t in r.submodules())]
        return tuple(out)

    def param_groups(self):
        """One group per sub-layer with parameters (a stack's layers: num_layers times)."""
        out = []
        for name, r, count in self.kids:
            star = f"{name}.*" if count is not None else name
            for label, tensors, c in r.param_groups():
                if tensors:
                    out.append((f"{name}.{label}" if label else name, [(f"{star}.{n}", sh) for n, sh in tensors],
                                c * (1 if count is None else count)))
        return out

    @property
    def weights(self):
        return sum(((1 if c is None else c) * r.weights for _, r, c in self.kids), Integer(0))

    @property
    def biases(self):
        return sum(((1 if c is None else c) * r.biases for _, r, c in self.kids), Integer(0))

    lengths: tuple[str, ...] = ("L",)   # the length symbol of each tensor input (masks are not inputs)

    @property
    def general_ranks(self):
        return (3,) * len(self.lengths)

    def dim_names(self, rank, index):
        if index >= len(self.lengths):
            return ()
        length = "L" if index < 0 else self.lengths[index]
        if rank == 2:
            return (length, "E")
        return ("N", length, "E") if self.batch_first else (length, "N", "E")

    def _result(self, out, parts):
        macs = sum((p.count * p.result.macs for p in parts), Integer(0))
        return Result(out, macs, detail={"parts": tuple(parts)})


def run(parts: list, name: str, r: Rule, *inputs, count=Integer(1), **kw):
    """Call a sub-layer's rule, record it as a Part, return its output shape (errors name the sub-layer)."""
    try:
        res = r(*inputs, **kw)
    except RuleError as e:
        raise RuleError(f"{name}: {e.what}", fix=e.fix) from None
    parts.append(Part(name, r, tuple(inputs), res, count))
    return res.shape


class _Layer(_Composite):
    legend = {"d_model": E, "nhead": N_heads, "dim_feedforward": D_ff}

    def _build(self, cross, d_model, nhead, dim_feedforward, dropout, act, layer_norm_eps, batch_first,
               norm_first, bias):
        self.act_name, act_rule = activation(act)
        self.E, self.batch_first, self.norm_first = d_model, bool(batch_first), bool(norm_first)
        mha = [("self_attn", make("nn.MultiheadAttention", d_model, nhead, dropout=dropout, bias=bias,
                                  batch_first=batch_first), None)]
        if cross:
            mha.append(("multihead_attn", make("nn.MultiheadAttention", d_model, nhead, dropout=dropout,
                                               bias=bias, batch_first=batch_first), None))
        norms = [(f"norm{i}", make("nn.LayerNorm", d_model, eps=layer_norm_eps, bias=bias), None)
                 for i in range(1, 3 + int(cross))]
        drops = [(f"dropout{i}", make("nn.Dropout", dropout), None) for i in range(1, 3 + int(cross))]
        self.kids = [*mha, ("linear1", make("nn.Linear", d_model, dim_feedforward, bias=bias), None),
                     ("dropout", make("nn.Dropout", dropout), None),
                     ("linear2", make("nn.Linear", dim_feedforward, d_model, bias=bias), None), *norms, *drops]
        if act_rule is not None:
            self.kids.append(("activation", act_rule, None))
        self.sub = {name: r for name, r, _ in self.kids}

    def _block(self, parts, name, x, attend):
        """One residual block: x + dropout(f(x)) with f after norm (norm_first) or norm after the sum."""
        norm, drop = self.sub[f"norm{name}"], self.sub[f"dropout{name}"]
        if self.norm_first:
            y = attend(run(parts, f"norm{name}", norm, x))
            run(parts, f"dropout{name}", drop, y)
            return x
        y = attend(x)
        run(parts, f"dropout{name}", drop, y)
        return run(parts, f"norm{name}", norm, x)

    def _feed_forward(self, parts, x):
        h = run(parts, "linear1", self.sub["linear1"], x)
        if "activation" in self.sub:
            h = run(parts, "activation", self.sub["activation"], h)
        h = run(parts, "dropout", self.sub["dropout"], h)
        return run(parts, "linear2", self.sub["linear2"], h)

    def _attend(self, parts, name, kv=None, **kw):
        def call(x):
            k = x if kv is None else kv
            return run(parts, name, self.sub[name], x, k, k, need_weights=False, **kw)
        return call


@rule("nn.TransformerEncoderLayer", nd=0)
class TransformerEncoderLayer(_Layer):
    """Self-attention block and feed-forward block (linear1 → activation → linear2), each with dropout, a
    residual add and a LayerNorm (before the block with norm_first=True, after the add otherwise).

    Parameters: self_attn (4E² + 4E with bias), linear1 (E·d_ff + d_ff), linear2 (d_ff·E + E), 2 LayerNorms (2E each).
    MACs: the self-attention's MACs + 2·N·L·E·d_ff (bias additions, norms, activation, adds not counted).
    """

    reference = TORCH_DOCS + "torch.nn.TransformerEncoderLayer.html"

    def setup(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-05,
              batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        self._build(False, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                    norm_first, bias)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        parts = []
        x = self._block(parts, 1, src, self._attend(parts, "self_attn", attn_mask=src_mask,
                                                     key_padding_mask=src_key_padding_mask, is_causal=is_causal))
        x = self._block(parts, 2, x, lambda y: self._feed_forward(parts, y))
        return self._result(src, parts)


@rule("nn.TransformerDecoderLayer", nd=0)
class TransformerDecoderLayer(_Layer):
    """Self-attention on the target, cross-attention to the memory (the encoder's output) and a
    feed-forward block, each with dropout, a residual add and a LayerNorm.

    Parameters: self_attn and multihead_attn (4E² + 4E each with bias), linear1, linear2, 3 LayerNorms.
    MACs: both attentions' MACs + 2·N·L·E·d_ff (bias additions, norms, activation, adds not counted).
    """

    reference = TORCH_DOCS + "torch.nn.TransformerDecoderLayer.html"
    lengths = ("L", "L_s")

    def setup(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-05,
              batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        self._build(True, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                    norm_first, bias)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        parts = []
        x = self._block(parts, 1, tgt, self._attend(parts, "self_attn", attn_mask=tgt_mask,
                                                     key_padding_mask=tgt_key_padding_mask, is_causal=tgt_is_causal))
        x = self._block(parts, 2, x, self._attend(parts, "multihead_attn", memory, attn_mask=memory_mask,
                                                  key_padding_mask=memory_key_padding_mask,
                                                  is_causal=memory_is_causal))
        x = self._block(parts, 3, x, lambda y: self._feed_forward(parts, y))
        return self._result(tgt, parts)


__all__ = ["TransformerDecoderLayer", "TransformerEncoderLayer"]
