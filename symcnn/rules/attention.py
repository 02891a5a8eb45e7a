"""Attention: nn.MultiheadAttention and F.scaled_dot_product_attention.

MultiheadAttention takes query (L, N, E), key (L_s, N, E_k), value (L_s, N, E_v) (batch first with
batch_first=True; unbatched (L, E) ...). Each of the n_h heads works on E/n_h features.
MACs (symcnn's `mac`): the Q, K and V projections N·(L·E·E + L_s·E_k·E + L_s·E_v·E), the scores QKᵀ
and the weighted sum AV, N·L·L_s'·E each (L_s' = L_s + 1 per add_bias_kv / add_zero_attn: the extra
key positions), and the output projection N·L·E·E. Bias additions, the 1/√(E/n_h) scaling,
softmax, masks and dropout are not counted.
Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer, Mod, Symbol

from ..core.errors import RuleError
from ..core.symbols import E, E_k, E_v, N_heads
from .base import TORCH_DOCS, Result, Rule, fmt_shape, numel, require, rule
from .common import broadcast, exact_div, same_shape


def _name(v, default: str) -> str:
    return v.name if isinstance(v, Symbol) else default


def check_mask_rank(mask, ranks, what: str, layer: str) -> None:
    if mask is not None and len(mask) not in ranks:
        raise RuleError(f"{layer}: {what} must be {' or '.join(f'{r}-D' for r in ranks)}, got a {len(mask)}-D "
                        f"mask of shape {fmt_shape(mask)}", fix=f"give {what} one of those shapes")


@rule("nn.MultiheadAttention", nd=0)
class MultiheadAttention(Rule):
    """Multi-head attention: Q = X_q·W_qᵀ, K = X_k·W_kᵀ, V = X_v·W_vᵀ split into n_h heads of E/n_h
    features, softmax(QKᵀ/√(E/n_h))·V per head, concatenated and projected by out_proj.

    Parameters: in_proj_weight (3E × E), or q/k/v_proj_weight (E × E, E × E_k, E × E_v) when kdim or vdim
    differ from E; in_proj_bias (3E); out_proj (E × E + E); bias_k, bias_v (E each) with add_bias_kv.
    MACs: Q/K/V projections + QKᵀ + AV + output projection (bias additions, scaling, softmax not counted).
    Returns (attn_output, attn_weights); attn_weights is None when need_weights=False.
    """

    family = "attention"
    reference = TORCH_DOCS + "torch.nn.MultiheadAttention.html"
    legend = {"embed_dim": E, "num_heads": N_heads, "kdim": E_k, "vdim": E_v}

    def setup(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
              kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        require((embed_dim > 0) & (num_heads > 0), lambda: f"embed_dim and num_heads must be greater than 0, "
                f"got embed_dim={embed_dim} and num_heads={num_heads}", fix="use positive sizes")
        require(Eq(Mod(embed_dim, num_heads), 0), lambda: f"embed_dim={embed_dim} must be divisible by "
                f"num_heads={num_heads}", fix="choose num_heads that divides embed_dim")
        self.E, self.heads = embed_dim, num_heads
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self.packed = self.kdim == embed_dim and self.vdim == embed_dim
        self.bias, self.bias_kv, self.zero_attn = bool(bias), bool(add_bias_kv), bool(add_zero_attn)
        self.batch_first = bool(batch_first)
        self.head_dim = exact_div(embed_dim, num_heads)

    def parameters(self):
        e = self.E
        if self.packed:
            p = {"in_proj_weight": (3 * e, e)}
        else:
            p = {"q_proj_weight": (e, e), "k_proj_weight": (e, self.kdim), "v_proj_weight": (e, self.vdim)}
        if self.bias:
            p["in_proj_bias"] = (3 * e,)
        if self.bias_kv:
            p["bias_k"] = p["bias_v"] = (Integer(1), Integer(1), e)
        p["out_proj.weight"] = (e, e)
        if self.bias:
            p["out_proj.bias"] = (e,)
        return p

    def submodules(self):
        return (("out_proj", "NonDynamicallyQuantizableLinear"),)

    general_ranks = (3, 3, 3)

    def dim_names(self, rank, index):
        if index > 2:
            return ()
        index = max(index, 0)   # the output has the query's dims
        length = "L" if index == 0 else "L_s"
        feat = _name((self.E, self.kdim, self.vdim)[index], ("E", "E_k", "E_v")[index])
        if (self.E, self.kdim, self.vdim)[index] == self.E:
            feat = _name(self.E, "E")
        if rank == 2:
            return (length, feat)
        return ("N", length, feat) if self.batch_first else (length, "N", feat)

    def forward(self, query, key=None, value=None, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        layer = self.name
        key = query if key is None else key
        value = key if value is None else value
        if len(query) not in (2, 3):
            raise RuleError(f"{layer}: query should be unbatched 2-D or batched 3-D, got a {len(query)}-D query "
                            f"of shape {fmt_shape(query)}", fix="reshape it to (L, N, embed_dim)")
        batched = len(query) == 3
        for t, what in ((key, "key"), (value, "value")):
            if len(t) != len(query):
                raise RuleError(f"{layer}: for a {len(query)}-D query, {what} must be {len(query)}-D too, got "
                                f"{fmt_shape(t)}", fix=f"give {what} the same number of dims as the query")
        check_mask_rank(key_padding_mask, (2,) if batched else (1,), "key_padding_mask", layer)
        check_mask_rank(attn_mask, (2, 3), "attn_mask", layer)
        if batched and self.batch_first:
            (n, L, eq), (nk, S, ek), (nv, Sv, ev) = query, key, value
        elif batched:
            (L, n, eq), (S, nk, ek), (Sv, nv, ev) = query, key, value
        else:
            (L, eq), (S, ek), (Sv, ev) = query, key, value
            n = nk = nv = Integer(1)
        require(Eq(eq, self.E), lambda: f"query has {eq} features but embed_dim={self.E}",
                fix=f"set embed_dim={eq}, or change the query's last dimension")
        require(Eq(ek, self.kdim), lambda: f"key has {ek} features but kdim={self.kdim}",
                fix=f"set kdim={ek}" if self.packed else "match the key's last dimension to kdim")
        require(Eq(ev, self.vdim), lambda: f"value has {ev} features but vdim={self.vdim}",
                fix=f"set vdim={ev}" if self.packed else "match the value's last dimension to vdim")
        require(Eq(S, Sv) & Eq(nk, nv), lambda: f"key {fmt_shape(key)} and value {fmt_shape(value)} differ in their "
                "sequence or batch dims", fix="give key and value the same length and batch")
        require(Eq(nk, n), lambda: f"key's batch size {nk} differs from the query's {n}",
                fix="give query, key and value the same batch size")
        if is_causal and attn_mask is None:
            raise RuleError(f"{layer}: is_causal=True needs attn_mask", fix="pass the mask too, e.g. "
                            "nn.Transformer.generate_square_subsequent_mask(L)")
        if key_padding_mask is not None:
            same_shape(key_padding_mask, (n, S) if batched else (S,), "key_padding_mask",
                        "give it the shape (N, L_s) of the keys")
        if attn_mask is not None:
            want = (L, S) if len(attn_mask) == 2 else (self.heads * n if batched else self.heads, L, S)
            same_shape(attn_mask, want, "attn_mask", "give it the shape (L, L_s) or (N·num_heads, L, L_s)")
        s_eff = S + int(self.bias_kv) + int(self.zero_attn)
        e = self.E
        terms = {"q_proj": n * L * e * e, "k_proj": n * S * self.kdim * e, "v_proj": n * S * self.vdim * e,
                 "scores": n * L * s_eff * e, "weighted_sum": n * L * s_eff * e, "out_proj": n * L * e * e}
        out = query
        weights = None
        if need_weights:
            per = (self.heads,) if not average_attn_weights else ()
            weights = (n, *per, L, s_eff) if batched else (*per, L, s_eff)
        call = {"L": L, "S": S, "N": n, "batched": batched, "need_weights": bool(need_weights),
                "average": bool(average_attn_weights), "attn_mask": attn_mask, "key_padding_mask": key_padding_mask,
                "is_causal": bool(is_causal), "S_eff": s_eff}
        return Result(out, sum(terms.values(), Integer(0)), extra_shapes=(weights,) if weights else (),
                      nest=(0, 1) if weights else (0, None), detail={"terms": terms, "call": call})


@rule("F.scaled_dot_product_attention", nd=0)
class ScaledDotProductAttention(Rule):
    """softmax(Q·Kᵀ·scale + mask)·V over the last two dims, batch dims broadcast: query (..., L, E),
    key (..., L_s, E), value (..., L_s, E_v) -> (..., L, E_v). With enable_gqa the key/value heads (dim −3)
    are shared by groups of query heads.

    MACs: B·L·L_s·(E + E_v), B the broadcast batch: the scores QKᵀ and the weighted sum AV (scaling,
    softmax and masks not counted).
    """

    family = "attention"
    reference = TORCH_DOCS + "torch.nn.functional.scaled_dot_product_attention.html"

    def setup(self, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
        if not 0 <= dropout_p <= 1:
            raise RuleError(f"dropout probability has to be between 0 and 1, but got {dropout_p}",
                            fix="use dropout_p in [0, 1]")
        self.is_causal, self.gqa = bool(is_causal), bool(enable_gqa)

    general_ranks = (3, 3, 3)

    def dim_names(self, rank, index):
        if index > 2:
            return ()
        last = ("E", "E", "E_v", "E_v")[index]
        return (*(("N",) if rank == 3 else (f"b{i}" for i in range(rank - 2))), "L" if index <= 0 else "L_s", last)

    def forward(self, query, key, value, attn_mask=None):
        layer = self.name
        shapes = (query, key, value)
        if any(len(t) < 2 for t in shapes):
            raise RuleError(f"{layer} expects query, key and value to be at least 2-D, got "
                            f"{', '.join(fmt_shape(t) for t in shapes)}", fix="add the length dim")
        (L, e), (S, ek), (Sv, ev) = query[-2:], key[-2:], value[-2:]
        require(Eq(e, ek), lambda: f"query has {e} features per position but key has {ek}",
                fix="give query and key the same last dimension")
        require(Eq(S, Sv), lambda: f"key has {S} positions but value has {Sv}",
                fix="give key and value the same length (dim −2)")
        batches = [t[:-2] for t in shapes]
        if self.gqa and len(query) >= 3:
            hq = query[-3]
            for t, what in ((key, "key"), (value, "value")):
                if len(t) >= 3:
                    require(Eq(Mod(hq, t[-3]), 0), lambda: f"the number of heads in {what} ({t[-3]}) must divide "
                            f"the number of heads in query ({hq})", fix="use a divisor of the query heads")
            batches = [b[:-1] + (hq,) if len(b) >= 1 and i else b for i, b in enumerate(batches)]
        elif self.gqa:
            raise RuleError(f"{layer}: enable_gqa needs a head dim (-3) in query", fix="give a 3-D or 4-D query")
        batch = broadcast(broadcast(batches[0], batches[1], layer), batches[2], layer)
        if attn_mask is not None:
            if len(attn_mask) < 2:
                raise RuleError(f"{layer}: attn_mask must be at least 2-D, got {fmt_shape(attn_mask)}",
                                fix="give the mask the shape (L, L_s)")
            full = (*batch, L, S)
            got = broadcast(attn_mask, full, f"{layer} attn_mask")
            same_shape(got, full, "the broadcast attn_mask", "give the mask a shape that broadcasts to "
                        f"{fmt_shape(full)}")
        b = numel(batch)
        terms = {"scores": b * L * S * e, "weighted_sum": b * L * S * ev}
        return Result((*batch, L, ev), b * L * S * (e + ev), detail={"terms": terms})


__all__ = ["MultiheadAttention", "ScaledDotProductAttention"]
