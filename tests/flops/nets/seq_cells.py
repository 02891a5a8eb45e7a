"""Recurrent cells unrolled by hand: an LSTMCell and a GRUCell over 6 time steps of a (N, L, F) input."""
import torch
import torch.nn as nn


class Unrolled(nn.Module):
    def __init__(self, features=12, hidden=20):
        super().__init__()
        self.hidden = hidden
        self.lstm = nn.LSTMCell(features, hidden)
        self.gru = nn.GRUCell(hidden, hidden, bias=False)
        self.rnn = nn.RNNCell(hidden, hidden, nonlinearity="relu")
        self.head = nn.Linear(hidden, 3)

    def forward(self, x):
        h = torch.zeros(x.size(0), self.hidden)
        c = torch.zeros(x.size(0), self.hidden)
        g = torch.zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.lstm(x[:, t], (h, c))
            g = self.gru(h, g)
        return self.head(self.rnn(g))


model = Unrolled()
x = torch.rand(2, 6, 12)
