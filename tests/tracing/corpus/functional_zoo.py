"""A net written with torch.nn.functional only (weights as Parameters): activations, pools, norms and block
ops in their functional forms."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class FunctionalNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(16, 3, 3, 3) / math.sqrt(27))
        self.b1 = nn.Parameter(torch.zeros(16))
        self.w2 = nn.Parameter(torch.randn(32, 8, 3, 3) / math.sqrt(72))
        self.slope = nn.Parameter(torch.full((32,), 0.25))
        self.gamma = nn.Parameter(torch.ones(32))
        self.beta = nn.Parameter(torch.zeros(32))
        self.wb = nn.Parameter(torch.randn(num_classes, 64) * 0.01)
        self.wf = nn.Parameter(torch.randn(64, 128) * 0.01)

    def forward(self, x):
        x = F.conv2d(x, self.w1, self.b1, padding=1)
        x = F.hardtanh(x, -2.0, 2.0)
        x = F.glu(x, dim=1)                                   # 16 -> 8 channels
        x = F.conv2d(x, self.w2, None, stride=1, padding=1)
        x = F.prelu(x, self.slope)
        x = F.instance_norm(x, weight=self.gamma, bias=self.beta)
        x = F.lp_pool2d(x, 2, kernel_size=2)                  # 32x32 -> 16x16
        x = F.celu(x) + F.softsign(x) - F.tanhshrink(x)
        x = F.local_response_norm(x, size=3)
        x, idx = F.max_pool2d_with_indices(x, 2)              # -> 8x8
        x = F.leaky_relu_(x, 0.1)
        cols = F.unfold(x, kernel_size=2, stride=2)           # (N, 128, 16)
        x = F.fold(cols, output_size=(8, 8), kernel_size=2, stride=2)
        x = F.pixel_unshuffle(x, 2)                           # (N, 128, 4, 4)
        x = F.channel_shuffle(x, 4)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)            # (N, 128)
        h = F.linear(x, self.wf)                              # (N, 64)
        h2 = F.softshrink(F.logsigmoid(F.linear(x, self.wf)))
        y = F.linear(h, self.wb)
        return F.softmin(y + h2.sum(1, keepdim=True), dim=1)
