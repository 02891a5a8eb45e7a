"""Every functional op of the stand-in once, with keyword forms; forward returns every result."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(4, 3, 3))
        self.w3 = nn.Parameter(torch.randn(4, 3, 3, 3, 3))
        self.wt = nn.Parameter(torch.randn(3, 2, 2, 2))
    def forward(self, x):
        outs = []
        for f in (F.relu, F.relu_, F.relu6, F.elu, F.selu, F.silu, F.mish, F.hardswish, F.hardsigmoid, F.gelu,
                  F.sigmoid, F.tanh, F.softplus, F.leaky_relu, F.dropout, F.dropout2d, torch.relu, torch.tanh):
            outs.append(f(x))
        outs.append(F.softmax(x, dim=1)); outs.append(F.log_softmax(x, 1))
        outs.append(F.max_pool2d(x, 2, ceil_mode=True)); outs.append(F.avg_pool2d(x, 3, 2, 1, divisor_override=2))
        outs.append(F.adaptive_max_pool2d(x, (2, 3)))
        outs.append(F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True))
        outs.append(F.interpolate(x, scale_factor=1.4))
        outs.append(F.pad(x, (1, 1, 2, 2), mode="replicate")); outs.append(F.pad(x, (1, 2), value=1.0))
        outs.append(F.conv_transpose2d(x, self.wt, stride=2, groups=1))
        outs.append(F.layer_norm(x, x.shape[1:])); outs.append(F.group_norm(x, 3))
        l = x.flatten(2)
        outs.append(F.conv1d(l, self.w1, padding=1)); outs.append(F.max_pool1d(l, 3)); outs.append(F.avg_pool1d(l, 2))
        outs.append(F.adaptive_avg_pool1d(l, 4)); outs.append(F.dropout1d(l))
        v = x.unsqueeze(2).expand(-1, -1, 4, -1, -1)
        outs.append(F.conv3d(v, self.w3)); outs.append(F.max_pool3d(v, 2)); outs.append(F.avg_pool3d(v, 2))
        outs.append(F.adaptive_avg_pool3d(v, 1)); outs.append(F.dropout3d(v))
        outs.append(F.batch_norm(l, None, None, training=True))
        return outs

model = Net()
x = torch.rand(2, 3, 10, 12)
