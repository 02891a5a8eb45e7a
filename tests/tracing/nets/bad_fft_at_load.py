import torch
import torch.nn as nn


class Spectral(nn.Module):
    def forward(self, x):
        return torch.fft.rfft(x).abs()


model = Spectral()
x = torch.rand(1, 1, 64)
y = model(x)
