"""The Transformer stacks: TransformerEncoder, TransformerDecoder (num_layers copies of a layer and an
optional norm) and nn.Transformer (an encoder and a decoder), composed of the layer rules of
transformer.py; a stack of identical layers is one part counted num_layers times.

Owns: these rules. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer

from ..core.errors import RuleError
from ..core.symbols import D_ff, E, N_dec, N_enc, N_heads, N_layers
from .base import TORCH_DOCS, Rule, make, require, rule
from .common import is_int
from .transformer import _Composite, run


def _stack_of(layer, want: str, arg: str):
    if not isinstance(layer, Rule) or layer.key != want:
        raise RuleError(f"{arg} must be an {want}, got {type(layer).__name__}",
                        fix=f"pass an {want}(...) (symcnn models only that layer here)")
    return layer


class _Stack(_Composite):
    legend = {"num_layers": N_layers}

    def _build(self, layer, num_layers, norm):
        if not is_int(num_layers):
            raise RuleError(f"num_layers={num_layers!r} should be an int", fix="give num_layers as an int")
        require(num_layers >= 0, lambda: f"num_layers={num_layers} must not be negative", fix="use num_layers >= 0")
        if norm is not None and not isinstance(norm, Rule):
            raise RuleError(f"norm must be a module such as nn.LayerNorm, got {type(norm).__name__}",
                            fix="pass nn.LayerNorm(d_model) or None")
        self.layer, self.num_layers, self.norm = layer, num_layers, norm
        self.batch_first = layer.batch_first
        self.kids = [("layers", layer, num_layers)] + ([("norm", norm, None)] if norm is not None else [])

    def _finish(self, parts, x, *inputs, **kw):
        require(self.num_layers >= 1, lambda: f"{self.name} with num_layers={self.num_layers} cannot run: torch "
                "reads the batch layout from layers[0]", fix="use num_layers >= 1")
        run(parts, "layers", self.layer, x, *inputs, count=self.num_layers, **kw)
        if self.norm is not None:
            run(parts, "norm", self.norm, x)
        return self._result(x, parts)


@rule("nn.TransformerEncoder", nd=0)
class TransformerEncoder(_Stack):
    """num_layers copies of an encoder layer, then an optional norm.

    Parameters: num_layers × the layer's + the norm's. MACs: num_layers × the layer's MACs.
    """

    reference = TORCH_DOCS + "torch.nn.TransformerEncoder.html"
    general_args = {"encoder_layer": lambda: make("nn.TransformerEncoderLayer", E, N_heads, D_ff)}

    def setup(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        self._build(_stack_of(encoder_layer, "nn.TransformerEncoderLayer", "encoder_layer"), num_layers, norm)

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        return self._finish([], src, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                            is_causal=bool(is_causal))


@rule("nn.TransformerDecoder", nd=0)
class TransformerDecoder(_Stack):
    """num_layers copies of a decoder layer, then an optional norm.

    Parameters: num_layers × the layer's + the norm's. MACs: num_layers × the layer's MACs.
    """

    reference = TORCH_DOCS + "torch.nn.TransformerDecoder.html"
    general_args = {"decoder_layer": lambda: make("nn.TransformerDecoderLayer", E, N_heads, D_ff)}
    lengths = ("L", "L_s")

    def setup(self, decoder_layer, num_layers, norm=None):
        self._build(_stack_of(decoder_layer, "nn.TransformerDecoderLayer", "decoder_layer"), num_layers, norm)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        return self._finish([], tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=bool(tgt_is_causal),
                            memory_is_causal=memory_is_causal)


@rule("nn.Transformer", nd=0)
class Transformer(_Composite):
    """Encoder (num_encoder_layers encoder layers + LayerNorm) and decoder (num_decoder_layers decoder
    layers + LayerNorm); forward(src, tgt) encodes src into the memory the decoder attends to.

    Parameters: the encoder's and the decoder's. MACs: n_enc encoder layers on src + n_dec decoder layers
    on tgt (cross-attention to the memory of src's length).
    """

    reference = TORCH_DOCS + "torch.nn.Transformer.html"
    legend = {"d_model": E, "nhead": N_heads, "num_encoder_layers": N_enc, "num_decoder_layers": N_dec,
              "dim_feedforward": D_ff}
    lengths = ("L_s", "L")
    statics = {"generate_square_subsequent_mask": lambda sz, device=None, dtype=None: (sz, sz)}

    def setup(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
              dropout=0.1, activation="relu", custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-05,
              batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias)
        enc = custom_encoder if custom_encoder is not None else make(
            "nn.TransformerEncoder", make("nn.TransformerEncoderLayer", *args), num_encoder_layers,
            make("nn.LayerNorm", d_model, eps=layer_norm_eps, bias=bias))
        dec = custom_decoder if custom_decoder is not None else make(
            "nn.TransformerDecoder", make("nn.TransformerDecoderLayer", *args), num_decoder_layers,
            make("nn.LayerNorm", d_model, eps=layer_norm_eps, bias=bias))
        for r, what in ((enc, "custom_encoder"), (dec, "custom_decoder")):
            if not isinstance(r, Rule):
                raise RuleError(f"{what} must be a layer symcnn models (nn.TransformerEncoder / Decoder), got "
                                f"{type(r).__name__}", fix=f"leave {what} out, or build it from nn.Transformer* layers")
        self.E, self.batch_first = d_model, bool(batch_first)
        self.kids = [("encoder", enc, None), ("decoder", dec, None)]

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        if len(src) == 3:
            b = 0 if self.batch_first else 1
            if len(tgt) > b:
                require(Eq(src[b], tgt[b]), lambda: f"the batch number of src ({src[b]}) and tgt ({tgt[b]}) must be "
                        "equal", fix="give src and tgt the same batch size")
        for t, what in ((src, "src"), (tgt, "tgt")):
            f = t[-1] if t else Integer(0)
            require(Eq(f, self.E), lambda: f"the feature number of {what} ({f}) must be equal to d_model={self.E}",
                    fix=f"set d_model={f}, or change the last dimension of {what}")
        parts = []
        enc, dec = self.kids[0][1], self.kids[1][1]
        memory = run(parts, "encoder", enc, src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=src_is_causal)
        out = run(parts, "decoder", dec, tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                   tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                   tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        return self._result(out, parts)


__all__ = ["Transformer", "TransformerDecoder", "TransformerEncoder"]
