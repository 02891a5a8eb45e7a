import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 32)
        self.lstm = nn.LSTM(64, 32, batch_first=True)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return out


model = Tagger()
x = torch.randint(0, 100, (2, 7))
