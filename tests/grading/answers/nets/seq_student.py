"""A recurrent and attention net for planted checker answers: x (L=5, N=2, 10) through a 2-layer
bidirectional LSTM, a GRU, self-attention and a Transformer encoder layer."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True)
        self.gru = nn.GRU(40, 16)
        self.attn = nn.MultiheadAttention(16, 4)
        self.block = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32)

    def forward(self, x):
        y, _ = self.lstm(x)
        z, _ = self.gru(y)
        a, _ = self.attn(z, z, z)
        return self.block(a)


model = Net()
x = torch.rand(5, 2, 10)
