"""A small decoder-only Transformer language model: token embeddings plus learned positions, two
causally masked encoder layers, a final LayerNorm and the vocabulary head."""
import torch
import torch.nn as nn


class TinyLM(nn.Module):
    def __init__(self, vocab=500, dim=64, heads=4, layers=2, context=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.zeros(1, context, dim))
        block = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=4 * dim, dropout=0.1, batch_first=True)
        self.blocks = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos
        mask = nn.Transformer.generate_square_subsequent_mask(tokens.size(1))
        x = self.blocks(x, mask=mask, is_causal=True)
        return self.lm_head(self.norm(x))


model = TinyLM()
x = torch.randint(0, 500, (1, 16))
