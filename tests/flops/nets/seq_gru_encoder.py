"""A GRU seq2seq encoder (sequence first): token ids (L, N) -> embeddings -> 2-layer bidirectional GRU
started from a given h_0; returns the outputs and the final hidden state."""
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, vocab=800, embed=40, hidden=64, layers=2):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.embed = nn.Embedding(vocab, embed)
        self.gru = nn.GRU(embed, hidden, num_layers=layers, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)

    def forward(self, src):
        h0 = torch.zeros(2 * self.layers, src.size(1), self.hidden)
        outputs, hidden = self.gru(self.embed(src), h0)
        return self.bridge(outputs), hidden


model = Encoder()
x = torch.randint(0, 800, (12, 1))
