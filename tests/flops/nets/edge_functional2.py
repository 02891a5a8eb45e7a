"""FLOPs edge cases: functional calls the tools patch or not (F.relu vs F.relu_ vs torch.relu, F.relu6,
F.leaky_relu...), F.interpolate by size and by scale, functional norms and convs with weight tensors,
F.linear, a @ b, F.batch_norm with running statistics. Input 1x3x10x12."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Fun2(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(4, 3, 3))
        self.wt = nn.Parameter(torch.randn(3, 2, 2, 2))
        self.fc_w = nn.Parameter(torch.randn(5, 24))
        self.register_buffer("mean", torch.zeros(2))
        self.register_buffer("var", torch.ones(2))

    def forward(self, x):
        x = F.relu(x) + F.relu_(x) + torch.relu(x) + F.relu6(x) + F.leaky_relu(x, 0.2)
        x = F.elu(x) + F.gelu(x) + F.silu(x) + torch.tanh(x) + torch.sigmoid(x)
        a = F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False)
        b = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.layer_norm(b, b.shape[1:]) + F.group_norm(b, 3)
        y = F.conv_transpose2d(x, self.wt, stride=2)
        y = F.batch_norm(y, self.mean, self.var)
        z = F.conv1d(a.flatten(2), self.w1, padding=1)
        z = F.adaptive_avg_pool1d(z, 6).flatten(1)
        return F.linear(z, self.fc_w) @ self.fc_w + y.mean()


x = torch.rand(1, 3, 10, 12)
