"""Every SymPy symbol symcnn uses, with its assumptions. Rules import symbols from here and never
create their own, because ``Symbol("K")`` and ``Symbol("K", integer=True)`` are different symbols.

Owns: the symbols of input sizes and of layer hyper-parameters, and ``size_symbol`` for user symbols.
Never: compute anything.
"""

from __future__ import annotations

from functools import cache

from sympy import Symbol


def _size(name: str) -> Symbol:
    return Symbol(name, integer=True, positive=True)


def _nonneg(name: str) -> Symbol:
    return Symbol(name, integer=True, nonnegative=True)


# Input sizes. 1-D inputs have length L, 3-D inputs have depth T (not D: D is dilation).
N = _size("N")          # batch
C = _size("C")          # channels
H = _size("H")          # height
W = _size("W")          # width
L = _size("L")          # length of 1-D inputs
T = _size("T")          # depth of 3-D inputs

SPATIAL = {1: (L,), 2: (H, W), 3: (T, H, W)}

# Symbols of general formulas (the rule called with symbols, for docs and derivations).
L_in = _size("L_in")    # input size along one spatial axis
L_out = _size("L_out")
C_in = _size("C_in")
C_out = _size("C_out")
K = _size("K")          # kernel size
S = _size("S")          # stride
P = _nonneg("P")        # padding (one side)
D = _size("D")          # dilation
G = _size("G")          # groups
P_out = _nonneg("P_out")  # output_padding
F_in = _size("F_in")    # in_features
F_out = _size("F_out")  # out_features
R = _size("R")          # upscale/downscale factor (PixelShuffle, PixelUnshuffle)
# matmul (b, m, k) @ (k, n) -> (b, m, n): lower case, apart from N (batch) and K (kernel size)
MM_B, MM_M, MM_K, MM_N = _size("b"), _size("m"), _size("k"), _size("n")

# Sequence layers. The sequence length is L (as for 1-D inputs); a second length (attention's keys
# and values, a decoder's memory, nn.Transformer's source) is L_s, as torch's docs call it S (S is
# the stride here). Features of an RNN's input are F_in (as a Linear's).
L_s = _size("L_s")        # source (key/value, memory) sequence length
Hid = _size("h")          # hidden_size of RNN/LSTM/GRU and their cells
Proj = _size("p")         # proj_size of an LSTM (0: no projection)
N_layers = _size("n_l")   # num_layers
E = _size("E")            # embed_dim / d_model
E_k = _size("E_k")        # kdim of MultiheadAttention
E_v = _size("E_v")        # vdim
N_heads = _size("n_h")    # num_heads / nhead
D_ff = _size("d_ff")      # dim_feedforward
N_enc = _size("n_enc")    # num_encoder_layers
N_dec = _size("n_dec")    # num_decoder_layers


@cache
def size_symbol(name: str) -> Symbol:
    """The symbol for a user-given size name (``--input 1x3xHxW``): a positive integer."""
    known = {s.name: s for s in (N, C, H, W, L, T, L_s, E)}
    return known.get(name) or _size(name)
