"""A TorchScript-era model: ScriptModule base, script_method forward, __constants__, a scripted helper."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from typing import List


@torch.jit.script
def fused_hardswish(x):
    return x * F.relu6(x + 3.0) / 6.0


class ConvBlock(torch.jit.ScriptModule):
    __constants__ = ['stride']

    def __init__(self, cin, cout, stride):
        super(ConvBlock, self).__init__()
        self.stride = stride
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    @torch.jit.script_method
    def forward(self, x):
        return fused_hardswish(self.bn(self.conv(x)))


class ScriptNet(torch.jit.ScriptModule):
    def __init__(self, widths: List[int] = [16, 32, 64], num_classes: int = 10):
        super(ScriptNet, self).__init__()
        blocks = []
        cin = 3
        for w in widths:
            blocks.append(ConvBlock(cin, w, 2))
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, num_classes)

    @torch.jit.script_method
    def forward(self, x):
        x = self.blocks(x)
        x = x.mean([2, 3])
        return self.fc(x)
