import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 5)

    def forward(self, x):
        x = self.conv(x)
        return torch.fft.rfft(x)
