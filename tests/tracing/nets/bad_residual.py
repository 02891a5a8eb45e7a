import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(64, 128, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(128, 128, 3, padding=1)

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        out += x
        return out


model = Block()
x = torch.rand(1, 64, 56, 56)
