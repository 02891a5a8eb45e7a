"""Explicit and operator matmuls on parameters: a batched (2, 3, 4) @ (4, 5), then a matrix-vector @."""
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 5))
        self.v = nn.Parameter(torch.randn(5))

    def forward(self, x):
        y = torch.matmul(x, self.w)
        return y @ self.v


model = Net()
x = torch.randn(2, 3, 4)
