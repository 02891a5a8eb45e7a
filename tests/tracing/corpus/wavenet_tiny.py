"""A small WaveNet: causal dilated Conv1d (left padding, then cropping), gated activations, residual and skip sums."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1, **kwargs):
        self.__padding = (kernel_size - 1) * dilation
        super(CausalConv1d, self).__init__(in_channels, out_channels, kernel_size=kernel_size,
                                           padding=self.__padding, dilation=dilation, **kwargs)

    def forward(self, input):
        result = super(CausalConv1d, self).forward(input)
        if self.__padding != 0:
            return result[:, :, :-self.__padding]
        return result


class ResidualLayer(nn.Module):
    def __init__(self, residual_channels, skip_channels, dilation):
        super().__init__()
        self.filter_conv = CausalConv1d(residual_channels, residual_channels, 2, dilation=dilation)
        self.gate_conv = CausalConv1d(residual_channels, residual_channels, 2, dilation=dilation)
        self.residual = nn.Conv1d(residual_channels, residual_channels, 1)
        self.skip = nn.Conv1d(residual_channels, skip_channels, 1)

    def forward(self, x):
        out = torch.tanh(self.filter_conv(x)) * torch.sigmoid(self.gate_conv(x))
        return x + self.residual(out), self.skip(out)


class WaveNet(nn.Module):
    def __init__(self, classes=256, residual_channels=32, skip_channels=64, layers=8, stacks=2):
        super().__init__()
        self.start = CausalConv1d(classes, residual_channels, 2)
        self.layers = nn.ModuleList([ResidualLayer(residual_channels, skip_channels, 2 ** i)
                                     for _ in range(stacks) for i in range(layers)])
        self.end1 = nn.Conv1d(skip_channels, skip_channels, 1)
        self.end2 = nn.Conv1d(skip_channels, classes, 1)

    def forward(self, x):
        x = self.start(x)
        skips = 0
        for layer in self.layers:
            x, skip = layer(x)
            skips = skips + skip
        out = F.relu(skips)
        out = F.relu(self.end1(out))
        return self.end2(out)


model = WaveNet(layers=6, stacks=1)
