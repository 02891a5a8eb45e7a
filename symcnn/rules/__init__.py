"""The rule families. Each module registers its rules with @rule; imported explicitly, no discovery.

conv (Conv, ConvTranspose), pool (max/avg/LP/adaptive pools), linear (Linear, Bilinear, Identity,
Embedding, Flatten, Unflatten), activation (the category table of weightless shape-preserving
layers, PReLU, GLU), norm (batch/instance/layer/group/local response/RMS norm), resample (Upsample and
the padding layers), sampling (UpsamplingNearest2d/Bilinear2d, F.affine_grid, F.grid_sample), unpool
(MaxUnpool), shuffle (PixelShuffle/Unshuffle, ChannelShuffle, Fold/Unfold), recurrent (RNN/LSTM/GRU), cells (their cells),
attention (MultiheadAttention, F.scaled_dot_product_attention), transformer (the encoder/decoder layers,
composed of the rules above) and stacks (TransformerEncoder/Decoder, nn.Transformer); common holds shared
helpers.
To add a layer: write a Rule subclass in the family file it belongs to (or a new file imported here).
base.py holds the Rule base class, the registry and the shared formulas (window, per_axis, require).
Importing this package registers every family; base.py never imports a family.

May import: core only.
"""

from . import (  # noqa: F401
    activation,
    attention,
    cells,
    conv,
    linear,
    norm,
    pool,
    recurrent,
    resample,
    sampling,
    shuffle,
    stacks,
    transformer,
    unpool,
)
