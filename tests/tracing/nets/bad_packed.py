import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class Reader(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16)

    def forward(self, x):
        packed = pack_padded_sequence(x, [5, 3])
        return self.gru(packed)[1]


model = Reader()
x = torch.rand(5, 2, 8)
