"""Convolutions written from their parts: _pair/_single/_triple, nn.Parameter weights, F.conv*d."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import init
from torch.nn.modules.utils import _pair, _single, _triple


class StdConv2d(nn.Module):
    """Conv2d with weight standardisation, its weight a parameter of its own."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = _pair(dilation)
        self.weight = nn.Parameter(torch.Tensor(out_channels, in_channels, *self.kernel_size))
        if bias:
            self.bias = nn.Parameter(torch.Tensor(out_channels))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.size(1) * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        w = self.weight
        mean = w.mean(dim=[1, 2, 3], keepdim=True)
        std = w.std(dim=[1, 2, 3], keepdim=True) + 1e-5
        w = (w - mean) / std
        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation)


class TemporalConv(nn.Module):
    def __init__(self, channels, kernel_size):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.weight = nn.Parameter(torch.empty(channels, 1, *self.kernel_size))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x):
        return F.conv1d(x, self.weight, None, 1, self.kernel_size[0] // 2, 1, x.size(1))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = StdConv2d(3, 32, 3, padding=1)
        self.conv2 = StdConv2d(32, 64, (3, 5), stride=2, padding=(1, 2), bias=False)
        self.temporal = TemporalConv(64, 5)
        self.pool_size = _triple(1)[1:]
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        n, c, h, w = x.shape
        x = self.temporal(x.view(n, c, h * w)).view(n, c, h, w)
        x = F.adaptive_avg_pool2d(x, self.pool_size).flatten(1)
        return self.fc(x)
