"""A small nn.Transformer translation model: shared embeddings, the source is the whole sequence and
the target its first 8 tokens under a causal mask."""
import torch
import torch.nn as nn


class Seq2Seq(nn.Module):
    def __init__(self, vocab=300, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.transformer = nn.Transformer(dim, 4, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=64,
                                          dropout=0.1, batch_first=True)
        self.out = nn.Linear(dim, vocab)

    def forward(self, tokens):
        src, tgt = self.embed(tokens), self.embed(tokens[:, :8])
        mask = nn.Transformer.generate_square_subsequent_mask(8)
        return self.out(self.transformer(src, tgt, tgt_mask=mask))


model = Seq2Seq()
x = torch.randint(0, 300, (2, 12))
